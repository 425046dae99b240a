"""Users and roles: who may sign in and what each role may do. Every change goes through erp.services.users."""

from __future__ import annotations

import streamlit as st
from components.forms import form_prefix, pending_errors, run_action, show_errors, show_flash
from components.listing import record_list
from components.navigation import page_session

from erp import views
from erp.i18n import LANGUAGES, t
from erp.permissions import PERMISSIONS
from erp.services import users
from erp.services.base import Session

session = page_session(__file__)
with session.read() as conn:
    user_rows = users.list_users(conn)
    roles = views.role_codes(conn)
    names = views.usernames(conn)


def add_user(session: Session, prefix: str) -> None:
    state = st.session_state
    run_action(
        "users:add",
        prefix,
        lambda: users.create_user(
            session,
            state[f"{prefix}:username"],
            state[f"{prefix}:password"],
            list(state[f"{prefix}:roles"]),
            display_name=state[f"{prefix}:display_name"],
            language=state[f"{prefix}:language"],
        ),
        t("Created the user {user}.", user=state[f"{prefix}:username"].strip()),
    )


def set_roles(session: Session, username: str, prefix: str) -> None:
    roles_chosen = list(st.session_state[f"{prefix}:roles"])
    run_action(
        f"users:roles:{username}",
        prefix,
        lambda: users.set_roles(session, username, roles_chosen),
        t("Saved the roles of {user}.", user=username),
    )


def set_active(session: Session, username: str, prefix: str, active: bool) -> None:
    state = t("active") if active else t("disabled")
    run_action(
        f"users:active:{username}",
        prefix,
        lambda: users.set_active(session, username, active),
        t("{user} is now {state}.", user=username, state=state),
    )


def reset_password(session: Session, username: str, prefix: str) -> None:
    password = st.session_state[f"{prefix}:password"]
    run_action(
        f"users:password:{username}",
        prefix,
        lambda: users.reset_password(session, username, password),
        t("Changed the password of {user}.", user=username),
    )


listing, add, change, role_tab = st.tabs([t("Users"), t("Add user"), t("Change user"), t("Roles")])

with listing:
    st.dataframe(
        [
            {
                t("User name"): u["username"],
                t("Name"): u["display_name"],
                t("Roles"): u["roles"],
                t("Language"): u["language"],
                t("Active"): bool(u["active"]),
                t("Created"): u["created_at"],
            }
            for u in user_rows
        ],
        hide_index=True,
    )

with add:
    show_flash("users:add")
    prefix = form_prefix("users:add")
    errors = pending_errors(prefix)
    with st.form(prefix):
        show_errors(errors.get("", []))
        left, right = st.columns(2)
        with left:
            st.text_input(t("User name"), key=f"{prefix}:username")
            show_errors(errors.get("username", []))
            st.text_input(t("Name"), key=f"{prefix}:display_name")
            st.selectbox(t("Language"), LANGUAGES, key=f"{prefix}:language")
        with right:
            st.text_input(t("Password"), type="password", key=f"{prefix}:password")
            show_errors(errors.get("password", []))
            st.multiselect(t("Roles"), roles, key=f"{prefix}:roles")
            show_errors(errors.get("roles", []))
        st.form_submit_button(t("Create"), type="primary", on_click=add_user, args=(session, prefix))

with change:
    username = st.selectbox(t("User name"), names, index=None, key="users:change:who", placeholder=t("Choose..."))
    if username is None:
        st.info(t("Choose a user to change their roles, disable them or reset their password."))
    else:
        current = next(u for u in user_rows if u["username"] == username)
        active = bool(current["active"])
        st.write(t("{user} is {state}.", user=username, state=t("active") if active else t("disabled")))
        key = f"users:active:{username}"
        show_flash(key)
        prefix = form_prefix(key)
        show_errors([m for messages in pending_errors(prefix).values() for m in messages])
        st.button(
            t("Enable") if not active else t("Disable"),
            key=f"{prefix}:toggle",
            on_click=set_active,
            args=(session, username, prefix, not active),
        )

        key = f"users:roles:{username}"
        show_flash(key)
        prefix = form_prefix(key)
        errors = pending_errors(prefix)
        with st.form(prefix):
            held = [r for r in current["roles"].split(", ") if r]
            st.multiselect(t("Roles"), roles, default=held, key=f"{prefix}:roles")
            show_errors(errors.get("roles", []) + errors.get("", []) + errors.get("username", []))
            st.form_submit_button(t("Save roles"), on_click=set_roles, args=(session, username, prefix))

        key = f"users:password:{username}"
        show_flash(key)
        prefix = form_prefix(key)
        errors = pending_errors(prefix)
        with st.form(prefix):
            st.text_input(t("New password"), type="password", key=f"{prefix}:password")
            show_errors(errors.get("password", []) + errors.get("", []) + errors.get("username", []))
            st.form_submit_button(t("Reset password"), on_click=reset_password, args=(session, username, prefix))

with role_tab:
    record_list(users.ROLES, session, key="users:roles:list")
    st.subheader(t("Permissions of each role"))
    record_list(users.ROLE_PERMISSIONS, session, key="users:grants:list", filter_fields=("role", "permission"))
    st.subheader(t("What each permission allows"))
    st.dataframe([{t("Permission"): code, t("Allows"): t(text)} for code, text in PERMISSIONS.items()], hide_index=True)
