"""A searchable, filterable, paged list of any master-data entity with a CSV download of what it matches."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from erp import views
from erp.fields import Bool
from erp.i18n import t
from erp.services.base import Session
from erp.services.records import Entity

PAGE_SIZES = (25, 50, 100)


def _filter_box(entity: Entity, name: str, key: str, options: list[str]) -> Any:
    f = entity.field(name)
    label = t(f.label)
    if isinstance(f, Bool):
        names = {"": t("All"), "yes": t("Yes"), "no": t("No")}
        choice = st.selectbox(label, tuple(names), key=key, format_func=names.__getitem__)
        return {"": None, "yes": True, "no": False}[choice]
    return st.selectbox(label, ["", *options], key=key, format_func=all_or_value())


def record_list(
    entity: Entity,
    session: Session,
    *,
    key: str,
    filter_fields: Sequence[str] = (),
    fixed: Mapping[str, Any] | None = None,
    download: bool = True,
) -> views.RecordPage:
    """Draw the list and return the page shown (so a page can offer its rows for editing).

    ``filter_fields`` get a filter box each (choices, yes/no, or the codes of a reference); ``fixed`` filters
    the page always applies (e.g. the routing steps of one item).
    """
    boxes = st.columns([3, *([2] * len(filter_fields))]) if filter_fields else [st.container()]
    with boxes[0]:
        search = st.text_input(t("Search"), key=f"{key}:search", placeholder=t("Code, name or any text"))
    filters: dict[str, Any] = dict(fixed or {})
    with session.read() as conn:
        options = {
            n: views.filter_options(conn, entity, n) for n in filter_fields if not isinstance(entity.field(n), Bool)
        }
    for box, name in zip(boxes[1:], filter_fields, strict=True):
        with box:
            filters[name] = _filter_box(entity, name, f"{key}:filter:{name}", options.get(name, []))
    size_box, page_box, info_box = st.columns([1, 1, 3])
    with size_box:
        page_size = st.selectbox(t("Rows per page"), PAGE_SIZES, key=f"{key}:size")
    with session.read() as conn:
        total = views.list_records(conn, entity, search=search, filters=filters, page_size=1).total
        pages = max(1, -(-total // page_size))
        page_key = f"{key}:page"
        if st.session_state.get(page_key, 1) > pages:
            st.session_state[page_key] = pages  # the filter shrank the list below the page shown
        with page_box:
            page = st.number_input(t("Page"), min_value=1, max_value=pages, step=1, key=page_key)
        shown = views.list_records(conn, entity, search=search, filters=filters, page=int(page), page_size=page_size)
    with info_box:
        st.caption(t("{total} records, page {page} of {pages}", total=shown.total, page=shown.page, pages=shown.pages))
    headers = {f.name: t(f.label) for f in entity.fields}
    st.dataframe(
        [{headers[k]: v for k, v in row.items()} for row in shown.rows],
        hide_index=True,
        key=f"{key}:table",
    )
    if download and session.actor.can("data.export"):
        with session.read() as conn:
            everything = views.list_records(conn, entity, search=search, filters=filters, page_size=None)
        st.download_button(
            t("Download CSV"),
            data=views.csv_bytes([f.name for f in entity.fields], everything.rows),
            file_name=f"{entity.name}.csv",
            mime="text/csv",
            key=f"{key}:download",
            on_click="ignore",
            icon=":material/download:",
        )
    return shown


def all_or_value(names: Mapping[str, str] | None = None) -> Callable[[str], str]:
    """A select box's labels where "" means no filter and the other options are shown by ``names`` (else as they
    are); the labels are fixed now, in the page's language, because Streamlit may format options again after the
    page ran (AppTest does)."""
    all_label = t("All")
    fixed = dict(names or {})
    return lambda value: fixed.get(value, value) if value else all_label
