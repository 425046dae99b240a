"""`erp import` / `erp export`: formats, encodings, all-or-nothing, and errors by file, line and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from erp import schema as s
from erp.errors import PermissionDenied
from erp.io.tables import read_table, write_table
from erp.io.transfer import ImportFailed, export_entity, import_dir, template_header
from erp.services.base import Session
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.portable


def snapshot(session: Session) -> dict[str, int]:
    with session.read() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (s.item, s.bom_line, s.customer, s.audit_log)
        }


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def test_sample_imports_and_reimport_is_idempotent(sample: Session) -> None:
    before = snapshot(sample)
    assert before["item"] == 12 and before["bom_line"] == 15
    report = import_dir(sample, SAMPLE_DIR)
    assert report.counts["items"] == 12
    after = snapshot(sample)
    assert {k: after[k] for k in ("item", "bom_line", "customer")} == {
        k: before[k] for k in ("item", "bom_line", "customer")
    }


def test_bad_rows_reject_the_whole_import_and_name_line_and_column(admin: Session, tmp_path: Path) -> None:
    write(
        tmp_path / "items.csv",
        "item_code,description,item_type,uom,lead_time_days\n"
        "X1,fine,make,EA,3\n"
        "X2,bad type,maybe,EA,1\n"
        "X3,,buy,NOPE,abc\n",
    )
    write(tmp_path / "customers.csv", "code,name,credit_limit\nC1,好客户,1000\n")
    before = snapshot(admin)
    with pytest.raises(ImportFailed) as err:
        import_dir(admin, tmp_path)
    found = {(p.file, p.line, p.column) for p in err.value.problems}
    assert found == {
        ("items.csv", 3, "item_type"),
        ("items.csv", 4, "description"),
        ("items.csv", 4, "uom"),
        ("items.csv", 4, "lead_time_days"),
    }
    assert "items.csv:4: uom: NOPE does not exist" in str(err.value)
    assert snapshot(admin) == before  # the good rows, and the good file, were not kept


def test_gb18030_and_excel_files(admin: Session, tmp_path: Path) -> None:
    write(tmp_path / "a" / "customers.csv", "code,name,address\nC-9,华南机电有限公司,深圳市南山区\n", "gb18030")
    import_dir(admin, tmp_path / "a")
    write_table(
        tmp_path / "b" / "suppliers.xlsx",
        ["code", "name", "payment_terms_days"],
        [{"code": "S-9", "name": "苏州轴承厂", "payment_terms_days": 45}],
    )
    import_dir(admin, tmp_path / "b")
    with admin.read() as conn:
        assert conn.execute(select(s.customer.c.name)).scalar_one() == "华南机电有限公司"
        assert conn.execute(select(s.supplier.c.payment_terms_days)).scalar_one() == 45


def test_export_then_import_round_trips(sample: Session, tmp_path: Path) -> None:
    out = tmp_path / "x"
    for name in ("items", "bom", "customers"):
        export_entity(sample, name, out / f"{name}.csv")
    table = read_table(out / "items.csv")
    assert table.header == template_header("items")
    pump = next(r for _, r in table.rows if r["item_code"] == "FG-PUMP-100")
    assert pump["uom"] == "EA" and pump["lot_sizing"] == "L4L" and pump["safety_stock_qty"] == "5"
    export_entity(sample, "customers", tmp_path / "gb.csv", encoding="gb18030")
    assert "华东水务" in (tmp_path / "gb.csv").read_bytes().decode("gb18030")
    before = snapshot(sample)
    import_dir(sample, out)
    after = snapshot(sample)
    assert after["item"] == before["item"] and after["bom_line"] == before["bom_line"]


def test_header_problems_are_reported_before_anything_runs(admin: Session, tmp_path: Path) -> None:
    write(tmp_path / "items.csv", "item_code,colour\nX,red\n")
    write(tmp_path / "widgets.csv", "a\n1\n")
    with pytest.raises(ImportFailed) as err:
        import_dir(admin, tmp_path)
    problems = {(p.file, p.column) for p in err.value.problems}
    assert ("items.csv", "description") in problems and ("items.csv", "uom") in problems
    assert any(p.file == "widgets.csv" and "not a known file name" in p.reason for p in err.value.problems)


def test_extra_columns_are_ignored_and_reported(admin: Session, tmp_path: Path) -> None:
    write(tmp_path / "items.csv", "item_code,description,item_type,uom,colour\nX,ok,buy,EA,red\n")
    report = import_dir(admin, tmp_path)
    assert report.counts == {"items": 1}
    assert any("colour" in note for note in report.notes)


def test_import_and_export_need_permission(make_user, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sales = make_user("sally", "sales")
    write(tmp_path / "customers.csv", "code,name\nC1,x\n")
    with pytest.raises(PermissionDenied):
        import_dir(sales, tmp_path)
    planner = make_user("pat", "planner")
    with pytest.raises(ImportFailed) as err:  # planners may import, but not customers
        import_dir(planner, tmp_path)
    assert "customers.manage" in str(err.value)
    hr = make_user("helen", "hr")
    export_entity(hr, "employees", tmp_path / "e.csv")
    with (tmp_path / "e.csv").open(encoding="utf-8-sig") as fh:
        assert next(csv.reader(fh))[0] == "employee_code"
