"""Where the ERP keeps its data, read from the environment so tests and benchmarks can point anywhere."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str

    @property
    def sqlite_path(self) -> Path | None:
        """The operational SQLite file, or None when the store is a server database."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            return Path(self.database_url[len(prefix) :])
        return None

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse that dashboards read."""
        return self.home / "warehouse.duckdb"

    @property
    def build_dir(self) -> Path:
        return self.home / "build"


def load_settings() -> Settings:
    """Read ERP_HOME (default ./var) and ERP_DATABASE_URL (default a SQLite file under ERP_HOME)."""
    home = Path(os.environ.get("ERP_HOME", "var")).resolve()
    url = os.environ.get("ERP_DATABASE_URL") or f"sqlite:///{home / 'erp.sqlite'}"
    return Settings(home=home, database_url=url)
