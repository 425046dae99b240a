"""Benchmark of the warehouse pipeline: a full build at a demo scale, then a rebuild after 1% new documents.

    .venv/bin/python benchmarks/pipeline.py                   # scale 1, 2,000 stock receipts as the history
    .venv/bin/python benchmarks/pipeline.py --scale 10 --documents 20000

Steps, in a temporary ERP_HOME: `erp init`, the demo company at --scale, --documents stock receipts of three
lines each (last 30 days) through the service layer (each one stock moves plus its journal entry), a full
build (`erp build --full-refresh`, i.e. the Dagster job in-process from an empty file), 1% more receipts, and
the everyday build (starting from the published warehouse, it builds only the models that depend on the store
tables changed since, and their tests; the incremental models over stock moves, journal lines and the audit log
only add the new rows). Prints wall and CPU seconds of both builds, dbt's share, the slowest dbt nodes, and the
ratios. Both builds run in this process (dbt too: pipelines/dbt_inprocess.py), so the rebuild finds everything
imported; --cold runs each as an `erp build` process of its own instead, start-up included. The first full build
also pays what no later one does: dbt's full parse of the project (a fresh home has no parse state) and first
imports. --repeat N runs N such pairs one after another (each full build from an empty file, each rebuild after
another 1%) and prints the first pair's ratio and the later pairs' ratios with their median: the steady state.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from erp import schema as s  # noqa: E402
from erp.cli import main as erp  # noqa: E402
from erp.config import PROJECT_ROOT, load_settings  # noqa: E402
from erp.db import make_engine  # noqa: E402
from erp.services import inventory  # noqa: E402
from erp.services.base import SYSTEM, Session  # noqa: E402
from erp.store import upgrade  # noqa: E402
from erp.warehouse.publish import RESULTS_FILE, build, dbt_state_dir  # noqa: E402
from erp.warehouse.read import last_publication  # noqa: E402

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


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU of this process, and of its finished children (the `erp build` processes with --cold)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def slowest_nodes(count: int = 12) -> str:
    """The dbt nodes of the last build that took longest (from the node results kept in the build folder)."""
    path = dbt_state_dir(load_settings()) / RESULTS_FILE
    if not path.exists():
        return f"  (no {RESULTS_FILE})"
    results = json.loads(path.read_text(encoding="utf-8"))["results"]
    results.sort(key=lambda r: -float(r.get("execution_time") or 0.0))
    total = sum(float(r.get("execution_time") or 0.0) for r in results)
    lines = [f"  {len(results)} nodes, {total:.1f}s summed over threads; slowest:"]
    for r in results[:count]:
        lines.append(f"    {float(r.get('execution_time') or 0.0):6.2f}s  {r['unique_id']}")
    return "\n".join(lines)


def timed_build(full_refresh: bool, cold: bool = False) -> tuple[float, float, float]:
    """Wall seconds, dbt's wall seconds and CPU seconds (this process and its children) of one `erp build`.

    In this process by default: the rebuild finds Dagster, dbt and the planning engine imported by the full build
    before it, as a process that keeps running builds would. ``cold``: each build is an `erp build` process of its
    own, start-up and imports included, as from the command line or a Dagster run worker."""
    started, (own, children) = time.perf_counter(), cpu_seconds()
    if cold:
        command = [sys.executable, "-c", "import sys; from erp.cli import main; sys.exit(main(sys.argv[1:]))"]
        command += ["build", "--as-of", AS_OF.isoformat(), *(["--full-refresh"] if full_refresh else [])]
        subprocess.run(command, check=True, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
        publication = last_publication()
        assert publication is not None
        dbt_seconds = publication.dbt_seconds
    else:
        dbt_seconds = build(as_of=AS_OF, out=lambda _line: None, full_refresh=full_refresh).publication.dbt_seconds
    own_after, children_after = cpu_seconds()
    print(f"  CPU: this process {own_after - own:.1f}s, child processes {children_after - children:.1f}s")
    return time.perf_counter() - started, dbt_seconds, own_after + children_after - own - children


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--documents", type=int, default=2000, help="stock receipts already in the store")
    parser.add_argument("--home", help="ERP_HOME to use (default a temporary folder)")
    parser.add_argument(
        "--from-store", help="start from a copy of this SQLite store (demo and history already in it; skips both)"
    )
    parser.add_argument("--cold", action="store_true", help="run each build as an `erp build` process of its own")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run this many pairs of a full build and a rebuild after 1%% more, one after another; print the later "
        "pairs' ratios and their median (the first full build pays one-time costs; a shared machine's speed drifts)",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat: must be at least 1 (got {args.repeat})")
    home = Path(args.home or tempfile.mkdtemp(prefix="erp-pipeline-bench-"))
    os.environ.update({"ERP_HOME": str(home), "ERP_LANG": "en", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    os.environ.pop("ERP_DATABASE_URL", None)
    if args.from_store:
        home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(args.from_store, home / "erp.sqlite")
        engine = make_engine()
        upgrade(engine)  # a store saved by an earlier version: its migrations and change triggers
        engine.dispose()
        print(f"history: a copy of {args.from_store} -> {counts()}")
    else:
        password = str(PROJECT_ROOT / "seeds" / "demo-admin-password.txt")
        init = ["init", "--company", "Bench Pumps", "--admin-password-file", password, "--fiscal-years", "2025,2026"]
        assert erp(init) == 0
        assert erp(["demo", "--scale", str(args.scale), "--as-of", AS_OF.isoformat()]) == 0
        seconds = add_receipts(args.documents, seed=1, start=AS_OF)
        print(f"history: {args.documents} receipts in {seconds:.1f}s -> {counts()}")
        print(f"store with history (reuse it with --from-store): {home / 'erp.sqlite'}")

    ratios: list[tuple[float, float]] = []
    for pair in range(args.repeat):
        full, full_dbt, full_cpu = timed_build(full_refresh=True, cold=args.cold)
        print(f"full build: {full:.1f}s (dbt {full_dbt:.1f}s), CPU {full_cpu:.1f}s")
        print(slowest_nodes())

        extra = max(1, args.documents // 100)
        add_receipts(extra, seed=2 + pair, start=AS_OF)
        print(f"added {extra} receipts (1%) -> {counts()}")
        # an everyday build: only what depends on the store tables changed since the publication (changes.py)
        rebuild, rebuild_dbt, rebuild_cpu = timed_build(full_refresh=False, cold=args.cold)
        print(f"rebuild after 1%: {rebuild:.1f}s (dbt {rebuild_dbt:.1f}s), CPU {rebuild_cpu:.1f}s")
        print(slowest_nodes())
        print(
            f"ratio rebuild/full: wall {rebuild / full:.2f} (dbt only {rebuild_dbt / full_dbt:.2f}), "
            f"CPU {rebuild_cpu / full_cpu:.2f}; target < 0.25"
        )
        ratios.append((rebuild / full, rebuild_cpu / full_cpu))
    # The first full build also pays dbt's full parse of the project (no parse state yet: about 9 s) and, in this
    # process, the first imports: 15-20 s in all that a later full build, like the rebuilds, does not pay.
    once = "dbt's full parse of the project" + ("" if args.cold else " and the first imports")
    print(f"the first full build includes {once}; later pairs do not")
    if len(ratios) > 1:
        walls, cpus = sorted(r[0] for r in ratios[1:]), sorted(r[1] for r in ratios[1:])
        print(
            f"first pair: wall {ratios[0][0]:.2f}, CPU {ratios[0][1]:.2f}; the {len(walls)} later: "
            f"wall {' '.join(f'{r:.2f}' for r in walls)} (median {median(walls):.2f}), "
            f"CPU {' '.join(f'{r:.2f}' for r in cpus)} (median {median(cpus):.2f}); target < 0.25"
        )
    print(f"ERP_HOME: {home} (publications: {load_settings().warehouse_path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
