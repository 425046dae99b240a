"""Sessions of the demo users inside the demo's one transaction, so each document is made by the role that
would make it in the company (sales enters orders, the warehouse ships, finance invoices, the executive
approves what purchasing ordered) and every permission and segregation-of-duties rule is checked as for
real users.
"""

from __future__ import annotations

from sqlalchemy import select

from erp import schema as s
from erp.services.base import Session, Tx
from erp.services.users import actor_for


class DemoSessions:
    """One :class:`Session` per demo user, all joined to the open transaction ``tx``."""

    def __init__(self, session: Session, tx: Tx) -> None:
        self.engine = session.engine
        self.tx = tx
        self._sessions: dict[str, Session] = {}

    def __getitem__(self, username: str) -> Session:
        if username not in self._sessions:
            user = self.tx.conn.execute(select(s.app_user).where(s.app_user.c.username == username)).mappings().one()
            actor = actor_for(self.tx.conn, dict(user))
            joined = Session(self.engine, actor)
            # The session's actions run as savepoints of the demo's transaction (Session.transaction nests
            # whenever a transaction is open), with this user as the actor of the audit trail.
            joined._tx = Tx(conn=self.tx.conn, actor=actor, now=self.tx.now)
            self._sessions[username] = joined
        return self._sessions[username]
