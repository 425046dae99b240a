"""`erp export <mart>`: a public mart of the published warehouse written to CSV or Excel."""

from __future__ import annotations

from pathlib import Path

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
    return write_table(out, header, rows, encoding=encoding)
