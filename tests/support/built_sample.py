"""One built and published sample company per test session, shared by the warehouse test modules that read it.

A full build (the Dagster warehouse job: ~570 dbt nodes) is the slowest thing the suite does. Modules that need
the sample company built copy this template home (store, published warehouse, snapshots, Dagster instance with
the run that built it) instead of building their own; tests that must build (a failing test blocks publish, a
reader during a publish) still run their own, smaller, builds in their copy. Under pytest-xdist the workers share
the template: the first one to ask builds it, holding a file lock, the others wait and copy.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

from erp.config import PROJECT_ROOT

SAMPLE_DIR = PROJECT_ROOT / "seeds" / "sample"
AS_OF = dt.date(2026, 6, 30)
RUN_FILE = "built_run.json"


def _session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test session that every xdist worker sees (the workers' base folders are its children)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_template(home: Path) -> str:
    """Seed the store, import the sample company and materialise every asset; return the run id."""
    from dagster import materialize
    from sqlalchemy import Engine

    from erp.config import load_settings
    from erp.db import make_engine
    from erp.io.transfer import import_dir
    from erp.services.base import SYSTEM, Session
    from erp.store import seed_reference_data, upgrade
    from pipelines.assets.warehouse import DBT_OP
    from pipelines.definitions import ASSETS, resources
    from pipelines.instance import open_instance
    from pipelines.resources import SmtpResource, WarehouseResource

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ERP_HOME", str(home))
        mp.setenv("DAGSTER_HOME", str(home / "dagster"))
        mp.delenv("ERP_DATABASE_URL", raising=False)
        mp.setenv("ERP_LANG", "en")
        engine: Engine = make_engine()
        upgrade(engine)
        seed_reference_data(engine, "Test Manufacturing Co.", [2025, 2026])
        import_dir(Session(engine, SYSTEM), SAMPLE_DIR)
        engine.dispose()
        settings = load_settings()
        with open_instance(settings) as instance:  # closed before the home is copied: its event log is complete
            result = materialize(
                ASSETS,
                instance=instance,
                resources=resources(warehouse=WarehouseResource(erp_home=str(home)), smtp=SmtpResource()),
                run_config={"ops": {DBT_OP: {"config": {"as_of": AS_OF.isoformat()}}}},
                raise_on_error=False,
            )
        return result.run_id


def built_sample_home(tmp_path_factory: pytest.TempPathFactory, target: Path) -> str:
    """Copy the session's built sample home to ``target`` (building it first if nobody has); return the run id
    of the Dagster run that built it (its events are in ``target/dagster``)."""
    root = _session_dir(tmp_path_factory) / "built-sample"
    root.mkdir(parents=True, exist_ok=True)
    with (root.parent / "built-sample.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            marker = root / RUN_FILE
            if not marker.exists():
                shutil.rmtree(root / "home", ignore_errors=True)
                run_id = _build_template(root / "home")
                marker.write_text(json.dumps({"run_id": run_id}), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    shutil.copytree(root / "home", target, symlinks=True)
    return str(json.loads(marker.read_text(encoding="utf-8"))["run_id"])
