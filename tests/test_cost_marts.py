"""Payables, budget and production cost marts built by dbt on a small company posted through the services.

Every expected figure is worked out by hand from the documents in ``post_company`` (standard costs of the sample
items, seeds/posting_rules.csv, VAT 13 %), not read back from the warehouse. One store and one build serve the
module; the MRP open supply the warehouse nets is checked against erp.services.open_supply on the same store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from erp.db import make_engine
from erp.io.transfer import import_dir
from erp.services import budgets, inventory, ledger, procurement, production
from erp.services.base import SYSTEM, Session
from erp.services.open_supply import open_supply
from erp.services.products import item_actions
from erp.store import seed_reference_data, upgrade
from erp.warehouse import publish, read
from tests.conftest import SAMPLE_DIR
from tests.support.people import quick_user

AS_OF = dt.date(2026, 6, 30)
D = Decimal


def _procure(admin: Session, engine: Engine) -> dict[str, str]:
    """Purchase to pay at S-2002 (partial receipt, an invoice 1 above the order price), a held invoice at S-2001,
    a prepayment to S-2003, and a payment after AS_OF."""
    procurement.save_approval_limits(admin, [{"role": "procurement", "max_amount": "5000"}])
    buyer, boss = quick_user(engine, "zhou", "procurement"), quick_user(engine, "wang", "executive")
    clerk, accountant = quick_user(engine, "zhao", "production"), quick_user(engine, "li", "finance")
    procurement.save_approval_limits(admin, [{"user": "wang", "max_amount": "50000"}])
    # 40 stators at 175 (standard 180) and 200 bearings at 13 (standard 12.5): 9600 net, over the buyer's limit.
    order = procurement.create_purchase_order(
        buyer,
        {
            "supplier": "S-2002",
            "order_date": "2026-03-02",
            "expected_date": "2026-03-15",
            "cost_center": "PRD",
            "price_tolerance_pct": "2",
            "lines": [
                {"item": "RM-STATOR", "quantity": "40", "unit_price": "175"},
                {"item": "RM-BEARING", "quantity": "200", "unit_price": "13"},
            ],
        },
    )
    procurement.approve_purchase_order(boss, order["number"])
    # Receipt: price variance 40 x (175 - 180) = -200 and 120 x (13 - 12.5) = 60; 80 bearings stay open.
    procurement.receive_goods(
        clerk,
        {
            "order": order["number"],
            "receipt_date": "2026-03-10",
            "location": "RAW",
            "lines": [{"line_no": 1, "quantity": "40"}, {"line_no": 2, "quantity": "120"}],
        },
    )
    # Invoice: stators at 176 (within the 2 % tolerance): 40 more; net 8600, VAT 1118, due 30 days later.
    invoice = procurement.register_supplier_invoice(
        accountant,
        {
            "supplier": "S-2002",
            "order": order["number"],
            "supplier_ref": "CZ-301",
            "invoice_date": "2026-03-20",
            "lines": [{"line_no": 1, "quantity": "40", "unit_price": "176"}, {"line_no": 2, "quantity": "120"}],
        },
    )
    assert (invoice["status"], invoice["gross_amount"], invoice["due_date"]) == (
        "open",
        D("9718.00"),
        dt.date(2026, 4, 19),
    )
    procurement.pay_supplier(
        accountant,
        {
            "supplier": "S-2002",
            "payment_date": "2026-04-30",
            "amount": "5000",
            "lines": [{"invoice": invoice["number"], "amount": "5000"}],
        },
    )
    # Castings at standard (no receipt variance), invoiced at 240 against 220: held, neither posted nor payable.
    castings = procurement.create_purchase_order(
        buyer,
        {
            "supplier": "S-2001",
            "order_date": "2026-04-01",
            "expected_date": "2026-04-15",
            "lines": [{"item": "RM-CASTING", "quantity": "10", "unit_price": "220"}],
        },
    )
    procurement.approve_purchase_order(boss, castings["number"])
    procurement.receive_goods(clerk, {"order": castings["number"], "receipt_date": "2026-04-10", "location": "RAW"})
    held = procurement.register_supplier_invoice(
        accountant,
        {
            "supplier": "S-2001",
            "order": castings["number"],
            "supplier_ref": "NB-77",
            "invoice_date": "2026-04-12",
            "lines": [{"line_no": 1, "quantity": "10", "unit_price": "240"}],
        },
    )
    assert held["status"] == "held"
    procurement.pay_supplier(accountant, {"supplier": "S-2003", "payment_date": "2026-05-10", "amount": "1000"})
    procurement.pay_supplier(
        accountant,
        {
            "supplier": "S-2002",
            "payment_date": "2026-07-05",
            "amount": "1000",
            "lines": [{"invoice": invoice["number"], "amount": "1000"}],
        },
    )
    return {"order": order["number"], "invoice": invoice["number"], "held": held["number"]}


def _produce(engine: Engine) -> dict[str, str]:
    """Ten pumps (the worked example of tests/test_production.py): a broken impeller, 16 labour hours at 70
    against 15.5 standard hours at 65, 15 machine hours; closed on 2026-03-31. And five more pumps planned."""
    plant = quick_user(engine, "zhang", "production")
    order = {
        "item": "FG-PUMP-100",
        "quantity": "10",
        "start_date": "2026-03-02",
        "due_date": "2026-03-09",
        "location": "FG",
        "issue_location": "RAW",
    }
    number = production.create_production_order(plant, order)["number"]
    production.release_production_order(plant, number)
    production.issue_materials(plant, {"order": number, "issue_date": "2026-03-02"})
    production.issue_materials(
        plant, {"order": number, "issue_date": "2026-03-03", "lines": [{"item": "RM-IMPELLER", "quantity": "1"}]}
    )
    production.report_time(
        plant,
        {
            "order": number,
            "report_date": "2026-03-05",
            "lines": [{"step_no": 10, "labour_hours": "16", "machine_hours": "15", "labour_rate": "70"}],
        },
    )
    production.complete_production(plant, {"order": number, "completion_date": "2026-03-06"})
    production.close_production_order(plant, number, dt.date(2026, 3, 31))
    planned = production.create_production_order(
        plant, {**order, "quantity": "5", "start_date": "2026-07-01", "due_date": "2026-07-10"}
    )
    return {"closed": number, "planned": planned["number"]}


def _budget(engine: Engine) -> None:
    """FY2026 approved: administration 5000 a month in March and April, raw materials 10000 in March (PRD)."""
    controller, boss = quick_user(engine, "qian", "finance"), quick_user(engine, "sun", "executive")
    lines = [
        {"account": "6602", "cost_center": "ADM", "period": "2026-03", "amount": "5000"},
        {"account": "6602", "cost_center": "ADM", "period": "2026-04", "amount": "5000"},
        {"account": "1403", "cost_center": "PRD", "period": "2026-03", "amount": "10000"},
    ]
    budgets.save_budget(controller, {"code": "FY2026", "name": "Budget 2026", "fiscal_year": "2026", "lines": lines})
    budgets.approve_budget(boss, "FY2026")
    draft = [{"account": "6602", "cost_center": "ADM", "period": "2026-03", "amount": "99999"}]
    budgets.save_budget(controller, {"code": "FY2026-B", "name": "Draft", "fiscal_year": "2026", "lines": draft})


def post_company(admin: Session, engine: Engine) -> dict[str, str]:
    """The sample pump maker with procure-to-pay, one production order and an approved budget (see above)."""
    for code, cost in (("SA-MOTOR-1", "600"), ("SA-HOUSING", "300"), ("FG-PUMP-100", "1200")):
        item_actions.update(admin, {"item_code": code}, {"standard_cost": cost})
    inventory.receive_stock(
        admin,
        {
            "move_date": "2026-03-01",
            "location": "RAW",
            "lines": [
                {"item": "SA-MOTOR-1", "quantity": "10"},
                {"item": "SA-HOUSING", "quantity": "10"},
                {"item": "RM-IMPELLER", "quantity": "12"},
                {"item": "RM-BOLT-M8", "quantity": "100"},
            ],
        },
    )
    # Administration: 5600 in March (600 over its budget), nothing in April.
    ledger.post_journal(
        admin,
        {
            "entry_date": "2026-03-15",
            "description": "Rent and office",
            "lines": [
                {"account": "6602", "debit": "5600", "cost_center": "ADM"},
                {"account": "1002", "credit": "5600"},
            ],
        },
    )
    documents = _procure(admin, engine)
    documents.update(_produce(engine))
    _budget(engine)
    return documents


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The company above in a fresh ERP_HOME, built and published once with as-of AS_OF."""
    home = tmp_path_factory.mktemp("cost") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        engine = make_engine()
        upgrade(engine)
        seed_reference_data(engine, "Test Manufacturing Co.", [2025, 2026])
        admin = Session(engine, SYSTEM)
        import_dir(admin, SAMPLE_DIR)
        documents: dict[str, Any] = dict(post_company(admin, engine))
        with engine.connect() as conn:
            documents["python_open_supply"] = open_supply(conn)
        engine.dispose()
        publish.build(as_of=AS_OF, out=lambda _: None)
        yield documents


