"""The Dagster instance under ERP_HOME: its folder, its dagster.yaml, and opening it."""

from __future__ import annotations

import shutil
from pathlib import Path

from erp.config import PROJECT_ROOT, Settings

INSTANCE_TEMPLATE = PROJECT_ROOT / "dagster.yaml"
# dagster.yaml keys that choose the storage by hand (e.g. PostgreSQL): then the instance is opened as configured
STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")


def dagster_home(settings: Settings) -> Path:
    """ERP_HOME/dagster, holding dagster.yaml (copied from the project's template when missing)."""
    home = settings.home / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_TEMPLATE, config)
    return home


def open_instance(settings: Settings):  # type: ignore[no-untyped-def]
    """The ERP's Dagster instance; with the default SQLite storage, its event log is written through kept-open
    connections (pipelines/storage.py): same files, a fraction of the cost per event."""
    from dagster import DagsterInstance
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.instance.ref import InstanceRef, _event_logs_directory

    home = str(dagster_home(settings))
    config, _ = dagster_instance_config(home)
    if any(config.get(key) for key in STORAGE_KEYS):
        return DagsterInstance.from_config(home)
    event_log = {
        "module": "pipelines.storage",
        "class": "KeptConnectionEventLogStorage",
        "config": {"base_dir": _event_logs_directory(home)},
    }
    return DagsterInstance.from_ref(InstanceRef.from_dir(home, overrides={"event_log_storage": event_log}))
