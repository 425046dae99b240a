"""Access review: who can do what, and which users could break a segregation-of-duties rule.

The rules are data (``sod_rule``, seeded from seeds/sod_rules.csv): pairs of permissions no single user should
hold, such as creating and approving purchase orders. Some documents also refuse the conflict per document
(nobody approves their own order); the review still lists such users, because the control then rests on that
check alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from erp import schema as s
from erp.errors import FieldError
from erp.fields import N_, Choice, FieldSet, Text
from erp.i18n import t
from erp.permissions import PERMISSIONS
from erp.services.base import Session
from erp.services.records import Entity, EntityActions

REVIEW = "access.review"

SOD_RULES = Entity(
    name="sod_rules",
    label=N_("Segregation-of-duties rules"),
    table=s.sod_rule,
    key=("code",),
    fields=FieldSet(
        (
            Text("code", N_("Code"), required=True, max_length=40),
            Choice("permission_a", N_("Permission"), required=True, choices=tuple(PERMISSIONS), case_insensitive=False),
            Choice(
                "permission_b",
                N_("Conflicting permission"),
                required=True,
                choices=tuple(PERMISSIONS),
                case_insensitive=False,
            ),
            Text("description", N_("Why the two must be separated"), required=True, max_length=400),
        )
    ),
    permission="users.manage",
    audit_name="sod_rule",
    check=lambda tx, v, before: (
        [FieldError("permission_b", t("must differ from the first permission"))]
        if v["permission_a"] == v["permission_b"]
        else []
    ),
)
sod_rule_actions = EntityActions(SOD_RULES)


def access_review(session: Session, include_inactive: bool = False) -> dict[str, Any]:
    """Per user: roles, effective permissions (``*`` expanded) and the SoD rules they could break; per
    permission: who holds it; and the rules broken by a single role on its own."""
    session.require(REVIEW)
    u, ur, r, rp = s.app_user, s.user_role, s.role, s.role_permission
    with session.read() as conn:
        users = conn.execute(select(u.c.id, u.c.username, u.c.display_name, u.c.active).order_by(u.c.username)).all()
        roles_of: dict[int, list[str]] = {}
        for user_id, code in conn.execute(select(ur.c.user_id, r.c.code).join(r, r.c.id == ur.c.role_id)):
            roles_of.setdefault(user_id, []).append(code)
        grants: dict[str, set[str]] = {}
        for code, permission in conn.execute(select(r.c.code, rp.c.permission).join(rp, rp.c.role_id == r.c.id)):
            grants.setdefault(code, set()).add(permission)
        rules = conn.execute(select(s.sod_rule).order_by(s.sod_rule.c.code)).mappings().all()

    def expand(held: set[str]) -> set[str]:
        return set(PERMISSIONS) if "*" in held else held & set(PERMISSIONS)

    def broken(held: set[str]) -> list[str]:
        return [rule["code"] for rule in rules if rule["permission_a"] in held and rule["permission_b"] in held]

    people = []
    holders: dict[str, list[str]] = {p: [] for p in PERMISSIONS}
    conflicts = []
    for user in users:
        if not user.active and not include_inactive:
            continue
        roles = sorted(roles_of.get(user.id, []))
        held = expand(set().union(*(grants.get(code, set()) for code in roles)) if roles else set())
        for permission in held:
            holders[permission].append(user.username)
        codes = broken(held)
        for code in codes:
            rule = next(x for x in rules if x["code"] == code)
            sources = sorted(
                {
                    role
                    for role in roles
                    if expand(grants.get(role, set())) & {rule["permission_a"], rule["permission_b"]}
                }
            )
            conflicts.append(
                {"username": user.username, "rule": code, "description": rule["description"], "roles": sources}
            )
        people.append(
            {
                "username": user.username,
                "display_name": user.display_name,
                "active": user.active,
                "roles": roles,
                "permissions": sorted(held),
                "conflicts": codes,
            }
        )
    role_conflicts = [
        {"role": code, "rule": rule_code} for code, held in sorted(grants.items()) for rule_code in broken(expand(held))
    ]
    return {
        "users": people,
        "by_permission": {p: sorted(names) for p, names in holders.items()},
        "conflicts": conflicts,
        "role_conflicts": role_conflicts,
    }
