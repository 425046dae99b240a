"""The Dagster instance under ERP_HOME: its folder, its dagster.yaml, and opening it."""

from __future__ import annotations

import shutil
from pathlib import Path

from erp.config import PROJECT_ROOT, Settings

INSTANCE_TEMPLATE = PROJECT_ROOT / "dagster.yaml"


def dagster_home(settings: Settings) -> Path:
    """ERP_HOME/dagster, holding dagster.yaml (copied from the project's template when missing)."""
    home = settings.home / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_TEMPLATE, config)
    return home


def open_instance(settings: Settings):  # type: ignore[no-untyped-def]
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(dagster_home(settings)))
