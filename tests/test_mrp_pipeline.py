"""MRP and inventory alerts in the warehouse (issue 8): the import contract end to end, and the published tables.

One store and one `erp build` serve the module (dbt is slow to start); a second, selected build checks the
plan-to-plan diff and that a still-true alert keeps its first_seen date.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from erp.cli import main
from erp.errors import ServiceError
from erp.i18n import language
from erp.planning import pipeline, plan_reference
from erp.planning import tables as tables_module
from erp.planning.engine import engine_plan
from erp.planning.output import EXCEPTION_TYPES
from erp.planning.problem import Problem, load_problem
from erp.planning.standalone import MRP_MODELS, ModelRunner, write_inputs
from erp.planning.synthetic import synthetic_problem
from erp.planning.tables import (
    DETAIL_SLOTS,
    EXCEPTION_ROWS,
    ORDER_ROWS,
    OUTPUTS,
    PEGGING_ROWS,
    RECORD_FIELDS,
    RECORD_ROWS,
    PlanTables,
    decimals,
    exception_texts,
    plan_tables,
)
from erp.warehouse import read

WORKED_EXAMPLE = {
    "items.csv": "item_code,description,item_type,uom,lead_time_days,lot_sizing,lot_size_qty,lot_size_periods,"
    "min_order_qty,order_multiple,safety_stock_qty,standard_cost\n"
    "A,Assembly A,make,PCS,7,L4L,0,1,0,0,0,100\n"
    "B,Component B,buy,PCS,14,FOQ,50,1,0,0,0,10\n"
    "C,Spare part C,buy,PCS,7,L4L,0,1,0,0,30,5\n",
    "bom.csv": "parent_item,component_item,qty_per,scrap_pct\nA,B,2,0\n",
    "on_hand.csv": "item_code,location,quantity\nA,FG,10\nB,RAW,20\nC,RAW,12\n",
    "scheduled_receipts.csv": "item_code,due_date,quantity\nC,2026-03-02,40\n",
    "demand.csv": "item_code,due_date,quantity,demand_type\n"
    "A,2026-01-19,30,order\nA,2026-02-02,20,order\nC,2026-01-12,15,order\n",
}
WORKED_ORDERS = [
    ("A", "2026-01-12", "2026-01-19", 20),
    ("A", "2026-01-26", "2026-02-02", 20),
    ("B", "2026-01-05", "2026-01-12", 50),
    ("B", "2026-01-12", "2026-01-26", 50),
]


def erp(*args: str) -> None:
    assert main(list(args)) == 0, args


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The worked example of issue 8 imported with `erp import` and built with `erp build --as-of 2026-01-05`."""
    root = tmp_path_factory.mktemp("mrp")
    scenario = root / "scenario"
    scenario.mkdir()
    for name, text in WORKED_EXAMPLE.items():
        (scenario / name).write_text(text, encoding="utf-8")
    password = root / "password.txt"
    password.write_text("a-long-enough-password\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(root / "home"))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        erp("init", "--admin-password-file", str(password))
        erp("import", str(scenario))
        erp("build", "--as-of", "2026-01-05")
        yield root


def test_worked_example_end_to_end(home: Path) -> None:
    out = home / "planned.csv"
    erp("export", "mrp_planned_orders", "--out", str(out))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    got = [(r["item_code"], r["release_date"], r["due_date"], Decimal(r["quantity"])) for r in rows]
    # C only needs its safety stock restored: 12 on hand - 15 ordered + 30 safety = 33, due in period 2
    assert [g for g in got if g[0] != "C"] == [(c, r, d, Decimal(q)) for c, r, d, q in WORKED_ORDERS]
    assert [r["order_type"] for r in rows if r["item_code"] != "C"] == ["production"] * 2 + ["purchase"] * 2
    expedite = read.query("select item_code, exception_date from mrp_exceptions where exception_type = 'expedite'")
    assert ("B", pd.Timestamp("2026-01-12")) in list(expedite.itertuples(index=False, name=None))


def test_records_pegging_and_exceptions_are_published(home: Path) -> None:
    records = read.query(
        "select period, gross, projected_on_hand, net, planned_receipts, planned_releases from mrp_records "
        "where item_code = 'B' order by period"
    )
    rows = [tuple(float(v) for v in r) for r in records.itertuples(index=False)]
    assert rows == [
        (1, 0, 20, 0, 0, 50),  # every item's first week is published
        (2, 40, 30, 20, 50, 50),
        (4, 40, 40, 10, 50, 0),  # week 3 has no activity: left out, projected on hand 30 carries over
    ]
    pegs = read.query("select item_code, source_type, parent_item, quantity from mrp_pegging order by 1, 2")
    assert ("B", "parent", "A", 40.0) in [(a, b, c, float(d)) for a, b, c, d in pegs.itertuples(index=False)]
    planned = read.query("select item_code, pegged_order_qty, pegged_parent_qty from mrp_planned_orders")
    assert planned.groupby("item_code")[["pegged_order_qty", "pegged_parent_qty"]].sum().astype(float).to_dict(
        "index"
    ) == {
        "A": {"pegged_order_qty": 50.0, "pegged_parent_qty": 0.0},
        "B": {"pegged_order_qty": 0.0, "pegged_parent_qty": 80.0},
        "C": {"pegged_order_qty": 15.0, "pegged_parent_qty": 0.0},
    }
    per_order = read.query(  # the view sums each order's pegging rows; an order pegged to nothing shows zeros
        "select o.pegged_sources, o.pegged_order_qty + o.pegged_forecast_qty + o.pegged_parent_qty as pegged, "
        "(select count(*) from mrp_pegging g where g.planned_order_id = o.planned_order_id) as sources, "
        "(select coalesce(sum(g.quantity), 0) from mrp_pegging g where g.planned_order_id = o.planned_order_id) as qty "
        "from mrp_planned_orders o"
    )
    assert (per_order.pegged_sources == per_order.sources).all() and (per_order.pegged == per_order.qty).all()
    header = read.query("select as_of, horizon_weeks, items, planned_orders from mrp_plan")
    assert header.iloc[0].tolist()[1:] == [26, 3, 6]


def test_inventory_alerts_and_item_stats(home: Path) -> None:
    alerts = read.query(
        "select alert_key, alert_type, severity, alert_date, first_seen, quantity from inventory_alerts"
    )
    by_key = {r.alert_key: r for r in alerts.itertuples()}
    stockout = by_key["A|projected_stockout"]
    assert (stockout.alert_date, float(stockout.quantity)) == (pd.Timestamp("2026-01-19"), 20.0)  # 10 - 30 on Jan 19
    assert by_key["C|below_safety_stock"].severity == "medium" and float(by_key["C|below_safety_stock"].quantity) == 18
    assert by_key["C|projected_stockout"].alert_date == pd.Timestamp("2026-01-12")  # 12 - 15, receipt in March
    assert {r.first_seen for r in alerts.itertuples()} == {pd.Timestamp("2026-01-05")}
    stats = read.query("select item_code, abc_class, xyz_class, demand_basis, reorder_point from inventory_item_stats")
    assert set(stats.item_code) == {"A", "B", "C"} and set(stats.demand_basis) == {"mrp"}


def test_second_build_diffs_the_plan_and_keeps_first_seen(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERP_HOME", str(home / "home"))
    monkeypatch.setenv("ERP_LANG", "en")
    erp(
        "build",
        "--as-of",
        "2026-01-12",
        "--select",
        "path:models/intermediate/planning",
        "path:models/marts/planning",
    )
    diff = read.query("select item_code, due_date, change_type from mrp_plan_diff order by 1, 2")
    assert not diff.empty and set(diff.change_type) <= {"new", "removed", "quantity_changed", "release_moved"}
    alerts = read.query("select alert_key, first_seen from inventory_alerts")
    kept = dict(alerts.itertuples(index=False))
    assert kept["A|projected_stockout"] == pd.Timestamp("2026-01-05")  # still true: same alert, first seen last week
    assert read.query("select as_of from mrp_plan").iloc[0, 0] == pd.Timestamp("2026-01-12")


def test_stored_tables_equal_the_reference_frames() -> None:
    """The tables the MRP models store (numbers keyed by item_id and 1-based week) hold the reference's plan."""
    problem_args = synthetic_problem(3_000, depth=5, horizon_weeks=20, seed=3)
    problem = load_problem(**problem_args)
    item_ids = np.arange(1, problem.n_items + 1) * 7 + 100  # any store ids
    demand_rows = np.arange(len(problem_args["demand"])) + 1000
    tables = plan_tables(problem, engine_plan(problem), item_ids, demand_rows)
    assert set(tables) == set(OUTPUTS)
    expected = plan_reference(**problem_args)
    code_of = dict(zip(item_ids, problem.item_codes, strict=True))
    start = pd.Timestamp(problem.start)

    def codes(column: pd.Series) -> list[object]:
        return [code_of.get(i) if pd.notna(i) else None for i in column]

    def dates(periods: pd.Series) -> np.ndarray:
        return (start + pd.to_timedelta(7 * (periods.astype(np.int64) - 1), unit="D")).to_numpy()

    orders = tables[ORDER_ROWS].to_pandas()
    ref = expected.planned_orders
    assert orders.planned_order_id.tolist() == ref.planned_order_id.tolist()
    assert codes(orders.item_id) == ref.item_code.astype(str).tolist()
    assert (dates(orders.release_period) == ref.release_date.to_numpy()).all()
    assert (dates(orders.due_period) == ref.due_date.to_numpy()).all()
    assert orders.quantity.map(float).tolist() == ref.quantity.tolist()
    assert orders.expedite.tolist() == ref.expedite.tolist()

    pegging = tables[PEGGING_ROWS].to_pandas()
    peg = expected.pegging
    own = peg.demand_row.notna().to_numpy()
    position = dict(zip(demand_rows, range(len(demand_rows)), strict=True))
    parent = pegging.source_type == 2  # source_id: a parent's item_id, else the demand row
    order_item = dict(zip(orders.planned_order_id, orders.item_id, strict=True))  # the pegging's item is its order's
    stored = pd.DataFrame(
        {
            "planned_order_id": pegging.planned_order_id.astype(np.int64),
            "item_code": codes(pegging.planned_order_id.map(order_item)),
            "period": pegging.period.astype(np.int64),
            "source_type": pegging.source_type.map(["order", "forecast", "parent"].__getitem__),
            "demand_row": [-1 if p else position[r] for p, r in zip(parent, pegging.source_id, strict=True)],
            "parent_item": [code_of[r] if p else "" for p, r in zip(parent, pegging.source_id, strict=True)],
            "quantity": pegging.quantity.map(float),
        }
    )
    reference = pd.DataFrame(
        {
            "planned_order_id": peg.planned_order_id.astype(np.int64),
            "item_code": peg.item_code.astype(str),
            "period": peg.period.astype(np.int64),
            "source_type": peg.source_type.astype(str),
            "demand_row": np.where(own, peg.demand_row.fillna(-1).astype(np.int64), -1),
            "parent_item": peg.parent_item.astype(object).fillna("").astype(str),
            "quantity": peg.quantity.astype(float),
        }
    )
    assert len(stored) == len(reference)
    pd.testing.assert_frame_equal(
        stored.sort_values(list(stored.columns), ignore_index=True),
        reference.sort_values(list(reference.columns), ignore_index=True),
    )
    assert not any(column.startswith("pegged_") for column in orders.columns)  # the view sums the pegging rows

    exceptions = tables[EXCEPTION_ROWS].to_pandas()  # numbers: the view composes the detail text
    ref = expected.exceptions
    stored = pd.DataFrame(
        {
            "item_code": codes(exceptions.item_id),
            "exception_type": exceptions.exception_kind.map(EXCEPTION_TYPES.__getitem__),
            "period": exceptions.period.astype(np.int64),
            "quantity": exceptions.quantity.map(float),
            "to_period": exceptions["to_period"].astype("Int64"),
            "order_ref": exceptions.order_ref.astype(object),
            "planned_order_id": exceptions.planned_order_id.astype("Int64"),
        }
    )
    reference = pd.DataFrame(
        {
            "item_code": ref.item_code.astype(str),
            "exception_type": ref.exception_type.astype(str),
            "period": ref.period.astype(np.int64),
            "quantity": ref.quantity.astype(float),
            "to_period": ref["to_period"].astype("Int64"),
            "order_ref": ref.order_ref.astype(object),
            "planned_order_id": ref.planned_order_id.astype("Int64"),
        }
    )
    assert len(ref) and set(reference.exception_type) == set(EXCEPTION_TYPES)  # every kind is compared
    pd.testing.assert_frame_equal(  # stored in the engine's order
        stored.sort_values(list(stored.columns), ignore_index=True),
        reference.sort_values(list(reference.columns), ignore_index=True),
    )

    # the record keeps every active week; the weeks left out are quiet and carry the projected balance
    records = tables[RECORD_ROWS].to_pandas()
    full = expected.records.assign(item_code=expected.records.item_code.astype(str)).set_index(["item_code", "period"])
    shown = full.loc[list(zip(codes(records.item_id), records.period.astype(np.int64), strict=True))]
    assert records.columns.tolist() == ["item_id", "period", *RECORD_FIELDS]  # the view derives the rest
    for column in RECORD_FIELDS:
        assert records[column].map(float).tolist() == shown[column].tolist(), column
    hidden = full.drop(index=shown.index)
    assert (hidden[["gross", "scheduled", "net", "planned_receipts", "planned_releases"]] == 0).all().all()
    carried = full.projected_on_hand.groupby(level=0).shift(1)
    assert (hidden.projected_on_hand == carried.loc[hidden.index]).all()


def test_the_views_over_the_stored_plan_equal_the_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """dbt builds the MRP models over a synthetic problem's inputs; the public views hold the reference's plan,
    the columns they derive from the stored rows included: the record's net requirement, planned receipts and
    releases, the pegging's item, demand row and parent."""
    monkeypatch.setenv("ERP_HOME", str(tmp_path / "home"))
    problem_args = synthetic_problem(1_500, depth=5, horizon_weeks=16, seed=4)
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as conn:
        write_inputs(conn, problem_args)
    ModelRunner(path, tmp_path / "run", problem_args["as_of"].isoformat(), 16).run(["--select", *MRP_MODELS])
    expected = plan_reference(**problem_args)
    with duckdb.connect(str(path), read_only=True) as conn:
        orders, records, pegging, exceptions = (
            conn.execute(f"select * from {name}").df()
            for name in ("mrp_planned_orders", "mrp_records", "mrp_pegging", "mrp_exceptions")
        )

    ref = expected.planned_orders
    orders = orders.sort_values("planned_order_id", ignore_index=True)
    for column in ("planned_order_id", "item_code", "order_type", "release_date", "due_date", "expedite"):
        assert orders[column].astype(str).tolist() == ref[column].astype(str).tolist(), column
    assert orders.quantity.map(float).tolist() == ref.quantity.tolist()

    numbers = ["gross", "independent", "dependent", "scheduled", "projected_on_hand", "net"]
    numbers += ["planned_receipts", "planned_releases"]
    full = expected.records.assign(item_code=expected.records.item_code.astype(str)).set_index(["item_code", "period"])
    shown = full.loc[list(zip(records.item_code, records.period, strict=True))]
    assert (records.week_start.to_numpy() == shown.week_start.to_numpy()).all()
    for column in numbers:
        assert records[column].map(float).tolist() == shown[column].tolist(), column
    assert (full.drop(index=shown.index)[numbers[:1] + numbers[3:4] + numbers[5:]] == 0).all().all()

    columns = ["planned_order_id", "item_code", "period", "source_type", "source_ref", "demand_row", "parent_item"]
    peg = expected.pegging

    def comparable(frame: pd.DataFrame) -> pd.DataFrame:
        text = {c: frame[c].astype(object).where(frame[c].notna(), "").astype(str) for c in columns}
        text["demand_row"] = frame.demand_row.map(lambda r: "" if pd.isna(r) else str(int(r)))
        shaped = pd.DataFrame({**text, "quantity": frame.quantity.map(float)})
        return shaped.sort_values([*columns, "quantity"], ignore_index=True)

    pd.testing.assert_frame_equal(comparable(pegging), comparable(peg))

    def messages(frame: pd.DataFrame) -> list[tuple[object, ...]]:
        """Each message's values as text, sorted (a view has no row order)."""
        keys = ["item_code", "exception_type", "period", "quantity", "to_period", "to_date", "order_ref"]
        keys += ["planned_order_id", "detail"]
        return sorted(tuple("" if pd.isna(v) else str(v) for v in row) for row in frame[keys].itertuples(index=False))

    ref = expected.exceptions.assign(
        to_period=expected.exceptions["to_period"].astype("Int64"),
        to_date=expected.exceptions.to_date.dt.date,
        quantity=expected.exceptions.quantity.map(lambda q: f"{q:.6f}"),
    )
    assert set(ref.exception_type) == set(EXCEPTION_TYPES)  # every wording is composed
    assert exceptions.exception_date.tolist() == [pd.Timestamp(d) for d in exceptions.exception_date]
    got = exceptions.assign(to_date=exceptions.to_date.dt.date, quantity=exceptions.quantity.map(lambda q: f"{q:.6f}"))
    assert messages(got) == messages(ref)
    with language("zh"):  # the wording of another language, composed by the same view
        chinese = plan_reference(**problem_args).exceptions.detail
        with duckdb.connect(str(path)) as conn:
            conn.register("texts", exception_texts())
            conn.execute("create or replace table int_mrp_exception_texts as select * from texts")
            assert sorted(conn.execute("select detail from mrp_exceptions").df().detail) == sorted(chinese)
    assert not chinese.str.isascii().all()


def test_exception_wording_is_split_at_its_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """The view composes a detail from the literal parts and the fields between them; a wording that names a
    field the view cannot fill, or more fields than it has slots for, is refused when the table is built."""
    texts = exception_texts().to_pylist()
    expedite = next(row for row in texts if row["exception_type"] == "expedite")
    assert (expedite["text_0"], expedite["field_1"], expedite["text_1"]) == ("Planned order ", "order", " for ")
    assert [expedite[f"field_{n}"] for n in range(1, DETAIL_SLOTS + 1)] == ["order", "qty", "due", "to", "weeks", None]
    monkeypatch.setattr(tables_module, "DETAILS", {0: "{qty} {colour}"})
    with pytest.raises(ValueError, match="colour"):
        exception_texts()
    monkeypatch.setattr(tables_module, "DETAILS", {0: "{qty}" * (DETAIL_SLOTS + 1)})
    with pytest.raises(ValueError, match="qty"):
        exception_texts()


def test_decimals_are_exact_millionths() -> None:
    values = np.array([0, 1, -1, 20_000_000, -123_456_789, 10**17], dtype=np.int64)
    got = [str(v) for v in decimals(values).to_pylist()]
    assert got == ["0.000000", "0.000001", "-0.000001", "20.000000", "-123.456789", "100000000000.000000"]


def test_tables_built_on_several_threads_equal_those_built_one_after_another() -> None:
    """The models storing a plan build their tables on dbt's threads at once (`PlanTables`): the shared keys and
    the engine's deferred pegging are computed once, and every table is what a serial build gives."""
    problem = load_problem(**synthetic_problem(2_000, depth=4, horizon_weeks=12, seed=5))
    serial = plan_tables(problem, engine_plan(problem))
    plan = engine_plan(problem)
    assert callable(plan.pegging)  # deferred until a table needs it
    shared = PlanTables(problem, plan)
    barrier = threading.Barrier(len(OUTPUTS) * 2)

    def build(name: str) -> pa.Table:
        barrier.wait()
        return shared.table(name)

    names = [*OUTPUTS, *OUTPUTS]  # every table asked twice at the same moment
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        built = list(pool.map(build, names))
    for name, table in zip(names, built, strict=True):
        assert table.equals(serial[name]), name
    assert not callable(plan.pegging) and plan.pegs() is plan.pegs()


def test_a_plan_is_kept_until_its_last_output_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """`run_plan` keeps the plan under its token; each output model takes its table once, and the plan is let go
    after the last; a model asking again (or from another process) plans again from the inputs, as it would."""
    problem = load_problem(**synthetic_problem(300, depth=3, horizon_weeks=8, seed=2))
    demand_rows = np.arange(int(problem.dem_row.max()) + 1)  # the demand frame's positions, as plan_tables takes them
    loaded = pipeline.Loaded(problem, np.arange(1, problem.n_items + 1), demand_rows)
    header = pipeline.run_plan(loaded)
    token = header["plan_token"][0].as_py()
    assert header["planned_orders"][0].as_py() == serial_rows(problem)[ORDER_ROWS]
    replans: list[int] = []

    def replan() -> pipeline.Loaded:
        replans.append(1)
        return loaded

    class Header:
        def fetchone(self) -> tuple[str]:
            return (token,)

    for name in OUTPUTS[:-1]:
        pipeline.output(name, Header(), replan)
    assert token in pipeline._plans and not replans
    pipeline.output(OUTPUTS[0], Header(), replan)  # taken already: planned again
    assert replans == [1]
    last = pipeline.output(OUTPUTS[-1], Header(), replan)
    assert token not in pipeline._plans and replans == [1]
    assert last.num_rows == serial_rows(problem)[OUTPUTS[-1]]


def serial_rows(problem: Problem) -> dict[str, int]:
    return {name: table.num_rows for name, table in plan_tables(problem, engine_plan(problem)).items()}


@pytest.mark.parametrize("weeks", ["abc", "2.5", "0", "-3"])
def test_a_horizon_that_is_no_whole_number_of_weeks_is_refused_naming_the_field(weeks: str) -> None:
    problem = synthetic_problem(20, depth=2, horizon_weeks=4, seed=1)
    relations = [pa.Table.from_pandas(problem[name]) for name in ("items", "bom", "on_hand", "scheduled_receipts")]

    class Relation:
        """A stand-in for dbt.ref(): the Arrow table of a frame."""

        def __init__(self, table: pa.Table) -> None:
            self.table, self.columns = table, table.column_names

        def project(self, columns: str) -> Relation:
            """Only '"source" as "name"' items, as pipeline._arrow projects."""
            pairs = [[name.strip().strip('"') for name in item.split(" as ")] for item in columns.split(",")]
            return Relation(pa.table({name: self.table[source] for source, name in pairs}))

        def order(self, _by: str) -> Relation:
            return self

        def to_arrow_table(self) -> pa.Table:
            return self.table

    demand = pa.Table.from_pandas(problem["demand"].assign(demand_row=range(len(problem["demand"]))))
    with pytest.raises(ServiceError) as refused:
        pipeline.load(*(Relation(t) for t in relations), Relation(demand), "2026-01-05", weeks)
    assert [e.field for e in refused.value.errors] == ["horizon_weeks"]
