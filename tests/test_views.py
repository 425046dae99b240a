"""Read helpers behind the app's lists: search, filters by code, paging, downloads and the audit log."""

from __future__ import annotations

import csv
import io

from erp import views
from erp.services.base import Session
from erp.services.partners import CUSTOMERS
from erp.services.products import ITEMS, ROUTINGS, item_actions


def test_list_search_filter_and_paging(sample: Session) -> None:
    with sample.read() as conn:
        pumps = views.list_records(conn, ITEMS, search="centrifugal PUMP")
        assert [r["item_code"] for r in pumps.rows] == ["FG-PUMP-100", "FG-PUMP-200"]
        assert pumps.rows[0]["uom"] == "EA"  # references as codes, as in the import format
        assert views.list_records(conn, ITEMS, search="RM_").total == 0  # _ and % are plain characters
        assert views.list_records(conn, ITEMS, search="RM-").total == 8

        bought = views.list_records(conn, ITEMS, filters={"item_type": "buy", "uom": "KG"})
        assert [r["item_code"] for r in bought.rows] == ["RM-STEEL"]

        steps = views.list_records(conn, ROUTINGS, filters={"item_code": "SA-HOUSING"})
        assert [r["step_no"] for r in steps.rows] == ["10", "20"]

        everything = views.list_records(conn, ITEMS, page_size=None).rows
        second = views.list_records(conn, ITEMS, page=2, page_size=5)
        assert (second.total, second.pages, second.rows) == (12, 3, everything[5:10])


def test_download_matches_import_format(sample: Session) -> None:
    with sample.read() as conn:
        rows = views.list_records(conn, CUSTOMERS, page_size=None).rows
    data = views.csv_bytes([f.name for f in CUSTOMERS.fields], rows)
    assert data.startswith("\ufeff".encode())
    parsed = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed == rows


def test_record_values_and_audit_entry(sample: Session) -> None:
    item_actions.update(sample, {"item_code": "RM-SEAL"}, {"lead_time_days": "11"})
    with sample.read() as conn:
        values = views.record_values(conn, ITEMS, {"item_code": "RM-SEAL"})
        assert values is not None and values["uom"] == "EA" and values["lead_time_days"] == 11
        log = views.audit_entries(conn, views.AuditFilter(entity="item", username="admin"))
        latest = views.audit_entry(conn, log.rows[0]["id"], sample.actor)
    assert latest is not None
    assert (latest["action"], latest["before"]["lead_time_days"], latest["after"]["lead_time_days"]) == (
        "item.update",
        10,
        11,
    )


def test_pay_data_in_the_audit_log_is_withheld_from_readers_without_hr_confidential(sample: Session, make_user) -> None:  # type: ignore[no-untyped-def]
    from erp.services import payroll

    hr, it = make_user("hanna", "hr"), make_user("ivan", "it")
    payroll.set_salary(hr, {"employee": "E-002", "effective_date": "2025-07-01", "base_salary": "20000"})
    with sample.read() as conn:
        entry_id = views.audit_entries(conn, views.AuditFilter(entity="salary_history")).rows[0]["id"]
        for_it = views.audit_entry(conn, entry_id, it.actor)
        for_hr = views.audit_entry(conn, entry_id, hr.actor)
    assert for_it is not None and for_it["withheld"] and for_it["after"] is None
    assert for_hr is not None and not for_hr["withheld"] and "20000" in str(for_hr["after"])
