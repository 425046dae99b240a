"""Users, their roles, and signing in."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import N_, Choice, FieldSet, Ref, Text
from erp.i18n import normalize_language, t
from erp.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from erp.permissions import PERMISSIONS
from erp.services.base import Actor, Tx, action, fetch_one
from erp.services.records import Entity, EntityActions

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,80}$")

ROLES = Entity(
    name="roles",
    label=N_("Roles"),
    table=s.role,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Role code"), required=True, max_length=40),
            Text("name", N_("Name"), required=True),
            Text("name_en", N_("English name")),
        )
    ),
    permission="users.manage",
    audit_name="role",
)

ROLE_PERMISSIONS = Entity(
    name="role_permissions",
    label=N_("Role permissions"),
    table=s.role_permission,
    key=("role", "permission"),
    fields=FieldSet(
        (
            Ref("role", N_("Role code"), required=True, column="role_id", table=s.role),
            Choice("permission", N_("Permission"), required=True, choices=("*", *PERMISSIONS), case_insensitive=False),
        )
    ),
    permission="users.manage",
    audit_name="role_permission",
)

role_actions = EntityActions(ROLES)
role_permission_actions = EntityActions(ROLE_PERMISSIONS)


def _check_password(password: str) -> list[FieldError]:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return [FieldError("password", t("must be at least {n} characters", n=MIN_PASSWORD_LENGTH))]
    return []


def _check_roles(conn: Connection, roles: list[str]) -> list[FieldError]:
    if not roles:
        return [FieldError("roles", t("at least one role is required"))]
    known = set(conn.execute(select(s.role.c.code)).scalars())
    unknown = sorted(set(roles) - known)
    if unknown:
        return [FieldError("roles", t("unknown roles: {roles}", roles=", ".join(unknown)))]
    return []


def roles_of(conn: Connection, user_id: int) -> list[str]:
    query = (
        select(s.role.c.code)
        .join(s.user_role, s.user_role.c.role_id == s.role.c.id)
        .where(s.user_role.c.user_id == user_id)
    )
    return sorted(conn.execute(query).scalars())


def _grant_roles(conn: Connection, user_id: int, roles: list[str]) -> None:
    ids = dict(conn.execute(select(s.role.c.code, s.role.c.id).where(s.role.c.code.in_(set(roles)))).all())
    conn.execute(insert(s.user_role), [{"user_id": user_id, "role_id": ids[r]} for r in sorted(set(roles))])


def _user_snapshot(conn: Connection, user_id: int) -> dict[str, Any]:
    row = fetch_one(conn, s.app_user, id=user_id)
    assert row is not None
    row.pop("password_hash")
    row["roles"] = roles_of(conn, user_id)
    return row


@action("user.create", "users.manage")
def create_user(
    tx: Tx, username: str, password: str, roles: list[str], display_name: str = "", language: str = "zh_CN"
) -> dict[str, Any]:
    username = (username or "").strip()
    errors = []
    if not USERNAME_RE.match(username):
        errors.append(FieldError("username", t("must be 2-80 letters, digits or . _ @ -")))
    elif fetch_one(tx.conn, s.app_user, username=username) is not None:
        errors.append(FieldError("username", t("{key} already exists", key=username)))
    errors += _check_password(password) + _check_roles(tx.conn, roles)
    if errors:
        raise ServiceError(errors)
    user_id = tx.conn.execute(
        insert(s.app_user).values(
            username=username,
            display_name=(display_name or username).strip(),
            password_hash=hash_password(password),
            language=normalize_language(language),
            active=True,
            created_at=tx.now,
        )
    ).inserted_primary_key[0]
    _grant_roles(tx.conn, user_id, roles)
    after = _user_snapshot(tx.conn, user_id)
    tx.audit("app_user", username, None, after)
    return after


def _require_user(tx: Tx, username: str) -> dict[str, Any]:
    row = fetch_one(tx.conn, s.app_user, username=username)
    if row is None:
        raise ServiceError(FieldError("username", t("{key} does not exist", key=username)), code="not_found")
    return row


@action("user.set_roles", "users.manage")
def set_roles(tx: Tx, username: str, roles: list[str]) -> dict[str, Any]:
    user = _require_user(tx, username)
    errors = _check_roles(tx.conn, roles)
    if errors:
        raise ServiceError(errors)
    before = _user_snapshot(tx.conn, user["id"])
    tx.conn.execute(delete(s.user_role).where(s.user_role.c.user_id == user["id"]))
    _grant_roles(tx.conn, user["id"], roles)
    after = _user_snapshot(tx.conn, user["id"])
    tx.audit("app_user", username, before, after)
    return after


@action("user.set_active", "users.manage")
def set_active(tx: Tx, username: str, active: bool) -> dict[str, Any]:
    user = _require_user(tx, username)
    if not active and user["id"] == tx.actor.user_id:
        raise ServiceError(FieldError("username", t("you cannot disable your own account")))
    before = _user_snapshot(tx.conn, user["id"])
    tx.conn.execute(update(s.app_user).where(s.app_user.c.id == user["id"]).values(active=bool(active)))
    after = _user_snapshot(tx.conn, user["id"])
    tx.audit("app_user", username, before, after)
    return after


@action("user.reset_password", "users.manage")
def reset_password(tx: Tx, username: str, password: str) -> None:
    user = _require_user(tx, username)
    errors = _check_password(password)
    if errors:
        raise ServiceError(errors)
    tx.conn.execute(
        update(s.app_user).where(s.app_user.c.id == user["id"]).values(password_hash=hash_password(password))
    )
    tx.audit("app_user", username, None, {"password": "changed"})


def list_users(conn: Connection) -> list[dict[str, Any]]:
    users = conn.execute(select(s.app_user).order_by(s.app_user.c.username)).mappings().all()
    roles: dict[int, list[str]] = {}
    query = select(s.user_role.c.user_id, s.role.c.code).join(s.role, s.role.c.id == s.user_role.c.role_id)
    for user_id, role_code in conn.execute(query):
        roles.setdefault(user_id, []).append(role_code)
    return [
        {
            "username": u["username"],
            "display_name": u["display_name"],
            "roles": ", ".join(sorted(roles.get(u["id"], []))),
            "language": u["language"],
            "active": u["active"],
            "created_at": u["created_at"],
        }
        for u in users
    ]


def actor_for(conn: Connection, user: dict[str, Any]) -> Actor:
    roles = frozenset(roles_of(conn, user["id"]))
    query = (
        select(s.role_permission.c.permission)
        .join(s.user_role, s.user_role.c.role_id == s.role_permission.c.role_id)
        .where(s.user_role.c.user_id == user["id"])
    )
    permissions = frozenset(conn.execute(query).scalars())
    return Actor(
        user_id=user["id"],
        username=user["username"],
        roles=roles,
        permissions=permissions,
        language=user["language"],
    )


def authenticate(conn: Connection, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password of an active user, else None (no hint which was wrong)."""
    user = fetch_one(conn, s.app_user, username=(username or "").strip())
    if user is None:
        verify_password(hash_password("timing"), password or "")  # same cost as a real check
        return None
    if not user["active"] or not verify_password(user["password_hash"], password or ""):
        return None
    return actor_for(conn, user)
