"""The warehouse's `postgres` target: the same dbt models inside a PostgreSQL operational store.

The finance test company (tests/test_finance_marts.py: the sample pump maker and its postings, entered through
the services) is loaded into a database of the throwaway cluster, and `dbt build --target postgres` builds the
finance and cost-control marts with everything upstream, their data tests and unit tests into schema
`analytics` of that database. The figures checked are the hand-worked ones the DuckDB tests check.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from erp.config import load_settings
from erp.warehouse.dbt import DbtOutcome, dbt_target_dir, postgres_environment, run_dbt
from tests.support.postgres import create_database
from tests.test_finance_marts import AS_OF, make_home
from tests.test_warehouse import CONTRACT, hand_costs

D = Decimal
SCHEMA = "analytics"
# The public finance and cost-control marts; `+` builds every model they read. Singular tests that read
# further models are selected with their parents too.
MARTS = [
    "trial_balance",
    "balance_sheet",
    "income_statement",
    "budget_vs_actual",
    "ar_aging",
    "ap_aging",
    "standard_cost_rollup",
    "production_variances",
]
SINGULAR_TESTS = ["production_variances_reconcile_with_the_ledger", "production_variances_match_the_closed_orders"]
SELECTION = [f"+{name}" for name in MARTS + SINGULAR_TESTS]


@dataclass
class PostgresBuild:
    url: str
    outcome: DbtOutcome
    manifest: dict


@pytest.fixture(scope="module")
def pg_build(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresBuild]:
    home = tmp_path_factory.mktemp("warehouse-postgres") / "home"
    url = create_database(postgres_server)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home))
        mp.setenv("ERP_DATABASE_URL", url)
        mp.setenv("ERP_LANG", "en")
        make_home(home)
        settings = load_settings()
        outcome = run_dbt(
            # buildable: a test is run only when every model it reads is built, e.g. no relationship test of
            # a staging model to a dimension outside the selection
            ["build", "--select", *SELECTION, "--indirect-selection", "buildable"],
            postgres_environment(settings, SCHEMA),
            settings,
            variables={"as_of": AS_OF.isoformat()},
        )
        manifest = json.loads((dbt_target_dir(settings) / "target" / "manifest.json").read_text(encoding="utf-8"))
        yield PostgresBuild(url=url, outcome=outcome, manifest=manifest)


def rows(build: PostgresBuild, sql: str) -> list[tuple]:
    with psycopg.connect(build.url) as conn:
        conn.execute(f"set search_path to {SCHEMA}")
        return conn.execute(sql).fetchall()


def test_the_finance_and_cost_marts_build_and_pass_their_tests(pg_build: PostgresBuild) -> None:
    outcome = pg_build.outcome
    assert outcome.success, (outcome.error, [(n.unique_id, n.message) for n in outcome.failed])
    built = {n.unique_id.split(".")[2] for n in outcome.nodes if n.resource_type == "model"}
    assert set(MARTS) | {"fct_journal_lines", "int_bom_explosion", "int_production_order_variances"} <= built
    unit_tests = {n.unique_id for n in outcome.nodes if n.resource_type == "unit_test"}
    assert any("aging_buckets" in u for u in unit_tests) and len(unit_tests) >= 5, unit_tests
    ran_tests = {n.unique_id.split(".")[2] for n in outcome.nodes if n.resource_type == "test"}
    assert set(SINGULAR_TESTS) <= ran_tests
    assert all(n.status in {"success", "pass"} for n in outcome.nodes), outcome.failed
    tables = {name for (name,) in rows(pg_build, f"select tablename from pg_tables where schemaname = '{SCHEMA}'")}
    assert set(MARTS) <= tables


def test_python_models_are_disabled_on_postgres(pg_build: PostgresBuild) -> None:
    """dbt-postgres runs no Python models: MRP and the planning marts are disabled, nothing else is."""
    models = [n for n in pg_build.manifest["nodes"].values() if n["resource_type"] == "model"]
    assert models and all(n["language"] == "sql" for n in models)
    disabled = {n["name"] for versions in pg_build.manifest["disabled"].values() for n in versions}
    assert {"mrp_plan", "mrp_planned_orders", "inventory_alerts", "int_previous_mrp_planned_orders"} <= disabled
    assert not disabled & set(MARTS)


def test_trial_balance_equals_the_hand_figures(pg_build: PostgresBuild) -> None:
    totals = {
        period: (debit, credit, balance)
        for period, debit, credit, balance in rows(
            pg_build, "select fiscal_period, sum(debit), sum(credit), sum(balance) from trial_balance group by 1"
        )
    }
    assert totals["2026-06"] == (D("4341.40"), D("4341.40"), 0)
    assert totals["2026-01"][:2] == (D("121352"), D("121352"))
    assert all(debit == credit and balance == 0 for debit, credit, balance in totals.values())
    assert "2026-07" not in totals
    assert rows(
        pg_build,
        "select opening_balance, debit, credit, balance from trial_balance "
        "where fiscal_period = '2026-06' and account_code = '1122'",
    ) == [(D("12447"), D("3141.40"), 0, D("15588.40"))]


def test_balance_sheet_equals_the_hand_figures(pg_build: PostgresBuild) -> None:
    sheet = {
        code: (section, amount)
        for code, section, amount in rows(
            pg_build, "select account_code, section, amount from balance_sheet where fiscal_period = '2026-06'"
        )
    }
    assert sheet["current_year_earnings"] == ("equity", D("2300"))
    assert sheet["prior_years_earnings"] == ("equity", D("2000"))
    assert sheet["1002"] == ("asset", D("98000")) and sheet["5001"] == ("asset", D("-12000"))
    assert sheet["222102"] == ("liability", D("1908.40")) and sheet["4001"] == ("equity", D("100000"))
    assets = sum(amount for section, amount in sheet.values() if section == "asset")
    assert assets == D("108008.40") == sum(amount for section, amount in sheet.values() if section != "asset")


def test_income_statement_and_ar_aging_equal_the_hand_figures(pg_build: PostgresBuild) -> None:
    lines = {
        line: values
        for line, *values in rows(
            pg_build,
            "select line, amount, ytd_amount, prior_year_amount from income_statement where fiscal_period = '2026-06'",
        )
    }
    assert lines["operating_revenue"] == [D("2780"), D("14680"), D("3000")]
    assert lines["net_profit"] == [D("1580"), D("2300"), D("2000")]
    aging = {
        code: values
        for code, *values in rows(
            pg_build,
            "select customer_code, current_amount, days_1_30, days_31_60, days_61_90, over_90, total_open "
            "from ar_aging",
        )
    }
    assert aging == {
        "C-1002": [D("2260"), 0, D("565"), 0, D("3972"), D("6797")],
        "C-1001": [0, D("6780"), 0, D("1130"), 0, D("7910")],
        "C-1003": [D("881.40"), 0, 0, 0, 0, D("881.40")],
    }


def test_standard_cost_rollup_equals_the_hand_figures(pg_build: PostgresBuild) -> None:
    costs = {
        code: tuple(values)
        for code, *values in rows(pg_build, f"select {', '.join(CONTRACT)} from standard_cost_rollup")
    }
    assert len(costs) == 12
    for item_code, (material, labour, overhead) in hand_costs().items():
        assert costs[item_code] == (material, labour, overhead, material + labour + overhead), item_code
    assert costs["RM-STATOR"] == (D("180"), 0, 0, D("180"))


def test_the_postgres_target_refuses_a_sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from erp.errors import ServiceError

    monkeypatch.setenv("ERP_HOME", str(tmp_path))
    monkeypatch.delenv("ERP_DATABASE_URL", raising=False)
    with pytest.raises(ServiceError, match="PostgreSQL"):
        postgres_environment(load_settings())


def test_append_only_models_add_only_new_rows_on_a_second_run(pg_build: PostgresBuild) -> None:
    """The incremental models' second run on the postgres target (a filter on the store table itself, where the
    duckdb target reads the range inside SQLite): the look-back window's rows replace themselves, nothing doubles."""
    incremental = ["stg_ops__journal_line", "stg_ops__stock_move", "fct_journal_lines"]
    built = {n.unique_id.split(".")[2] for n in pg_build.outcome.nodes if n.resource_type == "model"}
    assert set(incremental) <= built
    before = {name: rows(pg_build, f"select count(*) from {name}")[0][0] for name in incremental}
    settings = load_settings()
    again = run_dbt(
        ["run", "--select", *incremental],
        postgres_environment(settings, SCHEMA),
        settings,
        variables={"as_of": AS_OF.isoformat()},
    )
    assert again.success, (again.error, [(n.unique_id, n.message) for n in again.failed])
    after = {name: rows(pg_build, f"select count(*) from {name}")[0][0] for name in incremental}
    assert after == before and before["stg_ops__journal_line"] > 0
    with psycopg.connect(pg_build.url) as conn:
        (store_lines,) = conn.execute("select count(*) from public.journal_line").fetchone() or (0,)
    assert after["stg_ops__journal_line"] == store_lines