def rows(sql: str, params: list | None = None) -> list[tuple]:
    with read.connect() as conn:
        return conn.execute(sql, params or []).fetchall()


def test_ap_aging_buckets_held_and_prepayments(built: dict[str, Any]) -> None:
    aging = {
        code: values
        for code, *values in rows(
            "select supplier_code, current_amount, days_1_30, days_31_60, days_61_90, over_90, total_open, "
            "held_amount, held_invoices, unapplied_payments, net_payable from ap_aging order by 1"
        )
    }
    assert aging == {
        # held: 10 castings at 240 + 13 % VAT, due 05-27; not in the buckets.
        "S-2001": [0, 0, 0, 0, 0, 0, D("2712"), 1, 0, 0],
        # 9718 - 5000 paid on 04-30, due 04-19: 72 days past due (the 07-05 payment is after the as-of date).
        "S-2002": [0, 0, 0, D("4718"), 0, D("4718"), 0, 0, 0, D("4718")],
        # a prepayment of 1000 allocated to nothing.
        "S-2003": [0, 0, 0, 0, 0, 0, 0, 0, D("1000"), D("-1000")],
    }
    assert rows("select invoice_number, is_held, days_past_due, aging_bucket from ap_open_items order by 1") == [
        (built["invoice"], False, 72, "61-90"),
        (built["held"], True, 34, "31-60"),
    ]
    (payable,) = rows("select amount from balance_sheet where fiscal_period = '2026-06' and account_code = '2202'")
    assert payable[0] == D("4718")


