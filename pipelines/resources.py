"""Resources the pipeline's assets use: where the ERP keeps its data, the SMTP server, and progress output."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource, EnvVar
from dagster_dbt import DbtCliResource
from packaging import version
from pydantic import Field

from erp.config import Settings, load_settings
from erp.mail import SmtpSettings
from erp.warehouse.dbt import DBT_GLOBAL_FLAGS, DBT_PROJECT_DIR
from erp.warehouse.publish import SNAPSHOTS_KEPT


class WarehouseResource(ConfigurableResource):
    """The ERP home (store, warehouse, build and snapshot folders). Empty fields mean: from the environment."""

    erp_home: str = Field(default="", description="ERP_HOME; empty: the ERP_HOME environment variable or ./var")
    database_url: str = Field(default="", description="The operational store's URL; empty: ERP_DATABASE_URL")
    keep_snapshots: int = Field(default=SNAPSHOTS_KEPT, description="Published warehouses kept in ERP_HOME/snapshots")

    def settings(self) -> Settings:
        default = load_settings()
        home = Path(self.erp_home).resolve() if self.erp_home else default.home
        url = self.database_url or os.environ.get("ERP_DATABASE_URL") or f"sqlite:///{home / 'erp.sqlite'}"
        return Settings(home=home, database_url=url)


class SmtpResource(ConfigurableResource):
    """Where alert e-mails go. Without a host or recipients, alerts stay in the outbox and no mail is sent."""

    host: str = ""
    port: int = 25
    sender: str = "erp@localhost"
    recipients: str = Field(default="", description="Comma-separated addresses")
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout_seconds: float = 10.0

    def smtp_settings(self) -> SmtpSettings | None:
        recipients = tuple(a.strip() for a in self.recipients.split(",") if a.strip())
        if not self.host or not recipients:
            return None
        return SmtpSettings(
            host=self.host,
            port=self.port,
            sender=self.sender,
            recipients=recipients,
            username=self.username,
            password=self.password,
            starttls=self.starttls,
            timeout_seconds=self.timeout_seconds,
        )

    @classmethod
    def from_env(cls) -> SmtpResource:
        """ERP_SMTP_HOST, ERP_SMTP_PORT, ERP_SMTP_FROM, ERP_ALERT_EMAIL_TO, ERP_SMTP_USER, ERP_SMTP_PASSWORD,
        ERP_SMTP_STARTTLS (1/true). The password is passed as an EnvVar so the UI never shows it."""
        env = os.environ
        return cls(
            host=env.get("ERP_SMTP_HOST", ""),
            port=int(env.get("ERP_SMTP_PORT") or 25),
            sender=env.get("ERP_SMTP_FROM") or "erp@localhost",
            recipients=env.get("ERP_ALERT_EMAIL_TO", ""),
            username=env.get("ERP_SMTP_USER", ""),
            password=EnvVar("ERP_SMTP_PASSWORD") if env.get("ERP_SMTP_PASSWORD") else "",
            starttls=env.get("ERP_SMTP_STARTTLS", "").lower() in {"1", "true", "yes"},
        )


@dataclass
class Progress:
    """Step-by-step progress: always to the Dagster log; also printed when `erp build` runs the job.

    ``quiet`` hides dbt's own log lines (the JSON-formatted stream dagster-dbt echoes) from the terminal.
    """

    out: Callable[[str], None] | None = None
    quiet: bool = False

    def say(self, log: object, message: str) -> None:
        info = getattr(log, "info", None)
        if info is not None:
            info(message)
        if self.out is not None:
            self.out(message)


def dbt_executable() -> str:
    """The dbt command of this Python environment (the venv's bin folder need not be on PATH)."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else (shutil.which("dbt") or "dbt")


class ErpDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two costs per run that the warehouse job does not need.

    Each ``cli()`` call ran `dbt --version` in a subprocess (a second Python process importing dbt) and built an
    in-process dbt adapter (profile, project and every built-in macro parsed) that serves only row-count and
    column metadata, which this project does not fetch. The dbt executable is this environment's
    (``dbt_executable``), so the installed dbt-core's version is the CLI's.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


def dbt_resource() -> DbtCliResource:
    return ErpDbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
        global_config_flags=DBT_GLOBAL_FLAGS,
    )
