"""`erp demo`: the demo company's master data and its two years of operations are deterministic for a seed,
scale, and obey every rule of the ERP; the deliberate problems (stockouts ahead, slow movers, a late supplier,
overdue invoices, a cost center over budget) are there for alerts and reports to find."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from graphlib import TopologicalSorter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from erp import schema as s
from erp.cli import main
from erp.config import PROJECT_ROOT
from erp.db import make_engine
from erp.demo.generator import generate_master_data
from erp.demo.people import DEMO_USERS
from erp.demo.stages import run_demo
from erp.errors import ServiceError
from erp.services.base import Session
from erp.services.users import authenticate

AS_OF = dt.date(2026, 6, 30)
DEMO_PASSWORD = (PROJECT_ROOT / "seeds" / "demo-admin-password.txt").read_text(encoding="utf-8").strip()


def test_generation_is_deterministic_for_a_seed() -> None:
    first = generate_master_data(7, 0.1, AS_OF)
    again = generate_master_data(7, 0.1, AS_OF)
    other = generate_master_data(8, 0.1, AS_OF)
    assert first.rows == again.rows and first.users == again.users
    assert first.annual_demand == again.annual_demand
    assert first.rows["items"] != other.rows["items"]
    assert first.rows["customers"] != other.rows["customers"]
    assert first.rows["employees"] != other.rows["employees"]


def test_scale_one_has_the_documented_volume_and_counts_grow_linearly() -> None:
    one = generate_master_data(1, 1, AS_OF).counts()
    fg = sum(1 for row in generate_master_data(1, 1, AS_OF).rows["items"] if row["item_code"].startswith("FG-"))
    assert fg == 150
    assert 1300 <= one["items"] - fg <= 1800  # purchased and made components
    assert (one["customers"], one["suppliers"], one["employees"], one["users"]) == (300, 80, 150, len(DEMO_USERS))
    small, double = generate_master_data(1, 0.25, AS_OF).counts(), generate_master_data(1, 0.5, AS_OF).counts()
    for name in ("customers", "suppliers", "employees"):
        assert double[name] == pytest.approx(2 * small[name], rel=0.1), name
    for name in ("items", "bom", "routings"):  # shared parts make these grow a little slower than linearly
        assert 1.5 * small[name] <= double[name] <= 2.1 * small[name], name


def test_bad_options_and_used_stores_are_refused(sample: Session) -> None:
    with pytest.raises(ServiceError) as exc:
        run_demo(sample, seed=1, scale=0, as_of=AS_OF, password="short")
    assert exc.value.for_field("scale") and exc.value.for_field("password")
    with pytest.raises(ServiceError, match="already holds data") as exc:  # seeds/sample is loaded
        run_demo(sample, seed=1, scale=0.05, as_of=AS_OF, password=DEMO_PASSWORD)
    assert "item" in str(exc.value) and "customer" in str(exc.value)
    with sample.read() as conn:
        assert conn.execute(select(func.count()).select_from(s.item)).scalar() == 12


def test_cli_refuses_an_uninitialised_store(erp_home: Path) -> None:
    with pytest.raises(SystemExit, match="erp init"):
        main(["demo", "--scale", "0.05"])


DEMO_ARGS = ["--scale", "0.05", "--seed", "11", "--as-of", AS_OF.isoformat()]


@contextlib.contextmanager
def _generated(home: Path) -> Iterator[tuple[Engine, str]]:
    """A store initialised by `erp init` and filled by `erp demo` with DEMO_ARGS, and what `erp demo` printed."""
    password = home / "pw.txt"
    password.write_text("first-admin-pass\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home / "store"))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        assert main(["init", "--company", "华东泵业有限公司", "--admin-password-file", str(password)]) == 0
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["demo", *DEMO_ARGS]) == 0
        engine = make_engine()
        try:
            yield engine, out.getvalue()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    """The demo at scale 0.05, shared by this module's tests."""
    with _generated(tmp_path_factory.mktemp("demo")) as run:
        yield run


@pytest.fixture(scope="module")
def demo_store(demo_run: tuple[Engine, str]) -> Engine:
    return demo_run[0]


