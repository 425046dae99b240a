"""Benchmark of the warehouse pipeline: a full build at a demo scale, then a rebuild after 1% new documents.

    .venv/bin/python benchmarks/pipeline.py                   # scale 1, 2,000 stock receipts as the history
    .venv/bin/python benchmarks/pipeline.py --scale 10 --documents 20000

Steps, in a temporary ERP_HOME: `erp init`, the demo company at --scale, --documents stock receipts of three
lines each (last 30 days) through the service layer (each one stock moves plus its journal entry), a full
build (`erp build --full-refresh`, i.e. the Dagster job in-process from an empty file), 1% more receipts, and
the everyday build (starting from the published warehouse, so the incremental models fct_stock_moves and
fct_journal_lines only add the new rows). Prints wall seconds of both builds, dbt's share, and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from erp import schema as s  # noqa: E402
from erp.cli import main as erp  # noqa: E402
from erp.config import PROJECT_ROOT, load_settings  # noqa: E402
from erp.db import make_engine  # noqa: E402
from erp.services import inventory  # noqa: E402
from erp.services.base import SYSTEM, Session  # noqa: E402
from erp.warehouse.publish import build  # noqa: E402

AS_OF = dt.date(2026, 6, 30)


def add_receipts(count: int, seed: int, start: dt.date) -> float:
    """``count`` stock receipts of three buy items each, dated over the 30 days before ``start`` (the demo
    closes the periods before its as-of month's predecessor)."""
    engine = make_engine()
    session = Session(engine, SYSTEM)
    with engine.connect() as conn:
        items = conn.execute(select(s.item.c.item_code).where(s.item.c.item_type == "buy")).scalars().all()
        location = conn.execute(select(s.location.c.code).order_by(s.location.c.id)).scalars().first()
    rng = random.Random(seed)
    started = time.perf_counter()
    for n in range(count):
        day = start - dt.timedelta(days=rng.randrange(30))
        lines = [{"item": code, "quantity": str(rng.randint(1, 200))} for code in rng.sample(items, 3)]
        inventory.receive_stock(
            session, {"move_date": day.isoformat(), "location": location, "reference": f"B-{seed}-{n}", "lines": lines}
        )
    engine.dispose()
    return time.perf_counter() - started


def counts() -> dict[str, int]:
    engine = make_engine()
    with engine.connect() as conn:
        out = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (s.stock_move, s.journal_line)
        }
    engine.dispose()
    return out


def timed_build(full_refresh: bool) -> tuple[float, float]:
    started = time.perf_counter()
    result = build(as_of=AS_OF, out=lambda _line: None, full_refresh=full_refresh)
    return time.perf_counter() - started, result.publication.dbt_seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--documents", type=int, default=2000, help="stock receipts already in the store")
    parser.add_argument("--home", help="ERP_HOME to use (default a temporary folder)")
    args = parser.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix="erp-pipeline-bench-"))
    os.environ.update({"ERP_HOME": str(home), "ERP_LANG": "en", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    os.environ.pop("ERP_DATABASE_URL", None)
    password = str(PROJECT_ROOT / "seeds" / "demo-admin-password.txt")
    assert (
        erp(["init", "--company", "Bench Pumps", "--admin-password-file", password, "--fiscal-years", "2025,2026"]) == 0
    )
    assert erp(["demo", "--scale", str(args.scale), "--as-of", AS_OF.isoformat()]) == 0
    seconds = add_receipts(args.documents, seed=1, start=AS_OF)
    print(f"history: {args.documents} receipts in {seconds:.1f}s -> {counts()}")

    full, full_dbt = timed_build(full_refresh=True)
    print(f"full build: {full:.1f}s (dbt {full_dbt:.1f}s)")

    extra = max(1, args.documents // 100)
    add_receipts(extra, seed=2, start=AS_OF)
    print(f"added {extra} receipts (1%) -> {counts()}")
    rebuild, rebuild_dbt = timed_build(full_refresh=False)
    print(f"rebuild after 1%: {rebuild:.1f}s (dbt {rebuild_dbt:.1f}s)")
    print(f"ratio rebuild/full: {rebuild / full:.2f} (dbt only {rebuild_dbt / full_dbt:.2f}); target < 0.25")
    print(f"ERP_HOME: {home} (publications: {load_settings().warehouse_path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
