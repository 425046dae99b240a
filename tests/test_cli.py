"""The `erp` command line, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from erp import schema as s
from erp.cli import main
from erp.db import make_engine
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.portable


@pytest.fixture
def initialised(erp_home: Path, tmp_path: Path) -> Path:
    password = tmp_path / "pw.txt"
    password.write_text("first-admin-pass\n", encoding="utf-8")
    assert (
        main(["init", "--company", "测试公司", "--admin-password-file", str(password), "--fiscal-years", "2026"]) == 0
    )
    return erp_home


def test_init_creates_admin_and_is_repeatable(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--fiscal-years", "2026"]) == 0  # migrate again; the admin exists, no prompt
    engine = make_engine()
    with engine.connect() as conn:
        assert conn.execute(select(s.app_user.c.username)).scalars().all() == ["admin"]
        assert conn.execute(select(s.company.c.name)).scalar_one() == "测试公司"
        assert len(conn.execute(select(s.fiscal_period.c.code)).all()) == 12
    assert main(["user", "list"]) == 0
    assert "admin" in capsys.readouterr().out


def test_import_bad_file_exits_non_zero_with_line_and_column(
    initialised: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "customers.csv").write_text("code,name,credit_limit\nC1,ok,10\nC2,bad,-5\n", encoding="utf-8")
    assert main(["import", str(bad)]) == 1
    assert "customers.csv:3: credit_limit: must be at least 0" in capsys.readouterr().err
    assert main(["import", str(SAMPLE_DIR)]) == 0
    out = tmp_path / "items.xlsx"
    assert main(["export", "items", "--out", str(out)]) == 0 and out.stat().st_size > 0


def test_template_and_users(initialised: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "bom"]) == 0
    assert capsys.readouterr().out.strip() == "parent_item,component_item,qty_per,scrap_pct"
    pw = tmp_path / "p"
    pw.write_text("planner-pass-1", encoding="utf-8")
    assert main(["user", "add", "chen.jing", "--roles", "planner", "--name", "陈静", "--password-file", str(pw)]) == 0
    assert main(["user", "add", "x y", "--roles", "nope", "--password-file", str(pw)]) == 1
    err = capsys.readouterr().err
    assert "username:" in err and "roles: unknown roles: nope" in err
    assert main(["user", "disable", "chen.jing"]) == 0
    assert main(["user", "disable", "ghost"]) == 1


def test_commands_refuse_an_uninitialised_store(erp_home: Path) -> None:
    with pytest.raises(SystemExit, match="erp init"):
        main(["user", "list"])
