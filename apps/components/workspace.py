"""The standard workspace of a master-data entity: its list, a form for a new record and one to edit a record."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from erp import views
from erp.i18n import t
from erp.services.base import Session
from erp.services.records import EntityActions

from .forms import entity_form
from .listing import record_list


def choose_record(actions: EntityActions, session: Session, *, key: str, label: str | None = None) -> str | None:
    """A box to pick one record by its code."""
    entity = actions.entity
    with session.read() as conn:
        codes = views.key_codes(conn, entity)
    return st.selectbox(
        label or t(entity.field(entity.key[0]).label),
        codes,
        index=None,
        key=f"{key}:choice",
        placeholder=t("Choose..."),
    )


def edit_record(actions: EntityActions, session: Session, *, key: str) -> None:
    code = choose_record(actions, session, key=key)
    if code is None:
        st.info(t("Choose a record to edit it."))
        return
    with session.read() as conn:
        record = views.record_values(conn, actions.entity, {actions.entity.key[0]: code})
    if record is None:
        st.warning(t("{key} does not exist", key=code))
        return
    entity_form(actions, session, key=f"{key}:form", record=record)


def master_data_workspace(
    actions: EntityActions, session: Session, *, key: str, filter_fields: Sequence[str] = ()
) -> None:
    """List, create and edit tabs for an entity with a one-field natural key."""
    listing, create, edit = st.tabs([t("List"), t("New"), t("Edit")])
    with listing:
        record_list(actions.entity, session, key=f"{key}:list", filter_fields=filter_fields)
    with create:
        entity_form(actions, session, key=f"{key}:new")
    with edit:
        edit_record(actions, session, key=f"{key}:edit")
