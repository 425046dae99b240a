"""`erp export <mart>`: a public mart of the published warehouse written to CSV, Excel or JSON (read-only: the
warehouse is opened read-only and nothing is written back)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from erp.config import Settings
from erp.errors import ServiceError
from erp.i18n import t
from erp.io.tables import write_table
from erp.warehouse.read import connect, public_marts


def export_mart(name: str, out: Path, encoding: str = "utf-8-sig", settings: Settings | None = None) -> int:
    """Write every row of the mart ``name`` as published (ordered by its first column); return the row count."""
    marts = public_marts(settings)
    if name not in marts:
        raise ServiceError(
            t("{name} is not a published mart; published: {known}", name=name, known=", ".join(marts) or "-")
        )
    with connect(settings) as conn:
        cursor = conn.execute(f'select * from main."{name}" order by 1')
        header = [d[0] for d in cursor.description]
        rows = [dict(zip(header, values, strict=True)) for values in cursor.fetchall()]
    if out.suffix.lower() == ".json":
        return write_json(out, name, header, rows)
    return write_table(out, header, rows, encoding=encoding)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # exact, as text: JSON numbers would round through binary floats
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def write_json(out: Path, name: str, header: list[str], rows: list[dict[str, Any]]) -> int:
    """``{"mart": name, "columns": [...], "rows": [{column: value}]}``, UTF-8; decimals and dates as text."""
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {"mart": name, "columns": header, "rows": rows}
    out.write_text(json.dumps(document, ensure_ascii=False, default=_json_value, indent=1), encoding="utf-8")
    return len(rows)
