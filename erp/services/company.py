"""Company settings, the fiscal calendar, units of measure and locations."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Bool, Choice, Dec, FieldSet, Int, Ref, Text
from erp.i18n import t
from erp.services.base import Tx, action, fetch_one
from erp.services.records import Entity, EntityActions

COMPANY_FIELDS = FieldSet(
    (
        Text("name", N_("Company name"), required=True),
        Text("name_en", N_("English name")),
        Text("tax_id", N_("Tax ID"), max_length=40),
        Text("country", N_("Country"), default="CN", max_length=2),
        Text("base_currency", N_("Base currency"), default="CNY", max_length=3),
        Dec("default_vat_rate", N_("Default VAT rate"), default=0.13, min_value=0, max_value=1),
        Int("fiscal_year_start_month", N_("Fiscal year starts in month"), default=1, min_value=1, max_value=12),
        Choice("language", N_("Default language"), default="zh_CN", choices=("zh_CN", "en")),
    )
)


@action("company.save", "company.manage")
def save_company(tx: Tx, data: dict[str, Any]) -> dict[str, Any]:
    """Create or change the company's settings (there is one company per store)."""
    before = fetch_one(tx.conn, s.company, id=1)
    values, errors = COMPANY_FIELDS.validate(data, tx.conn, partial=before is not None)
    if errors:
        raise ServiceError(errors)
    if before is None:
        tx.conn.execute(insert(s.company).values(id=1, **values))
    elif values:
        tx.conn.execute(update(s.company).where(s.company.c.id == 1).values(**values))
    after = fetch_one(tx.conn, s.company, id=1)
    tx.audit("company", 1, before, after)
    assert after is not None
    return after


@action("fiscal_year.open", "company.manage")
def open_fiscal_year(tx: Tx, fiscal_year: int) -> list[str]:
    """Create the twelve monthly periods of a fiscal year (named YYYY-MM by calendar month)."""
    if not 1900 <= int(fiscal_year) <= 2999:
        raise ServiceError(FieldError("fiscal_year", t("must be a year between 1900 and 2999")))
    row = fetch_one(tx.conn, s.company, id=1)
    start_month = row["fiscal_year_start_month"] if row else 1
    created = []
    year, month = (int(fiscal_year), start_month) if start_month == 1 else (int(fiscal_year) - 1, start_month)
    for period_no in range(1, 13):
        code = f"{year:04d}-{month:02d}"
        exists = tx.conn.execute(select(s.fiscal_period.c.id).where(s.fiscal_period.c.code == code)).scalar()
        if exists is None:
            last_day = calendar.monthrange(year, month)[1]
            values = {
                "code": code,
                "fiscal_year": int(fiscal_year),
                "period_no": period_no,
                "start_date": dt.date(year, month, 1),
                "end_date": dt.date(year, month, last_day),
                "status": "open",
            }
            tx.conn.execute(insert(s.fiscal_period).values(**values))
            tx.audit("fiscal_period", code, None, values)
            created.append(code)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return created


UOMS = Entity(
    name="uoms",
    label=N_("Units of measure"),
    table=s.uom,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=20),
            Text("name", N_("Name"), required=True, max_length=100),
            Text("name_en", N_("English name"), max_length=100),
        )
    ),
    permission="company.manage",
    audit_name="uom",
)

LOCATION_TYPES = ("warehouse", "production", "quarantine", "transit")

LOCATIONS = Entity(
    name="locations",
    label=N_("Locations"),
    table=s.location,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Choice("location_type", N_("Location type"), default="warehouse", choices=LOCATION_TYPES),
            Ref("parent", N_("Parent location"), column="parent_id", table=s.location),
            Bool("active", N_("Active"), default=True),
        )
    ),
    permission="company.manage",
    audit_name="location",
)

uom_actions = EntityActions(UOMS)
location_actions = EntityActions(LOCATIONS)