def _bom_graph(engine: Engine) -> tuple[dict[str, list[str]], dict[str, dict[str, object]]]:
    with engine.connect() as conn:
        items = {r["item_code"]: dict(r) for r in conn.execute(select(s.item)).mappings()}
        code = {r["id"]: r["item_code"] for r in items.values()}
        children: dict[str, list[str]] = defaultdict(list)
        for parent, comp in conn.execute(select(s.bom_line.c.parent_item_id, s.bom_line.c.component_item_id)):
            children[code[parent]].append(code[comp])
    return children, items


def test_demo_store_holds_every_invariant(demo_store: Engine) -> None:
    expected = generate_master_data(11, 0.05, AS_OF)
    children, items = _bom_graph(demo_store)
    assert len(items) == len(expected.rows["items"])
    assert sorted(items) == sorted(r["item_code"] for r in expected.rows["items"])

    # Acyclic, and every finished good is 3 to 6 levels deep.
    list(TopologicalSorter({p: set(c) for p, c in children.items()}).static_order())
    levels: dict[str, set[int]] = defaultdict(set)  # component -> levels it is used at, over all products

    def depth(code: str, level: int = 0) -> int:
        """Levels below ``code`` (0 for a purchased part), noting the level each component is used at."""
        levels[code].add(level)
        below = [depth(c, level + 1) for c in children.get(code, [])]
        return 1 + max(below) if below else 0

    finished = [c for c in items if c.startswith("FG-")]
    assert finished
    for fg in finished:
        assert 3 <= depth(fg) <= 6, fg

    # Components are shared: by several finished goods, and at different levels.
    used_by: dict[str, set[str]] = defaultdict(set)

    def collect(root: str, code: str) -> None:
        for c in children.get(code, []):
            used_by[c].add(root)
            collect(root, c)

    for fg in finished:
        collect(fg, fg)
    assert any(len(roots) >= 3 for code, roots in used_by.items() if code.startswith("SA-"))
    assert any(len(levels[c]) >= 2 for c in items if c.startswith(("FS-", "BR-")))

    # Make items have a bill and a routing, buy items a cost and none; nothing is an orphan.
    with demo_store.connect() as conn:
        routed = {
            r[0]
            for r in conn.execute(
                select(s.item.c.item_code).join(s.routing_step, s.routing_step.c.item_id == s.item.c.id)
            )
        }
        audit = conn.execute(
            select(func.count()).select_from(s.audit_log).where(s.audit_log.c.entity == "item")
        ).scalar()
    assert audit == len(items)  # every item went through the service layer
    for code, item in items.items():
        if item["item_type"] == "make":
            assert children.get(code) and code in routed, code
        else:
            assert not children.get(code) and item["standard_cost"] > 0, code
        if not code.startswith("FG-"):
            assert used_by.get(code), f"{code} is in no bill of materials"
    assert {i["lot_sizing"] for i in items.values()} == {"L4L", "FOQ", "POQ"}
    assert {i["abc_class"] for i in items.values()} == {"A", "B", "C"}


def test_demo_people_partners_and_users(demo_store: Engine) -> None:
    with demo_store.connect() as conn:
        employees = [dict(r) for r in conn.execute(select(s.employee)).mappings()]
        customers = [dict(r) for r in conn.execute(select(s.customer)).mappings()]
        for username, role, _dept in DEMO_USERS:
            actor = authenticate(conn, username, DEMO_PASSWORD)
            assert actor is not None and role in actor.roles, username
    by_id = {e["id"]: e for e in employees}
    roots = [e for e in employees if e["manager_id"] is None]
    assert len(roots) == 1 and roots[0]["position"] == "总经理"
    for e in employees:
        seen, boss = set(), e
        while boss["manager_id"] is not None:  # every chain ends at the general manager, without loops
            assert boss["id"] not in seen
            seen.add(boss["id"])
            boss = by_id[boss["manager_id"]]
            assert boss["active"], f"{e['employee_code']} reports to someone who left"
        assert boss is roots[0] and e["cost_center_id"] is not None and e["hire_date"] <= AS_OF
    assert "CNY" in {c["currency"] for c in customers} and {c["currency"] for c in customers} & {"EUR", "USD"}
    assert len({c["tax_id"] for c in customers}) == len(customers)


