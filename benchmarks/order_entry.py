"""Order-entry throughput: sales orders of 5 lines through the service layer on the default SQLite store.

Each order is a full business action: permission check, field validation, price lookup from the price list,
credit-limit check against open invoices and orders, a gapless number, the header and lines, and the audit
record, in its own transaction. Runs from one process, then from two at once, and checks that no number is
lost or duplicated.

    .venv/bin/python benchmarks/order_entry.py [--orders 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ITEMS = ("RM-STATOR", "RM-ROTOR", "RM-BEARING", "RM-SEAL", "RM-BOLT-M8")


def _order(i: int) -> dict:
    return {
        "customer": "C-1001",
        "order_date": "2026-03-05",
        "promised_date": "2026-03-20",
        "reference": f"PO-{i}",
        "lines": [
            {"item": code, "quantity": str(1 + (i + n) % 7), "discount_pct": "2"} for n, code in enumerate(ITEMS)
        ],
    }


def setup_store(home: Path) -> None:
    os.environ["ERP_HOME"] = str(home)
    os.environ.pop("ERP_DATABASE_URL", None)
    from erp.config import PROJECT_ROOT
    from erp.db import make_engine
    from erp.io.transfer import import_dir
    from erp.services.base import SYSTEM, Session
    from erp.services.partners import customer_actions
    from erp.services.sales import save_price_list
    from erp.store import seed_reference_data, upgrade

    engine = make_engine()
    upgrade(engine)
    seed_reference_data(engine, "Benchmark Co.", [2026])
    session = Session(engine, SYSTEM)
    import_dir(session, PROJECT_ROOT / "seeds" / "sample")
    customer_actions.update(session, {"code": "C-1001"}, {"credit_limit": "1000000000"})
    save_price_list(
        session,
        {
            "code": "STD",
            "name": "Standard",
            "lines": [{"item": c, "unit_price": str(10 + n)} for n, c in enumerate(ITEMS)],
        },
    )
    engine.dispose()


def run_orders(count: int, offset: int) -> list[float]:
    """Post ``count`` orders and return each one's latency in seconds."""
    from erp.db import make_engine
    from erp.services.base import SYSTEM, Session
    from erp.services.sales import create_sales_order

    session = Session(make_engine(), SYSTEM)
    create_sales_order(session, _order(offset))  # warm-up: imports, statement caches, connection pool
    latencies = []
    for i in range(1, count):
        started = time.perf_counter()
        create_sales_order(session, _order(offset + i))
        latencies.append(time.perf_counter() - started)
    return latencies


def _report(label: str, orders: int, seconds: float, latencies: list[float]) -> None:
    latencies = sorted(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{label}: {orders} orders in {seconds:.2f} s = {orders / seconds:.0f} orders/s; "
        f"latency median {statistics.median(latencies) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"
    )


def _load(when: str) -> None:
    """Other jobs on the machine slow the wall clock (not the CPU per order): say how busy it was."""
    one, five, _ = os.getloadavg()
    print(f"load average {when}: {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores")


def check_numbers(expected: int) -> None:
    from sqlalchemy import func, select

    from erp import schema as s
    from erp.db import make_engine

    with make_engine().connect() as conn:
        numbers = sorted(conn.execute(select(s.sales_order.c.number)).scalars())
        lines = conn.execute(select(func.count()).select_from(s.sales_order_line)).scalar()
        audited = conn.execute(
            select(func.count()).select_from(s.audit_log).where(s.audit_log.c.entity == "sales_order")
        ).scalar()
    wanted = [f"SO-{n:06d}" for n in range(1, expected + 1)]
    ok = numbers == wanted and lines == 5 * expected and audited == expected
    print(f"numbers: {len(numbers)} orders, {lines} lines, {audited} audited; gapless and unique: {ok}")
    if not ok:
        raise SystemExit("lost or duplicated documents")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=2000, help="orders per run (per process in the 2-process run)")
    parser.add_argument("--worker", nargs=2, type=int, metavar=("COUNT", "OFFSET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        started, cpu = time.perf_counter(), time.process_time()
        latencies = run_orders(*args.worker)
        elapsed = time.perf_counter() - started
        print(elapsed, time.process_time() - cpu, *latencies)
        return

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "one"
        setup_store(home)
        _load("before 1 process")
        started, cpu = time.perf_counter(), time.process_time()
        latencies = run_orders(args.orders, 0)
        _report("1 process ", args.orders - 1, time.perf_counter() - started, latencies)
        cpu_ms = (time.process_time() - cpu) / args.orders * 1000
        print(f"1 process : {cpu_ms:.2f} ms of CPU per order = {1000 / cpu_ms:.0f} orders/s on an otherwise idle core")
        check_numbers(args.orders)

        home = Path(tmp) / "two"
        setup_store(home)
        _load("before 2 processes")
        env = {**os.environ, "ERP_HOME": str(home)}
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", str(args.orders), str(k * args.orders)],
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for k in range(2)
        ]
        outputs = [w.communicate()[0].split() for w in workers]
        wall = time.perf_counter() - started
        if any(w.returncode for w in workers):
            raise SystemExit("a worker failed")
        latencies = [float(x) for out in outputs for x in out[2:]]
        busy = max(float(out[0]) for out in outputs)  # from each worker's first order, without start-up
        _report("2 processes", len(latencies), busy, latencies)
        cpu_ms = sum(float(out[1]) for out in outputs) / (2 * args.orders) * 1000
        print(f"2 processes: {cpu_ms:.2f} ms of CPU per order; wall clock including interpreter start-up {wall:.2f} s")
        check_numbers(2 * args.orders)
        _load("after")


if __name__ == "__main__":
    main()
