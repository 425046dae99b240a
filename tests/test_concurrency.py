"""Two processes writing at once: document numbers stay gapless and unique, and no write is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from erp import schema as s
from erp.services.base import Session

pytestmark = pytest.mark.portable

WORKER = textwrap.dedent(
    """
    import sys
    from erp.db import make_engine
    from erp.services.base import SYSTEM, Session, action
    from erp.services.partners import customer_actions

    @action("test.reserve_number", "data.import")
    def reserve(tx):
        number = tx.next_number("TST")
        tx.audit("test_document", number, None, {"worker": sys.argv[1]})
        return number

    session = Session(make_engine(), SYSTEM)
    for i in range(int(sys.argv[2])):
        reserve(session)
        customer_actions.create(session, {"code": f"C-{sys.argv[1]}-{i}", "name": f"客户 {i}"})
    """
)


def test_two_processes_number_without_gaps_or_duplicates(system: Session, erp_home: Path) -> None:
    per_worker = 60
    env = {**os.environ, "ERP_HOME": str(erp_home)}
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, name, str(per_worker)], env=env, stderr=subprocess.PIPE)
        for name in ("a", "b")
    ]
    for w in workers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()
    with system.read() as conn:
        numbers = list(
            conn.execute(select(s.audit_log.c.entity_key).where(s.audit_log.c.entity == "test_document")).scalars()
        )
        customers = conn.execute(select(s.customer.c.code)).scalars().all()
    assert sorted(numbers) == [f"TST-{n:06d}" for n in range(1, 2 * per_worker + 1)]
    assert len(customers) == 2 * per_worker
