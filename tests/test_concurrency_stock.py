"""Two processes at once: two clerks shipping the last units cannot both succeed; order numbers stay gapless."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from erp import schema as s
from erp.services import inventory, ledger, sales
from erp.services.base import Session

# Each worker waits for the same start time, then tries to ship a whole order of the last pumps.
SHIP_WORKER = textwrap.dedent(
    """
    import sys, time
    from erp.db import make_engine
    from erp.errors import ServiceError
    from erp.services.base import SYSTEM, Session
    from erp.services.sales import ship_order

    session = Session(make_engine(), SYSTEM)
    order, start = sys.argv[1], float(sys.argv[2])
    time.sleep(max(0.0, start - time.time()))
    try:
        ship_order(session, {"order": order, "ship_date": "2026-03-06", "location": "FG"})
        print("shipped")
    except ServiceError as exc:
        print("refused", exc.code, exc)
    """
)

ORDER_WORKER = textwrap.dedent(
    """
    import sys
    from erp.db import make_engine
    from erp.services.base import SYSTEM, Session
    from erp.services.sales import create_sales_order

    session = Session(make_engine(), SYSTEM)
    for _ in range(int(sys.argv[1])):
        create_sales_order(session, {"customer": "C-1001", "order_date": "2026-03-05", "promised_date": "2026-03-20",
                                     "lines": [{"item": "RM-SEAL", "quantity": "1", "unit_price": "40"}]})
    """
)


def _run(script: str, *args: str, erp_home: Path) -> list[subprocess.Popen]:
    env = {**os.environ, "ERP_HOME": str(erp_home)}
    return [
        subprocess.Popen(
            [sys.executable, "-c", script, *a], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for a in args
    ]


def _wait(workers: list[subprocess.Popen]) -> list[str]:
    out = []
    for w in workers:
        stdout, stderr = w.communicate(timeout=120)
        assert w.returncode == 0, stderr
        out.append(stdout.strip())
    return out


@pytest.mark.portable
def test_two_clerks_cannot_both_ship_the_last_units(backend: str, sample: Session, erp_home: Path) -> None:
    inventory.receive_stock(
        sample, {"move_date": "2026-03-01", "location": "FG", "lines": [{"item": "FG-PUMP-100", "quantity": "5"}]}
    )
    line = [{"item": "FG-PUMP-100", "quantity": "5", "unit_price": "2000"}]
    orders = [
        sales.create_sales_order(
            sample, {"customer": c, "order_date": "2026-03-05", "promised_date": "2026-03-20", "lines": line}
        )["number"]
        for c in ("C-1001", "C-1002")
    ]
    start = str(time.time() + 2.0)  # both processes are up and connected by then
    results = _wait(_run(SHIP_WORKER, (orders[0], start), (orders[1], start), erp_home=erp_home))
    assert sorted(r.split()[0] for r in results) == ["refused", "shipped"], results
    assert any("only 0 of FG-PUMP-100 on hand at FG; 5 needed" in r for r in results), results
    with sample.read() as conn:
        assert inventory.on_hand(conn, "FG-PUMP-100") == 0
        assert inventory.balance_mismatches(conn) == []
        assert ledger.unbalanced_entries(conn) == []
        assert conn.execute(select(s.shipment.c.number)).scalars().all() == ["SHP-000001"]
        statuses = sorted(conn.execute(select(s.sales_order.c.status)).scalars())
    assert statuses == ["open", "shipped"]


def test_two_processes_number_orders_without_gaps(sample: Session, erp_home: Path) -> None:
    per_worker = 40
    _wait(_run(ORDER_WORKER, (str(per_worker),), (str(per_worker),), erp_home=erp_home))
    with sample.read() as conn:
        numbers = sorted(conn.execute(select(s.sales_order.c.number)).scalars())
        lines = conn.execute(select(s.sales_order_line.c.id)).scalars().all()
        audited = (
            conn.execute(select(s.audit_log.c.entity_key).where(s.audit_log.c.entity == "sales_order")).scalars().all()
        )
    assert numbers == [f"SO-{n:06d}" for n in range(1, 2 * per_worker + 1)]
    assert len(lines) == 2 * per_worker and sorted(audited) == numbers