def test_budget_vs_actual_with_commitments(built: dict[str, Any]) -> None:
    found = {
        (period, account, center): values
        for period, account, center, *values in rows(
            "select fiscal_period, account_code, cost_center_code, budget_version_code, budget_amount, actual_amount, "
            "variance_amount, variance_pct, committed_amount, available_amount from budget_vs_actual"
        )
    }
    # the draft FY2026-B never counts; 5600 spent against 5000.
    assert found[("2026-03", "6602", "ADM")] == ["FY2026", 5000, 5600, 600, D("12.00"), 0, -600]
    assert found[("2026-04", "6602", "ADM")] == ["FY2026", 5000, 0, -5000, D("-100.00"), 0, 5000]
    # raw materials received for PRD: 40 x 180 + 120 x 12.5 at standard; 80 bearings at 13 still on order.
    assert found[("2026-03", "1403", "PRD")] == ["FY2026", 10000, 8700, -1300, D("-13.00"), 1040, 260]
    assert len(found) == 3


def test_production_order_costs_actual_against_standard(built: dict[str, Any]) -> None:
    (order,) = rows(
        "select item_code, made_qty, is_closed, actual_material_cost, actual_labour_cost, actual_overhead_cost, "
        "standard_material_cost, standard_labour_cost, standard_overhead_cost, completed_value, work_in_process "
        "from production_order_costs where order_number = ?",
        [built["closed"]],
    )
    # materials 6000 + 3000 + 11.2 x 95 + 84 x 0.35; standard 10.2 impellers; 15.5 h x 65 and x 40.
    assert order == (
        "FG-PUMP-100",
        10,
        True,
        D("10093.40"),
        D("1120"),
        D("600"),
        D("9998.40"),
        D("1007.50"),
        D("620"),
        D("12000"),
        0,
    )
    assert rows("select count(*) from production_order_costs") == [(1,)]  # the planned order has no costs


