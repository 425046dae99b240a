"""Creating, migrating and seeding the operational store."""

from __future__ import annotations

import csv
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, select

from erp import schema as s
from erp.config import PROJECT_ROOT
from erp.services.base import SYSTEM, Session
from erp.services.company import open_fiscal_year, save_company

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SEEDS_DIR = PROJECT_ROOT / "seeds"

# Reference data every store starts with, loaded through the service layer in this order.
REFERENCE_SEEDS = (
    "roles",
    "role_permissions",
    "uoms",
    "accounts",
    "locations",
    "cost_centers",
    "posting_rules",
    "social_insurance_rates",
    "income_tax_brackets",
    "payroll_settings",
    "service_slas",
    "sod_rules",
)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine) -> None:
    """Create or migrate the store's tables to the newest revision."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def is_initialized(engine: Engine) -> bool:
    from sqlalchemy import inspect

    if "company" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        return conn.execute(select(s.company.c.id)).first() is not None


def read_seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def seed_reference_data(engine: Engine, company_name: str, fiscal_years: list[int]) -> None:
    """Load the company, its calendar and the missing reference seeds in one transaction."""
    from erp.registry import ENTITIES

    session = Session(engine, SYSTEM)
    with session.transaction() as tx:
        if tx.conn.execute(select(s.company.c.id)).first() is None:
            save_company(session, {"name": company_name})
        for year in fiscal_years:
            open_fiscal_year(session, year)
        for name in REFERENCE_SEEDS:
            actions = ENTITIES[name]
            for row in read_seed(name):
                if actions.get(session, row) is None:  # never overwrite what users changed
                    actions.create(session, row)
