"""Users for service tests, made without hashing a password (these tests act as users; they never sign in)."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select

from erp import schema as s
from erp.services.base import Session, fetch_one, utcnow
from erp.services.users import actor_for


def quick_user(engine: Engine, username: str, *roles: str) -> Session:
    """A session acting as a new user with the given roles."""
    with engine.begin() as conn:
        user_id = conn.execute(
            insert(s.app_user).values(username=username, display_name=username, password_hash="!", created_at=utcnow())
        ).inserted_primary_key[0]
        role_ids = conn.execute(select(s.role.c.id).where(s.role.c.code.in_(roles))).scalars().all()
        assert len(role_ids) == len(roles), f"unknown role in {roles}"
        conn.execute(insert(s.user_role), [{"user_id": user_id, "role_id": r} for r in role_ids])
        user = fetch_one(conn, s.app_user, id=user_id)
        assert user is not None
        actor = actor_for(conn, user)
    return Session(engine, actor)