def test_production_variances_equal_the_ledger(built: dict[str, Any]) -> None:
    (order,) = rows(
        "select fiscal_period, item_code, material_usage_variance, labour_rate_variance, labour_efficiency_variance, "
        "overhead_variance, cost_difference, total_variance from production_variances where source_number = ?",
        [built["closed"]],
    )
    # the broken impeller; 16 h x (70 - 65); (16 - 15.5) x 65; (15 - 15.5) x 40; 11625.90 released vs 12000.
    assert order == ("2026-03", "FG-PUMP-100", 95, 80, D("32.5"), -20, D("-374.10"), D("-186.60"))
    ledger_amounts = dict(
        rows(
            "select account_code, sum(amount) from fct_journal_lines where account_code in "
            "('500201', '500202', '500203', '500204', '500205', '1404') group by 1"
        )
    )
    assert ledger_amounts == {
        "500201": 95,
        "500202": 80,
        "500203": D("32.5"),
        "500204": -20,
        "500205": D("-374.10"),
        "1404": -100,
    }
    price = dict(
        rows(
            "select item_code, sum(material_price_variance) from production_variances "
            "where source_type <> 'production_order' group by 1"
        )
    )
    assert price == {"RM-STATOR": -160, "RM-BEARING": 60}  # -200 at receipt + 40 on the invoice; 60 at receipt
    assert sum(price.values()) == ledger_amounts["1404"]
    drivers = rows(
        "select driver_rank, variance_type, item_code, work_center_code, variance_amount from top_variance_drivers "
        "where fiscal_period = '2026-03' order by driver_rank"
    )
    assert drivers == [
        (1, "cost_difference", "FG-PUMP-100", None, D("-374.10")),
        (2, "material_price", "RM-STATOR", None, -160),
        (3, "material_usage", "RM-IMPELLER", None, 95),
        (4, "labour_rate", "FG-PUMP-100", "WC-ASSY", 80),
        (5, "material_price", "RM-BEARING", None, 60),
        (6, "labour_efficiency", "FG-PUMP-100", "WC-ASSY", D("32.5")),
        (7, "overhead", "FG-PUMP-100", "WC-ASSY", -20),
    ]


def test_mrp_nets_the_same_open_supply_as_the_services(built: dict[str, Any]) -> None:
    python = sorted((r["item_code"], r["due_date"], r["quantity"], r["order_ref"]) for r in built["python_open_supply"])
    warehouse = sorted(rows("select item_code, due_date, quantity, order_ref from int_open_supply"))
    expected = [
        ("FG-PUMP-100", dt.date(2026, 7, 10), 5, built["planned"]),  # the planned order, nothing made
        ("RM-BEARING", dt.date(2026, 3, 15), 80, f"{built['order']}/2"),  # 200 ordered, 120 received
    ]
    assert warehouse == python == expected


def test_marts_are_exported(built: dict[str, Any], tmp_path: Path) -> None:
    from erp.cli import main

    out = tmp_path / "variances.csv"
    assert main(["export", "production_variances", "--out", str(out)]) == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[:5] == ["fiscal_period", "source_type", "source_number", "posting_date", "item_code"]
