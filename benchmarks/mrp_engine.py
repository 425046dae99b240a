"""Benchmark of the MRP engine alone (no dbt): engine vs. reference loop on synthetic problems.

    .venv/bin/python benchmarks/mrp_engine.py                       # 100,000 items
    .venv/bin/python benchmarks/mrp_engine.py --items 10000,100000,300000 --check

Prints, per size: items, BOM edges, planned orders, engine seconds (best of --repeat, wall and CPU), the
engine's peak traced memory, the reference loop's seconds, and whether both gave identical frames (--check).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erp.planning import plan_mrp, plan_reference  # noqa: E402
from erp.planning.synthetic import synthetic_problem  # noqa: E402


def _timed(fn, *args, **kwargs):
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(n_items: int, depth: int, weeks: int, seed: int, repeat: int, reference: bool, check: bool) -> dict:
    problem = synthetic_problem(n_items, depth=depth, horizon_weeks=weeks, seed=seed)
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        result, wall, cpu = _timed(plan_mrp, **problem)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    tracemalloc.start()
    plan_mrp(**problem)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row = {
        "items": n_items,
        "bom_edges": len(problem["bom"]),
        "demand_rows": len(problem["demand"]),
        "planned_orders": len(result.planned_orders),
        "exceptions": len(result.exceptions),
        "pegging_rows": len(result.pegging),
        "engine_s": round(best_wall, 3),
        "engine_cpu_s": round(best_cpu, 3),
        "engine_peak_mb": round(peak / 2**20),
    }
    if reference or check:
        expected, wall, _ = _timed(plan_reference, **problem)
        row["reference_s"] = round(wall, 2)
        if check:
            for name in ("planned_orders", "records", "exceptions", "pegging"):
                pd.testing.assert_frame_equal(getattr(result, name), getattr(expected, name))
            row["identical"] = True
    row["process_max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", default="100000", help="comma-separated problem sizes (default 100000)")
    parser.add_argument("--depth", type=int, default=8, help="BOM levels (default 8)")
    parser.add_argument("--weeks", type=int, default=52, help="weekly buckets (default 52)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="engine runs; the best is reported (default 3)")
    parser.add_argument("--no-reference", action="store_true", help="skip the slow reference loop")
    parser.add_argument("--check", action="store_true", help="also assert engine and reference frames are identical")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.items.split(",")):
        row = run(size, args.depth, args.weeks, args.seed, args.repeat, not args.no_reference, args.check)
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
