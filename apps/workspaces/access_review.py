"""Access review: who can do what (each user's roles and effective permissions, each permission's holders) and
the segregation-of-duties conflicts, by user and by role."""

from __future__ import annotations

import streamlit as st
from components.documents import download, table
from components.navigation import page_session

from erp.fields import N_
from erp.i18n import t
from erp.permissions import PERMISSIONS
from erp.services.access import access_review

USER_LABELS = {
    "username": N_("User"),
    "display_name": N_("Name"),
    "active": N_("Active"),
    "roles": N_("Roles"),
    "conflicts": N_("Conflicts"),
    "permissions": N_("Permissions"),
}
CONFLICT_LABELS = {
    "username": N_("User"),
    "rule": N_("Rule"),
    "description": N_("Description"),
    "roles": N_("From roles"),
}
ROLE_LABELS = {"role": N_("Role"), "rule": N_("Rule")}
HOLDER_LABELS = {"permission": N_("Permission"), "meaning": N_("What it allows"), "holders": N_("Held by")}

session = page_session(__file__)
include_inactive = st.checkbox(t("Include disabled users"), key="access:inactive")
review = access_review(session, include_inactive=include_inactive)


def joined(row: dict) -> dict:
    return {k: ", ".join(v) if isinstance(v, list) else v for k, v in row.items()}


conflicts, users, holders = st.tabs([t("Conflicts"), t("Users"), t("Permissions")])
with conflicts:
    if review["conflicts"]:
        st.warning(t("{n} segregation-of-duties conflicts.", n=len(review["conflicts"])))
    else:
        st.success(t("No user holds both sides of a segregation-of-duties rule."))
    rows = [joined(c) for c in review["conflicts"]]
    table(rows, CONFLICT_LABELS)
    download(rows, CONFLICT_LABELS, session=session, key="access:conflicts", name="sod_conflicts")
    if review["role_conflicts"]:
        st.markdown(f"**{t('Roles that break a rule on their own')}**")
        table(review["role_conflicts"], ROLE_LABELS)
with users:
    rows = [joined(u) for u in review["users"]]
    table(rows, USER_LABELS)
    download(rows, USER_LABELS, session=session, key="access:users", name="user_access")
with holders:
    rows = [
        {"permission": p, "meaning": t(PERMISSIONS[p]), "holders": ", ".join(names)}
        for p, names in review["by_permission"].items()
    ]
    table(rows, HOLDER_LABELS)