def test_demo_store_is_not_generated_twice(demo_store: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(Path(str(demo_store.url.database)).parent))
        mp.setenv("ERP_LANG", "en")
        assert main(["demo", "--scale", "0.05"]) == 1
        assert "already holds data" in capsys.readouterr().err
        assert main(["demo", "--scale", "0.05", "--if-empty"]) == 0
        assert "was not generated" in capsys.readouterr().out
    with demo_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s.app_user)).scalar() == 1 + len(DEMO_USERS)


# --- stage 2 onwards: two years of operations ---------------------------------------------------------------


def _fingerprint(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """The business content of the generated documents (numbers, dates, amounts, statuses; no timestamps)."""
    tables = {
        "sales_order": ("number", "customer_id", "order_date", "promised_date", "status", "gross_amount"),
        "customer_invoice": ("number", "invoice_date", "due_date", "gross_amount", "paid_amount", "status"),
        "purchase_order": ("number", "supplier_id", "order_date", "status", "net_amount", "approved_by"),
        "goods_receipt": ("number", "receipt_date", "order_id"),
        "production_order": ("number", "item_id", "quantity", "status", "material_variance", "overhead_variance"),
        "journal_entry": ("number", "entry_date", "source_type", "source_ref"),
        "stock_balance": ("item_id", "location_id", "quantity"),
        "planning_demand": ("item_id", "due_date", "quantity"),
    }
    with engine.connect() as conn:
        return {
            name: [
                tuple(r)
                for r in conn.execute(
                    select(*(s.metadata.tables[name].c[c] for c in cols)).order_by(
                        *(s.metadata.tables[name].c[c] for c in cols)
                    )
                )
            ]
            for name, cols in tables.items()
        }


def test_operations_are_deterministic_for_a_seed(demo_store: Engine, tmp_path: Path) -> None:
    with _generated(tmp_path) as (again, _out):
        assert _fingerprint(again) == _fingerprint(demo_store)


def test_demo_prints_counts_per_stage(demo_run: tuple[Engine, str]) -> None:
    _engine, out = demo_run
    for label in ("Opening balances", "Two years of operations", "Running costs, budgets", "Sales forecast"):
        assert label in out
    for name in (
        "sales_orders",
        "shipments",
        "purchase_orders",
        "goods_receipts",
        "production_orders",
        "forecast_lines",
    ):
        line = next(ln for ln in out.splitlines() if ln.startswith(f"{name}: "))
        assert int(line.split()[1]) > 0, line


def test_ledger_is_balanced_per_entry_and_overall(demo_store: Engine) -> None:
    from erp.services.ledger import unbalanced_entries

    with demo_store.connect() as conn:
        assert unbalanced_entries(conn) == []
        debit, credit = conn.execute(select(func.sum(s.journal_line.c.debit), func.sum(s.journal_line.c.credit))).one()
        assert Decimal(str(debit)).quantize(Decimal("0.01")) == Decimal(str(credit)).quantize(Decimal("0.01"))
        sources = set(conn.execute(select(s.journal_entry.c.source_type).distinct()).scalars())
        statuses = set(conn.execute(select(s.journal_entry.c.status).distinct()).scalars())
    assert statuses == {"posted"}
    expected = {"manual", "count", "shipment", "invoice", "payment", "goods_receipt", "supplier_invoice"}
    assert expected | {"supplier_payment", "production_time", "production_receipt", "production_close"} <= sources


def test_stock_is_never_negative_on_any_day(demo_store: Engine) -> None:
    from erp.services.inventory import balance_mismatches

    sm = s.stock_move
    running: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    with demo_store.connect() as conn:
        assert balance_mismatches(conn) == []
        moves = conn.execute(
            select(sm.c.item_id, sm.c.location_id, sm.c.quantity, sm.c.move_date).order_by(sm.c.move_date, sm.c.id)
        ).all()
    assert moves
    for item_id, location_id, quantity, day in moves:
        running[(item_id, location_id)] += Decimal(str(quantity))
        assert running[(item_id, location_id)] >= 0, (item_id, location_id, day)
        assert day <= AS_OF


def test_documents_have_valid_statuses_and_purchase_orders_two_signatures(demo_store: Engine) -> None:
    with demo_store.connect() as conn:

        def statuses(table: object) -> set[str]:
            return set(conn.execute(select(table.c.status).distinct()).scalars())  # type: ignore[attr-defined]

        assert statuses(s.sales_order) <= {"open", "partially_shipped", "shipped", "closed", "cancelled"}
        assert {"closed", "open"} <= statuses(s.sales_order)
        assert statuses(s.customer_invoice) <= {"open", "partially_paid", "paid"}
        assert statuses(s.purchase_order) <= {"approved", "partially_received", "received", "closed"}
        assert {"closed", "approved"} <= statuses(s.purchase_order)
        assert statuses(s.production_order) <= {"released", "completed", "closed"}
        assert {"closed", "released"} <= statuses(s.production_order)
        assert statuses(s.supplier_invoice) <= {"open", "partially_paid", "paid"}
        orders = conn.execute(select(s.purchase_order.c.created_by, s.purchase_order.c.approved_by)).all()
        assert orders and all(a is not None and a != c for c, a in orders)
        assert {c for c, _a in orders} == {"procurement"} and {a for _c, a in orders} == {"exec"}
        # A closed sales order is fully shipped and invoiced; a paid invoice is paid in full.
        sol = s.sales_order_line
        short = conn.execute(
            select(func.count())
            .select_from(sol.join(s.sales_order, s.sales_order.c.id == sol.c.order_id))
            .where(s.sales_order.c.status == "closed", sol.c.invoiced_qty < sol.c.quantity)
        ).scalar()
        assert short == 0
        inv = s.customer_invoice
        unpaid = conn.execute(
            select(func.count()).where(inv.c.status == "paid", inv.c.paid_amount < inv.c.gross_amount)
        ).scalar()
        assert unpaid == 0


def test_periods_are_closed_except_the_last_two_months(demo_store: Engine) -> None:
    with demo_store.connect() as conn:
        periods = conn.execute(
            select(s.fiscal_period.c.code, s.fiscal_period.c.end_date, s.fiscal_period.c.status)
        ).all()
        first_entry = conn.execute(select(func.min(s.journal_entry.c.entry_date))).scalar()
    assert first_entry == dt.date(2024, 7, 1)
    for code, end, status in periods:
        if end < dt.date(2026, 5, 1):
            assert status == "closed", code
        else:
            assert status == "open", code  # May and June 2026 (the last two months) and the next year


def test_open_documents_give_mrp_work(demo_store: Engine) -> None:
    from erp.services.open_supply import open_supply

    with demo_store.connect() as conn:
        backlog = conn.execute(
            select(func.count()).where(s.sales_order.c.status.in_(("open", "partially_shipped")))
        ).scalar()
        supply = open_supply(conn)
        forecast = conn.execute(
            select(func.min(s.planning_demand.c.due_date), func.max(s.planning_demand.c.due_date), func.count())
        ).one()
        budgets = conn.execute(select(s.budget_version.c.fiscal_year, s.budget_version.c.status)).all()
    assert backlog > 0
    assert {r["source"] for r in supply} == {"purchase_order", "production_order"}
    assert forecast[0] > AS_OF and forecast[1] <= dt.date(2026, 12, 31) and forecast[2] > 0
    assert sorted(budgets) == [(2025, "approved"), (2026, "approved")]


def test_the_deliberate_problems_are_there(demo_store: Engine) -> None:
    from erp.services.budgets import budget_report
    from erp.services.open_supply import open_supply

    with demo_store.connect() as conn:
        # Overdue customer invoices (a month past due or more), while most invoices were paid on time.
        inv = s.customer_invoice
        overdue = conn.execute(
            select(func.count()).where(inv.c.status != "paid", inv.c.due_date < AS_OF - dt.timedelta(days=30))
        ).scalar()
        assert overdue > 0
        pay, alloc = s.customer_payment, s.payment_allocation
        paid = conn.execute(
            select(pay.c.payment_date, inv.c.due_date)
            .join(alloc, alloc.c.payment_id == pay.c.id)
            .join(inv, inv.c.id == alloc.c.invoice_id)
        ).all()
        late = sum(1 for paid_on, due in paid if paid_on > due)
        assert 0 < late < len(paid) / 2

        # One supplier is usually late: most of its receipts come after the promised date; the others mostly not.
        gr, grl, pol = s.goods_receipt, s.goods_receipt_line, s.purchase_order_line
        receipts = conn.execute(
            select(gr.c.supplier_id, gr.c.receipt_date, pol.c.expected_date)
            .join(grl, grl.c.receipt_id == gr.c.id)
            .join(pol, pol.c.id == grl.c.order_line_id)
        ).all()
        by_supplier: dict[int, list[bool]] = defaultdict(list)
        for supplier, received, expected in receipts:
            by_supplier[supplier].append(received > expected)
        late_share = {k: sum(v) / len(v) for k, v in by_supplier.items()}
        worst = max(late_share, key=late_share.__getitem__)
        assert late_share[worst] > 0.5
        others = [late for k, v in by_supplier.items() if k != worst for late in v]
        assert sum(others) / len(others) < 0.3

        # Finished goods heading for a stockout: open orders exceed stock and open supply.
        on_hand = dict(
            conn.execute(
                select(s.stock_balance.c.item_id, func.sum(s.stock_balance.c.quantity)).group_by(
                    s.stock_balance.c.item_id
                )
            ).all()
        )
        codes = dict(conn.execute(select(s.item.c.item_code, s.item.c.id)).all())
        sol, so = s.sales_order_line, s.sales_order
        backlog = conn.execute(
            select(sol.c.item_id, func.sum(sol.c.quantity - sol.c.shipped_qty))
            .join(so, so.c.id == sol.c.order_id)
            .where(so.c.status.in_(("open", "partially_shipped")))
            .group_by(sol.c.item_id)
        ).all()
        pd = s.planning_demand
        forecast = conn.execute(
            select(pd.c.item_id, func.sum(pd.c.quantity))
            .where(pd.c.due_date <= AS_OF + dt.timedelta(days=60))
            .group_by(pd.c.item_id)
        ).all()
        wanted: dict[int, Decimal] = defaultdict(Decimal)
        for item_id, quantity in [*backlog, *forecast]:
            wanted[item_id] += Decimal(str(quantity))
        coming: dict[int, Decimal] = defaultdict(Decimal)
        for r in open_supply(conn):
            coming[codes[r["item_code"]]] += r["quantity"]
        short = [i for i, q in wanted.items() if Decimal(str(on_hand.get(i, 0))) + coming[i] < q]
        assert short  # backlog and the next two months' forecast exceed stock and open supply

        # Slow movers: stock on hand that has not moved out for half a year.
        sm = s.stock_move
        recent_out = set(
            conn.execute(
                select(sm.c.item_id).where(sm.c.quantity < 0, sm.c.move_date > AS_OF - dt.timedelta(days=180))
            ).scalars()
        )
        assert [i for i, q in on_hand.items() if q and q > 0 and i not in recent_out]

        # Sales spent well over its budget this year; production orders closed with variances.
        rows = [r for r in budget_report(conn, "BUD-2026") if r["cost_center"] == "SAL" and r["period"] <= "2026-06"]
        assert sum(r["actual"] for r in rows) > Decimal("1.15") * sum(r["budget"] for r in rows)
        others = [r for r in budget_report(conn, "BUD-2026") if r["cost_center"] == "ADM" and r["period"] <= "2026-06"]
        assert sum(r["actual"] for r in others) < Decimal("1.1") * sum(r["budget"] for r in others)
        po = s.production_order
        varied = conn.execute(
            select(func.count()).where(
                po.c.status == "closed", (po.c.labour_efficiency_variance != 0) | (po.c.material_variance != 0)
            )
        ).scalar()
        assert varied > 0
