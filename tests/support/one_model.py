"""A dbt project of one model (``inc``) with this project's materializations, on a DuckDB file of its own: for
what a warehouse test does not reach, at the cost of a dbt run of one model (about a second)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb

from erp.config import PROJECT_ROOT
from erp.warehouse.dbt import invoke

MACROS = PROJECT_ROOT / "dbt_project" / "macros" / "materializations"


def one_model_project(root: Path) -> Path:
    """Lay the project out under ``root``; returns the path of its DuckDB file."""
    shutil.copytree(MACROS, root / "macros" / "materializations")
    (root / "models").mkdir()
    (root / "dbt_project.yml").write_text(
        "name: one_model\nversion: '1.0'\nconfig-version: 2\nprofile: one_model\nmacro-paths: [macros]\n",
        encoding="utf-8",
    )
    (root / "profiles.yml").write_text(
        f"one_model:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: {root / 'w.duckdb'}\n"
        "      threads: 1\n",
        encoding="utf-8",
    )
    return root / "w.duckdb"


def run_dbt_command(root: Path, command: str, *flags: str) -> Any:
    """dbt's ``command`` on the project under ``root``, in this process; dbt's ``dbtRunnerResult``."""
    dirs = ["--project-dir", str(root), "--profiles-dir", str(root), "--target-path", str(root / "target")]
    return invoke(["--quiet", command, *dirs, "--log-path", str(root / "logs"), *flags], {}, lambda _event: None)


def run_model(root: Path, sql: str, *flags: str) -> Any:
    """`dbt run` with ``sql`` as the model's code."""
    (root / "models" / "inc.sql").write_text(sql, encoding="utf-8")
    return run_dbt_command(root, "run", *flags)


def rows(path: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path)) as conn:
        return conn.execute("select * from main.inc order by id").fetchall()
