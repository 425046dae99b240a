"""IT through the service layer: devices and network equipment from purchase to retirement, software with
licence seats and patches, support tickets against their SLA rated by whoever raised them, the access review
with segregation-of-duties conflicts, and the JSON export of a published mart."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine

from erp.cli import main
from erp.config import load_settings
from erp.errors import PermissionDenied, ServiceError
from erp.io.transfer import import_dir
from erp.services import access, helpdesk, it_assets
from erp.services.base import Session
from tests.support.people import quick_user
from tests.support.store_state import snapshot

pytestmark = pytest.mark.portable

D = dt.date


def _refused(engine: Engine, call: Callable[[], object]) -> ServiceError:
    before = snapshot(engine)
    with pytest.raises(ServiceError) as refused:
        call()
    assert snapshot(engine) == before
    return refused.value


@pytest.fixture
def it(backend: str, sample: Session, engine: Engine) -> Session:
    return quick_user(engine, "xu", "it")


def test_devices_software_and_patches(it: Session, engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "applications.csv").write_text(
        "code,name,vendor,licence_type,seats\nCAD,SolidWorks,Dassault,per_seat,1\nOFFICE,WPS Office,Kingsoft,site,\n",
        encoding="utf-8",
    )
    (folder / "app_patches.csv").write_text(
        "application,code,released_on,severity\nCAD,SP5.1,2026-02-01,high\nCAD,SP5.2,2026-03-01,medium\n",
        encoding="utf-8",
    )
    (folder / "it_assets.csv").write_text(
        "asset_tag,name,asset_type,serial_no,purchase_date,purchase_cost,warranty_until,location,ip_address,"
        "mac_address,assignee,status,retired_date,retire_reason\n"
        "IT-0001,ThinkPad T14,laptop,PF3XYZ,2025-06-01,8999,2028-06-01,MAIN,,,E-003,in_use,,\n"
        "IT-0002,Dell OptiPlex,desktop,DL001,2025-06-01,5999,2026-01-01,MAIN,,,,in_stock,,\n"
        "NET-001,核心交换机 Core switch,switch,SW01,2024-01-10,24000,2027-01-10,MAIN,10.0.0.2,00:1A:2B:3C:4D:5E,,,,\n"
        "NET-002,Old router,router,RT01,2018-01-10,3000,2021-01-10,MAIN,10.0.0.1,,,retired,2026-01-15,end of life\n",
        encoding="utf-8",
    )
    (folder / "app_installations.csv").write_text(
        "asset,application,version,installed_on\nIT-0001,CAD,2025 SP5,2025-06-02\nIT-0001,OFFICE,12.1,2025-06-02\n",
        encoding="utf-8",
    )
    report = import_dir(quick_user(engine, "imp", "admin"), folder)
    assert report.counts["it_assets"] == 1 and report.counts["app_installations"] == 1  # one document per file

    bad_ip = _refused(
        engine,
        lambda: it_assets.register_asset(
            it, {"asset_tag": "NET-009", "name": "AP", "asset_type": "access_point", "ip_address": "10.0.0.300"}
        ),
    )
    assert bad_ip.for_field("ip_address") == ["is not an IP address"]
    network = it_assets.network_equipment(it, D(2026, 3, 1))
    assert [(n["asset_tag"], n["under_warranty"]) for n in network] == [("NET-001", True)]

    seats = _refused(engine, lambda: it_assets.install_application(it, "IT-0002", "CAD", "2025 SP5", D(2026, 3, 1)))
    assert seats.for_field("application") == ["all 1 seats of CAD are in use"]
    it_assets.install_application(it, "IT-0002", "OFFICE", "12.1", D(2026, 3, 1))  # site licence: no seat limit
    it_assets.apply_patch(it, "IT-0001", "CAD", "SP5.1", D(2026, 2, 3))
    twice = _refused(engine, lambda: it_assets.apply_patch(it, "IT-0001", "CAD", "SP5.1", D(2026, 2, 4)))
    assert twice.for_field("patch") == ["SP5.1 is already applied on IT-0001"]
    absent = _refused(engine, lambda: it_assets.apply_patch(it, "IT-0002", "CAD", "SP5.1", D(2026, 2, 4)))
    assert absent.for_field("application") == ["CAD is not installed on IT-0002"]
    inventory = {(r["asset"], r["application"]): r for r in it_assets.software_inventory(it)}
    assert (inventory["IT-0001", "CAD"]["applied"], inventory["IT-0001", "CAD"]["pending"]) == (["SP5.1"], ["SP5.2"])

    jump = _refused(engine, lambda: it_assets.back_from_repair(it, "IT-0001", D(2026, 3, 2), "fixed"))
    assert jump.for_field("asset") == ["IT-0001 is in_use; cannot take it back from repair"]
    it_assets.send_to_repair(it, "IT-0001", D(2026, 3, 2), "keyboard")
    assert it_assets.back_from_repair(it, "IT-0001", D(2026, 3, 5), "keyboard replaced", "350")["status"] == "in_use"
    it_assets.log_maintenance(it, "NET-001", D(2026, 3, 6), "maintenance", "firmware 9.3 installed")
    retired = it_assets.retire_asset(it, "IT-0001", D(2026, 3, 31), "broken screen")
    assert retired["installations_removed"] == 2
    dead = _refused(engine, lambda: it_assets.assign_asset(it, "IT-0001", "E-004", D(2026, 4, 1)))
    assert dead.for_field("asset") == ["IT-0001 is retired; cannot assign it"]
    it_assets.install_application(it, "IT-0002", "CAD", "2025 SP5", D(2026, 4, 1))  # the seat came free
    kinds = [e["kind"] for e in it_assets.asset_log(it, "IT-0001")]
    assert kinds == ["purchase", "assignment", "repair", "repair", "retirement"]
    usage = {u["application"]: u for u in it_assets.licence_usage(it, D(2026, 4, 1))}
    assert (usage["CAD"]["used"], usage["CAD"]["free"]) == (1, 0)
    with pytest.raises(PermissionDenied):
        it_assets.software_inventory(quick_user(engine, "he", "sales"))


def test_tickets_and_access_review(it: Session, engine: Engine) -> None:
    clerk = quick_user(engine, "chen", "sales")
    it_assets.register_asset(
        it, {"asset_tag": "IT-0100", "name": "Printer", "asset_type": "printer", "purchase_date": "2026-01-05"}
    )
    ticket = helpdesk.raise_ticket(
        clerk,
        {
            "category": "printing",
            "priority": "high",
            "subject": "打印机卡纸 Paper jam",
            "asset": "IT-0100",
            "received_at": "2026-03-02 09:00",
        },
    )
    n = ticket["number"]
    assert ticket["resolution_due"] == dt.datetime(2026, 3, 2, 17, 0)
    with pytest.raises(PermissionDenied):
        helpdesk.assign_ticket(clerk, n, "xu")
    jump = _refused(engine, lambda: helpdesk.resolve_ticket(it, n, "fixed"))
    assert jump.for_field("ticket") == [f"{n} is new; it cannot become resolved (allowed: assigned, cancelled)"]
    nobody = _refused(engine, lambda: helpdesk.assign_ticket(it, n, "ghost"))
    assert nobody.for_field("assignee") == ["ghost is not an active user"]
    helpdesk.assign_ticket(it, n, "xu", at="2026-03-02 09:30")
    helpdesk.start_ticket(it, n)
    early = _refused(engine, lambda: helpdesk.rate_ticket(clerk, n, 5))
    assert early.for_field("ticket") == [f"{n} is in_progress; cannot rate it"]
    helpdesk.resolve_ticket(it, n, "cleared the jam, replaced roller", at="2026-03-02 19:00")
    with pytest.raises(PermissionDenied):
        helpdesk.rate_ticket(it, n, 5)  # only who raised it
    helpdesk.reopen_ticket(clerk, n)
    helpdesk.resolve_ticket(it, n, "roller replaced again", at="2026-03-02 20:00")
    helpdesk.rate_ticket(clerk, n, 4)
    helpdesk.close_ticket(it, n)
    _refused(engine, lambda: helpdesk.cancel_ticket(clerk, n))
    quick = helpdesk.raise_ticket(
        clerk, {"category": "account", "subject": "password", "received_at": "2026-03-03 08:00"}
    )
    helpdesk.cancel_ticket(clerk, quick["number"])
    report = helpdesk.ticket_sla(it, dt.datetime(2026, 3, 10))
    cases = {c["number"]: c for c in report["cases"]}
    assert (cases[n]["response_breached"], cases[n]["resolution_breached"]) == (False, True)
    assert quick["number"] not in cases and report["mean_satisfaction"] == 4
    assert [t["number"] for t in helpdesk.my_tickets(clerk)] == [quick["number"], n]
    assert [e["kind"] for e in it_assets.asset_log(it, "IT-0100")] == ["purchase", "incident"]
    quick_user(engine, "buyer", "procurement")
    quick_user(engine, "payclerk", "hr", "finance")
    quick_user(engine, "seller", "sales")
    review = access.access_review(it)
    conflicts = {(c["username"], c["rule"]) for c in review["conflicts"]}
    assert ("buyer", "PO-CREATE-APPROVE") in conflicts
    assert ("payclerk", "PAYROLL-CALC-APPROVE") in conflicts
    assert not any(u == "seller" for u, _ in conflicts)
    payroll_conflict = next(
        c for c in review["conflicts"] if c["username"] == "payclerk" and c["rule"] == "PAYROLL-CALC-APPROVE"
    )
    assert payroll_conflict["roles"] == ["finance", "hr"]
    assert {"role": "procurement", "rule": "PO-CREATE-APPROVE"} in review["role_conflicts"]
    assert "buyer" in review["by_permission"]["procurement.approve"]
    admin_row = next(u for u in review["users"] if u["username"] == "admin")
    assert "payroll.approve" in admin_row["permissions"]  # "*" expanded
    with pytest.raises(PermissionDenied):
        access.access_review(quick_user(engine, "nosy", "sales"))


def test_json_export_of_a_published_mart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A published warehouse made by hand (the dbt build is covered elsewhere): the JSON keeps decimals exact."""
    monkeypatch.setenv("ERP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ERP_DATABASE_URL", raising=False)
    path = load_settings().warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "create table main.margin as select 'FG-PUMP-100' as item_code, 1234.5600::decimal(18,4) as "
            "margin, date '2026-03-01' as as_of"
        )
        conn.execute("create schema erp_meta")
        conn.execute(
            "create table erp_meta.publication as select 1 as publication_id, timestamp '2026-03-01 00:00' as "
            "published_at_utc, date '2026-03-01' as as_of, 'all' as selection, '{\"margin\": 1}' as row_counts, "
            "1.0 as dbt_seconds"
        )
    out = tmp_path / "margin.json"
    assert main(["export", "margin", "--out", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["columns"] == ["item_code", "margin", "as_of"]
    assert document["rows"] == [{"item_code": "FG-PUMP-100", "margin": "1234.5600", "as_of": "2026-03-01"}]
    assert Decimal(document["rows"][0]["margin"]) == Decimal("1234.56")


def test_patch_rollout_covers_the_devices_that_had_the_software(it: Session, engine: Engine) -> None:
    it_assets.application_actions.create(it, {"code": "OS", "name": "Windows 11", "licence_type": "site"})
    it_assets.patch_actions.create(it, {"application": "OS", "code": "KB-1", "released_on": D(2026, 3, 10)})
    for tag, installed in (("PC-1", D(2026, 1, 5)), ("PC-2", D(2026, 1, 5)), ("PC-3", D(2026, 4, 1))):
        it_assets.register_asset(it, {"asset_tag": tag, "name": "PC", "asset_type": "desktop"})
        it_assets.install_application(it, tag, "OS", "23H2", installed)
    early = _refused(engine, lambda: it_assets.roll_out_patch(it, "OS", "KB-1", D(2026, 3, 9)))
    assert early.for_field("day") == ["must not be before the patch was released"]
    unknown = _refused(engine, lambda: it_assets.roll_out_patch(it, "OS", "KB-9", D(2026, 3, 20)))
    assert unknown.for_field("patch") == ["KB-9 does not exist"]
    share = _refused(engine, lambda: it_assets.roll_out_patch(it, "OS", "KB-1", D(2026, 3, 20), 0))
    assert share.for_field("share_of") == ["must be greater than 0 and at most 100"]

    # Half of the two devices that had the software on the day; PC-3 was installed later.
    assert it_assets.roll_out_patch(it, "OS", "KB-1", D(2026, 3, 20), 50)["assets"] == 1
    pending = {r["asset"]: r["pending"] for r in it_assets.software_inventory(it) if r["application"] == "OS"}
    assert pending == {"PC-1": [], "PC-2": ["KB-1"], "PC-3": ["KB-1"]}
    assert it_assets.roll_out_patch(it, "OS", "KB-1", D(2026, 4, 2))["assets"] == 2  # the rest, PC-3 included
    assert it_assets.roll_out_patch(it, "OS", "KB-1", D(2026, 4, 3))["assets"] == 0  # nothing is applied twice
    assert all(not r["pending"] for r in it_assets.software_inventory(it) if r["application"] == "OS")
