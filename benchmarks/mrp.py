"""Benchmark of MRP as the warehouse runs it: the dbt Python models of dbt_project/models/marts/planning/.

    .venv/bin/python benchmarks/mrp.py                          # 100,000 items
    .venv/bin/python benchmarks/mrp.py --items 10000,100000,300000

Per size: a synthetic problem (erp/planning/synthetic.py: BOM depth 8, 52 weekly buckets, L4L/FOQ/POQ, shared
components) is written into a DuckDB file as the MRP's input models (int_mrp_items, int_mrp_bom, int_mrp_on_hand,
int_open_supply, int_mrp_demand: the operational store and staging are not part of MRP), then `dbt run` builds
the MRP models into that file, in-process, exactly as `erp build` does: mrp_plan, the models that store the plan
(int_mrp_planned_order_rows, int_mrp_record_rows, int_mrp_pegging_rows, int_mrp_exception_rows), the exception
wording (int_mrp_exception_texts) and the views over them (mrp_planned_orders, mrp_records, mrp_pegging,
mrp_exceptions); erp/planning/standalone.py does both. Printed:

- items, BOM lines, planned orders and rows written by the MRP models (the views write none);
- mrp_s: the MRP models' own seconds from dbt's run_results.json, without dbt's start-up: from the start of
  mrp_plan to the end of the last MRP model. dbt runs them on the profile's threads, as `erp build` does, so the
  four models that store the plan overlap (each builds its table while another's is written); the per-model
  seconds printed after it (execution_time) overlap too; mrp_cpu_s: the CPU seconds of the
  process over that dbt run minus those of a dbt run that selects nothing (dbt's start-up), so on a shared
  machine the CPU figures are the ones to compare; load_s and plan_s: inside mrp_plan, reading and checking the
  inputs, and planning;
- peak_rss_mb: the process's peak resident memory (dbt, the inputs and the plan included);
- floor_s, floor_cpu_s: DuckDB reading the same five inputs from the same file into the process (Arrow) and
  writing tables of the same rows and columns as the MRP models wrote, handed over as cheaply as the models
  hand theirs (the least any implementation must do), and the ratios mrp / floor (wall and CPU);
- reference_s, reference_cpu_s: the per-item loop (erp/planning/reference.py) planning the same problem (loop only).

Before the sizes, once: kernels, which compiled kernels plan (`--kernels`: the ahead-of-time module, built first
as make builds it, or numba's JIT; erp/planning/compiled.py) and aot_build_s, the seconds building the module
took (0 when it was built); then, from fresh interpreters, what a process pays once before its first plan:
pandas_import_s (DuckDB's Python client imports pandas to read the Arrow table a Python model returns; this
benchmark's own process has imported it to generate the problem, so mrp_s leaves it out, while a fresh `erp
build` pays it), planning_import_s (erp.planning: inside mrp_s) and kernel_setup_s (the first call of the
kernels on a tiny problem: loading the ahead-of-time module, or numba importing and setting itself up and
loading its cached machine code (compiling it, about 5 s of CPU, the first time after a change): inside mrp_s).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from erp.planning import aot, compiled  # noqa: E402
from erp.planning.problem import load_problem  # noqa: E402
from erp.planning.reference import reference_plan  # noqa: E402
from erp.planning.standalone import INPUTS, MRP_MODELS, STORED, ModelRunner, write_inputs  # noqa: E402
from erp.planning.synthetic import synthetic_problem  # noqa: E402


def span(results: list[dict], models: tuple[str, ...]) -> float:
    """Seconds from the first of ``models`` starting (compiling) to the last one's end, from dbt's timings."""
    stamps = [
        dt.datetime.fromisoformat(step[key].replace("Z", "+00:00"))
        for result in results
        if result["unique_id"].rsplit(".", 1)[-1] in models
        for step in result["timing"]
        for key in ("started_at", "completed_at")
        if step.get(key)
    ]
    return (max(stamps) - min(stamps)).total_seconds()


def floor_seconds(conn: duckdb.DuckDBPyConnection) -> tuple[float, float, int]:
    """Read the inputs into the process and write tables as large as the MRP models' outputs, through ``conn``
    (a cursor on the database the MRP models ran in, still open: the inputs are read from where they read them).

    The outputs are read back before the clock starts and given the cheapest representation DuckDB ingests
    (quantities as 64-bit decimals, as the MRP models hand them over), so the floor is not inflated.
    Returns wall seconds, CPU seconds of the process (DuckDB's threads included) and rows written."""
    outputs = {name: _cheapest(conn.execute(f"select * from {name}").to_arrow_table()) for name in STORED}
    rows = sum(t.num_rows for t in outputs.values())
    started, cpu = time.perf_counter(), time.process_time()
    for name in INPUTS:
        conn.execute(f"select * from {name}").to_arrow_table()
    for name, table in outputs.items():
        conn.register("floor_src", table)
        conn.execute(f"create table floor_{name} as select * from floor_src")
        conn.unregister("floor_src")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for name in outputs:
        conn.execute(f"drop table floor_{name}")
    return seconds, cpu, rows


def _cheapest(table: pa.Table) -> pa.Table:
    """DECIMAL(p <= 18) columns as Arrow decimal64 (DuckDB exports them as decimal128, slower to ingest)."""
    fields = [
        pa.field(f.name, pa.decimal64(f.type.precision, f.type.scale))
        if pa.types.is_decimal128(f.type) and f.type.precision <= 18
        else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


FRESH = """
import sys, time
import duckdb, numpy, pyarrow  # dbt has imported these before any model runs
started = time.perf_counter()
import pandas
imported_pandas = time.perf_counter()
from erp.planning import compiled
from erp.planning.engine import engine_plan
from erp.planning.problem import load_problem
from erp.planning.tables import plan_tables
imported = time.perf_counter()
from erp.planning.synthetic import synthetic_problem
problem = load_problem(**synthetic_problem(50, depth=3, horizon_weeks=8, seed=1))
planning = time.perf_counter()
with compiled.using(compiled.jit if sys.argv[1] == "jit" else compiled.kernels()):
    plan_tables(problem, engine_plan(problem))
print(imported_pandas - started, imported - imported_pandas, time.perf_counter() - planning)
"""


def fresh_process(kernels: str) -> tuple[float, float, float]:
    """A new interpreter importing pandas, then the planning package, then planning a tiny problem with the
    ``kernels`` (aot or jit): the seconds of each."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH, kernels],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    pandas_s, planning_s, tiny_s = (float(v) for v in done.stdout.split())
    return pandas_s, planning_s, tiny_s


def run(n_items: int, depth: int, weeks: int, seed: int, reference: bool, workdir: Path) -> dict:
    problem = synthetic_problem(n_items, depth=depth, horizon_weeks=weeks, seed=seed)
    run_dir = workdir / f"items_{n_items}"
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "warehouse.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    runner = ModelRunner(path, run_dir, problem["as_of"].isoformat(), weeks)

    def dbt(args: list[str]) -> tuple[float, list[dict]]:
        """Run dbt in this process; its CPU seconds (every thread of the process) and run results."""
        cpu = time.process_time()
        results = runner.run(args)
        return time.process_time() - cpu, results

    with runner.kept_open() as conn:  # as in `erp build`: the inputs are what this database has just written
        write_inputs(conn, problem)
        # dbt's own start-up (parse, connect) in CPU: a run that selects nothing, the second of two (warm imports)
        nothing = ["--select", "mrp_plan", "--exclude", "mrp_plan"]
        dbt(nothing)
        startup_cpu, _ = dbt(nothing)
        run_cpu, results = dbt(["--select", *MRP_MODELS])
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        floor_s, floor_cpu, rows = floor_seconds(conn)
        planned = conn.execute("select count(*) from mrp_planned_orders").fetchone()[0]
        load_s, engine_s = conn.execute("select load_seconds, engine_seconds from mrp_plan").fetchone()
    seconds = {r["unique_id"].rsplit(".", 1)[-1]: r["execution_time"] for r in results}
    mrp_s = span(results, MRP_MODELS)
    mrp_cpu = run_cpu - startup_cpu
    row = {
        "items": n_items,
        "bom_lines": len(problem["bom"]),
        "planned_orders": planned,
        "rows_written": rows,
        "mrp_s": round(mrp_s, 2),
        "mrp_cpu_s": round(mrp_cpu, 2),
        **{f"{m}_s": round(seconds[m], 2) for m in MRP_MODELS},
        "load_s": round(load_s, 2),
        "plan_s": round(engine_s, 2),
        "peak_rss_mb": round(peak_mb),
        "floor_s": round(floor_s, 2),
        "floor_cpu_s": round(floor_cpu, 2),
        "mrp_over_floor": round(mrp_s / floor_s, 2),
        "mrp_over_floor_cpu": round(mrp_cpu / floor_cpu, 2),
    }
    if reference:
        checked = load_problem(**problem)
        started, cpu = time.perf_counter(), time.process_time()
        reference_plan(checked)
        row["reference_s"] = round(time.perf_counter() - started, 2)
        row["reference_cpu_s"] = round(time.process_time() - cpu, 2)
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", default="100000", help="comma-separated problem sizes (default 100000)")
    parser.add_argument("--depth", type=int, default=8, help="BOM levels (default 8)")
    parser.add_argument("--weeks", type=int, default=52, help="weekly buckets (default 52)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-reference", action="store_true", help="skip the per-item reference loop")
    parser.add_argument(
        "--kernels", choices=("aot", "jit"), default="aot", help="ahead-of-time module (default, built first) or JIT"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.kernels == "aot" and (shutil.which("cc") or shutil.which("gcc")):
        aot.build()  # as make does; without a compiler the JIT plans, and the first line says so
    built_s = time.perf_counter() - started
    # as a build chooses: at the first plan (the JIT imports numba only then)
    kernels = compiled.using(compiled.jit) if args.kernels == "jit" else contextlib.nullcontext()
    fresh_process(args.kernels)  # a first run may compile the JIT's kernels
    pandas_s, planning_s, setup_s = fresh_process(args.kernels)
    print(
        f"kernels={'ahead-of-time' if args.kernels == 'aot' and compiled.module_path().is_file() else 'jit'}  "
        f"aot_build_s={built_s:.2f}  "
        f"pandas_import_s={pandas_s:.2f}  planning_import_s={planning_s:.2f}  kernel_setup_s={setup_s:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="erp-mrp-bench-") as tmp, kernels:
        os.environ.setdefault("ERP_HOME", str(Path(tmp) / "home"))
        for size in (int(s) for s in args.items.split(",")):
            row = run(size, args.depth, args.weeks, args.seed, not args.no_reference, Path(tmp))
            print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
