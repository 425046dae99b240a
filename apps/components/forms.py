"""One form for any master-data entity, drawn from the entity's fields.

The form only collects what was typed and hands it to the entity's create or update action; the service layer
validates it. A refusal (ServiceError) is shown under the field it names, and the widgets keep what was typed
so the user corrects rather than retypes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from erp import views
from erp.errors import ServiceError
from erp.fields import Bool, Choice, Date, Field, Ref
from erp.i18n import t
from erp.services.base import Session
from erp.services.records import EntityActions

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2999, 12, 31)


def _blank_label(value: str | None) -> str:
    return value if value else "—"


def field_widget(f: Field, key: str, value: Any, options: list[str] | None = None, *, disabled: bool = False) -> None:
    """Draw the widget that fits a field's type; its value is read back from ``st.session_state[key]``."""
    label = t(f.label)
    help_text = f.doc or None
    if isinstance(f, Bool):
        st.checkbox(
            label, value=bool(f.default if value is None else value), key=key, disabled=disabled, help=help_text
        )
    elif isinstance(f, Date):
        st.date_input(
            label,
            value=value,
            min_value=DATE_MIN,
            max_value=DATE_MAX,
            key=key,
            disabled=disabled,
            format="YYYY-MM-DD",
            help=help_text,
        )
    elif isinstance(f, Choice | Ref):
        choices = list(f.choices) if isinstance(f, Choice) else list(options or [])
        current = value if value not in (None, "") else f.default
        if current is not None and str(current) not in choices:
            choices.insert(0, str(current))
        if not f.required:
            choices.insert(0, "")
        index = choices.index(str(current)) if current is not None else (0 if not f.required else None)
        st.selectbox(
            label,
            choices,
            index=index,
            key=key,
            disabled=disabled,
            format_func=_blank_label,
            placeholder=t("Choose..."),
            help=help_text,
        )
    else:
        shown = value if value is not None else f.default  # a new record shows the defaults it will get
        text = "" if shown is None else f.format(shown)
        st.text_input(label, value=text, key=key, disabled=disabled, help=help_text)


def widget_value(f: Field, value: Any) -> Any:
    """A widget's value as raw service input: blanks as "", everything else as typed."""
    if value is None:
        return ""
    if isinstance(f, Bool | Date):
        return value
    return str(value)


def errors_by_field(exc: ServiceError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in exc.errors:
        out.setdefault(error.field, []).append(error.message)
    return out


def show_errors(messages: list[str]) -> None:
    for message in messages:
        st.error(message, icon=":material/error:")


def form_prefix(key: str, ident: str = "new") -> str:
    """Widget-key prefix of a form; it changes after each successful save, which empties the form."""
    return f"{key}:{st.session_state.get(f'{key}:generation', 0)}:{ident}"


def pending_errors(prefix: str) -> dict[str, list[str]]:
    """The field errors of the form's last refused submit, by field name ("" for the form as a whole)."""
    return st.session_state.get(f"{prefix}:errors", {})


def show_flash(key: str) -> None:
    message = st.session_state.pop(f"{key}:flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def run_action(key: str, prefix: str, call: Callable[[], object], success: str) -> bool:
    """Call a service action from a form's submit callback.

    A refusal is kept for the next draw, where each message appears under its field and the widgets still hold
    what was typed; success empties the form and leaves ``success`` to show above it.
    """
    try:
        call()
    except ServiceError as exc:
        st.session_state[f"{prefix}:errors"] = errors_by_field(exc)
        return False
    st.session_state.pop(f"{prefix}:errors", None)
    st.session_state[f"{key}:generation"] = st.session_state.get(f"{key}:generation", 0) + 1
    st.session_state[f"{key}:flash"] = success
    return True


def entity_form(
    actions: EntityActions,
    session: Session,
    *,
    key: str,
    record: Mapping[str, Any] | None = None,
    fixed: Mapping[str, str] | None = None,
    columns: int = 2,
) -> None:
    """A create form (``record`` None) or an edit form for one record (its key fields locked).

    ``fixed`` gives fields the page decides (e.g. the parent item of a BOM line); they are not drawn, and an
    error about one is shown at the top of the form with the field's name.
    """
    entity = actions.entity
    fixed = dict(fixed or {})
    prefix = form_prefix(key, "new" if record is None else entity.key_text(record))
    show_flash(key)
    with session.read() as conn:
        options = {f.name: views.codes(conn, f) for f in entity.fields if isinstance(f, Ref) and f.name not in fixed}
    errors = pending_errors(prefix)
    shown = [f for f in entity.fields if f.name not in fixed]
    with st.form(prefix):
        general = list(errors.get("", []))
        for name, messages in errors.items():
            if name and name not in {f.name for f in shown}:
                label = t(entity.field(name).label) if name in entity.fields.by_name else name
                general += [f"{label}: {m}" for m in messages]
        show_errors(general)
        for start in range(0, len(shown), columns):
            # One row of columns per line of fields, so an error under one field does not shift the others.
            for cell, f in zip(st.columns(columns), shown[start : start + columns], strict=False):
                with cell:
                    locked = record is not None and f.name in entity.key
                    value = record.get(f.name) if record is not None else None
                    field_widget(f, f"{prefix}:{f.name}", value, options.get(f.name), disabled=locked)
                    show_errors(errors.get(f.name, []))
        st.form_submit_button(
            t("Save") if record is not None else t("Create"),
            type="primary",
            on_click=_submit,
            args=(actions, session, key, prefix, record, fixed),
        )


def _submit(
    actions: EntityActions,
    session: Session,
    key: str,
    prefix: str,
    record: Mapping[str, Any] | None,
    fixed: Mapping[str, str],
) -> None:
    """Runs before the page is drawn again, so a refusal can be shown beside the fields it names."""
    entity = actions.entity
    raw = {
        f.name: widget_value(f, st.session_state.get(f"{prefix}:{f.name}"))
        for f in entity.fields
        if f.name not in fixed and not (record is not None and f.name in entity.key)
    }
    raw.update(fixed)
    if record is None:
        saved_key = entity.key_text(raw)
        run_action(key, prefix, lambda: actions.create(session, raw), t("Saved {key}.", key=saved_key))
    else:
        key_values = {k: record[k] for k in entity.key}
        saved_key = entity.key_text(key_values)
        run_action(key, prefix, lambda: actions.update(session, key_values, raw), t("Saved {key}.", key=saved_key))
