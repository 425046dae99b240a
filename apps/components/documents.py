"""Document screens: a filtered, paged list of any kind of document, the view of one document (header, lines,
ledger postings, audit trail) and the form that enters a document with its lines.

The form follows apps/components/forms.py: it only collects what was typed and hands it to a service action,
which validates it. A refusal is shown beside the field it names (a line's error under the lines, saying which
line), and the widgets and the lines grid keep what was typed, so the user corrects rather than retypes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from erp import views
from erp.errors import ServiceError
from erp.fields import N_, Bool, Date, Dec, Field, FieldSet, Int, Ref
from erp.i18n import t
from erp.read.documents import (
    AUDIT_LABELS,
    POSTING_LABELS,
    Document,
    DocumentKind,
    ListFilter,
    csv_rows,
    list_documents,
    open_document,
)
from erp.services.base import Session
from erp.statuses import STATUS_COLUMNS, STATUS_LABELS, status_label

from .forms import errors_by_field, field_widget, form_prefix, pending_errors, show_errors, show_flash, widget_value
from .listing import PAGE_SIZES, all_or_value

LINE_ERROR = "lines["


# --- tables -------------------------------------------------------------------------------------------------


def _shown(value: Any) -> Any:
    """A value as a grid shows it: amounts as numbers, everything else as it is."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell(name: str, value: Any, statuses: dict[str, str]) -> Any:
    """A value as a grid shows it: statuses by their label, amounts as numbers, everything else as it is."""
    if name in STATUS_COLUMNS and value is not None:
        return status_label(value, statuses)
    return _shown(value)


def table(
    rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str], statuses: dict[str, str] = STATUS_LABELS
) -> None:
    """Rows as a read-only grid with the labelled columns only, in the labels' order (statuses as labels, from
    ``statuses``; the CSV download keeps the stored codes)."""
    st.dataframe(
        [{t(label): _cell(name, row.get(name), statuses) for name, label in labels.items()} for row in rows],
        hide_index=True,
    )


def download(rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str], *, session: Session, key: str, name: str):
    """A CSV download of the rows (column names as stored, so the file can be read by other tools)."""
    if not session.actor.can("data.export"):
        return
    columns = list(labels)
    st.download_button(
        t("Download CSV"),
        data=views.csv_bytes(columns, csv_rows(list(rows), columns)),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}:download",
        on_click="ignore",
        icon=":material/download:",
    )


# --- lists --------------------------------------------------------------------------------------------------


def document_list(
    kind: DocumentKind,
    session: Session,
    *,
    key: str,
    choices: Sequence[str] | None = None,
    openable: bool = True,
) -> str | None:
    """Search, filter, page and download a kind of document; returns the number chosen to open, if any."""
    choices = list(kind.choices if choices is None else choices)
    boxes = st.columns([3, 2, 2, 2] if kind.date else [3, 2])
    search = boxes[0].text_input(t("Search"), key=f"{key}:search", placeholder=t("Number, customer or any text"))
    choice = ""
    if kind.choice:
        label = t(kind.labels.get(kind.choice, kind.choice))
        shown_as = all_or_value({c: status_label(c) for c in choices} if kind.choice in STATUS_COLUMNS else None)
        choice = boxes[1].selectbox(label, ["", *choices], key=f"{key}:choice", format_func=shown_as)
    date_from = date_to = None
    if kind.date:
        date_from = boxes[-2].date_input(t("From"), value=None, key=f"{key}:from", format="YYYY-MM-DD")
        date_to = boxes[-1].date_input(t("To"), value=None, key=f"{key}:to", format="YYYY-MM-DD")
    where = ListFilter(
        search=search or "",
        choice=choice or "",
        date_from=date_from if isinstance(date_from, dt.date) else None,
        date_to=date_to if isinstance(date_to, dt.date) else None,
    )
    size_box, page_box, info_box = st.columns([1, 1, 3])
    page_size = size_box.selectbox(t("Rows per page"), PAGE_SIZES, key=f"{key}:size")
    with session.read() as conn:
        total = list_documents(conn, kind, where, page_size=1).total
        pages = max(1, -(-total // page_size))
        page_key = f"{key}:page"
        if st.session_state.get(page_key, 1) > pages:
            st.session_state[page_key] = pages  # the filter shrank the list below the page shown
        page = page_box.number_input(t("Page"), min_value=1, max_value=pages, step=1, key=page_key)
        shown = list_documents(conn, kind, where, page=int(page), page_size=page_size)
        everything = list_documents(conn, kind, where, page_size=None) if session.actor.can("data.export") else None
    info_box.caption(
        t("{total} records, page {page} of {pages}", total=shown.total, page=shown.page, pages=shown.pages)
    )
    table(shown.rows, kind.labels)
    if everything is not None:
        download(everything.rows, kind.labels, session=session, key=key, name=kind.name)
    if not openable:
        return None
    numbers = [str(r[kind.key]) for r in shown.rows]
    return st.selectbox(
        t("Open a document"), numbers, index=None, key=f"{key}:open", placeholder=t("Choose a document to open it...")
    )


# --- one document -------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return t("Yes") if value else t("No")
    if isinstance(value, Decimal):
        return format(value.normalize(), ",f")
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def document_view(kind: DocumentKind, session: Session, number: str) -> Document | None:
    """Header, lines, ledger postings and audit trail of one document; returns it for the page's actions."""
    with session.read() as conn:
        doc = open_document(conn, kind, number)
    if doc is None:
        st.warning(t("{key} does not exist", key=number))
        return None
    st.subheader(f"{t(kind.label)} · {number}")
    fields = list(kind.labels.items())
    for start in range(0, len(fields), 4):
        for cell, (name, label) in zip(st.columns(4), fields[start : start + 4], strict=False):
            value = doc.header.get(name)
            shown = status_label(value) if name in STATUS_COLUMNS and value else _text(value)
            cell.markdown(f"**{t(label)}**  \n{shown}")
    if kind.lines is not None:
        st.markdown(f"**{t('Lines')}**")
        if doc.lines:
            table(doc.lines, kind.line_labels)
        else:
            st.caption(t("No lines."))
    st.markdown(f"**{t('Ledger postings')}**")
    if doc.postings:
        table(doc.postings, POSTING_LABELS)
        debit = sum((Decimal(str(p["debit"])) for p in doc.postings), Decimal(0))
        credit = sum((Decimal(str(p["credit"])) for p in doc.postings), Decimal(0))
        st.caption(t("Debits {debit} · credits {credit}", debit=_text(debit), credit=_text(credit)))
    else:
        st.caption(t("Nothing posted to the ledger."))
    st.markdown(f"**{t('Audit trail')}**")
    if doc.audit:
        table(doc.audit, {k: v for k, v in AUDIT_LABELS.items() if k != "change"})
        for n, entry in enumerate(doc.audit, start=1):
            with st.expander(f"{n}. {entry['action']} · {entry['username']} · {_text(entry['at'])}"):
                st.json(entry["change"] or {}, expanded=False)
    else:
        st.caption(t("No audit entries."))
    return doc


# --- entering documents -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lines:
    """The lines grid of a document form.

    ``fields`` are the service's line fields (the grid's editable columns); ``prefill`` rows start the grid (else
    ``rows`` blank rows); ``info`` adds read-only columns to prefilled rows (name -> label); ``locked`` fields are
    shown and sent but not editable; ``options`` overrides the codes a reference column offers.
    """

    fields: FieldSet
    rows: int = 5
    prefill: Sequence[Mapping[str, Any]] = ()
    info: Mapping[str, str] = field(default_factory=dict)
    locked: tuple[str, ...] = ()
    options: Mapping[str, Sequence[str]] = field(default_factory=dict)
    dynamic: bool = True


def _column(f: Field, options: Sequence[str] | None, locked: bool) -> Any:
    label = t(f.label)
    if isinstance(f, Ref):
        return st.column_config.SelectboxColumn(label, options=list(options or []), required=f.required)
    if isinstance(f, Dec | Int):
        return st.column_config.NumberColumn(label, required=f.required and not locked, disabled=locked)
    if isinstance(f, Date):
        return st.column_config.DateColumn(label, format="YYYY-MM-DD")
    if isinstance(f, Bool):
        return st.column_config.CheckboxColumn(label)
    return st.column_config.TextColumn(label)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _raw(value: Any) -> Any:
    """A grid cell as raw service input: numbers and dates as text, blanks dropped by the caller."""
    if isinstance(value, bool):
        return value
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _base_frame(lines: Lines) -> pd.DataFrame:
    """The grid the editor starts from; it must be the same on every run so the edits stay attached to it."""
    names = [*lines.info, *(f.name for f in lines.fields)]
    rows = [dict(r) for r in lines.prefill] or [{} for _ in range(lines.rows)]
    data: dict[str, pd.Series] = {}
    for name in names:
        f = lines.fields.by_name.get(name)
        values = [_shown(r.get(name)) for r in rows]
        if isinstance(f, Dec | Int) or (f is None and all(isinstance(v, int | float) for v in values if v is not None)):
            data[name] = pd.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
        else:
            data[name] = pd.Series([None if v is None else v for v in values], dtype="object")
    return pd.DataFrame(data)


def _edited(base: pd.DataFrame, state: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The grid's rows after the user's edits (the editor's state: edited, deleted and added rows)."""
    rows = base.to_dict("records")
    if state:
        for index, changes in (state.get("edited_rows") or {}).items():
            i = int(index)
            if 0 <= i < len(rows):
                rows[i].update(changes)
        deleted = {int(i) for i in state.get("deleted_rows") or []}
        rows = [r for i, r in enumerate(rows) if i not in deleted]
        rows += [dict(r) for r in state.get("added_rows") or []]
    return rows


def grid_lines(lines: Lines, state: Mapping[str, Any] | None) -> tuple[list[dict[str, Any]], list[int]]:
    """The lines to send (rows with something typed in an editable column) and their row numbers in the grid."""
    out, positions = [], []
    editable = [f.name for f in lines.fields if f.name not in lines.locked]
    for position, row in enumerate(_edited(_base_frame(lines), state), start=1):
        if all(_blank(row.get(name)) for name in editable):
            continue
        out.append({f.name: _raw(row.get(f.name)) for f in lines.fields if not _blank(row.get(f.name))})
        positions.append(position)
    return out, positions


def line_messages(
    errors: Mapping[str, list[str]], fields: FieldSet, positions: Sequence[int], sent: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Line errors ("lines[2].quantity") as "Line 3 (FG-PUMP-100), Quantity: ..." with the grid's row number."""
    out = [*errors.get("lines", [])]
    first = fields.fields[0].name if fields.fields else ""
    for name, messages in errors.items():
        if not name.startswith(LINE_ERROR):
            continue
        index_text, _, column = name[len(LINE_ERROR) :].partition("].")
        index = int(index_text) if index_text.isdigit() else 0
        row = positions[index - 1] if 0 < index <= len(positions) else index
        what = sent[index - 1].get(first) if 0 < index <= len(sent) else None
        where = t("Line {n} ({what})", n=row, what=what) if what else t("Line {n}", n=row)
        label = t(fields.by_name[column].label) if column in fields.by_name else column
        out += [f"{where}, {label}: {m}" for m in messages]
    return out


# What an error about a field the form does not show is about (e.g. the quotation being converted).
SUBJECTS = {
    "customer": N_("Customer"),
    "quotation": N_("Quotation"),
    "order": N_("Sales order"),
    "contract": N_("Sales contract"),
    "payment": N_("Payment"),
    "invoice": N_("Invoice"),
    "number": N_("Journal entry"),
    "period": N_("Accounting period"),
    "status": N_("Status"),
    "posting_rule": N_("Posting rule"),
}


def other_errors(
    errors: Mapping[str, list[str]], header: FieldSet, shown: set[str], *, has_lines: bool = False
) -> list[str]:
    """Errors about the form as a whole or about fields it does not draw, each saying what it is about (line
    errors are shown under the lines grid when the form has one)."""
    out = list(errors.get("", []))
    for name, messages in errors.items():
        if not name or name in shown or (has_lines and (name == "lines" or name.startswith(LINE_ERROR))):
            continue
        label = header.by_name[name].label if name in header.by_name else SUBJECTS.get(name.split(".")[0], "")
        out += [f"{t(label)}: {m}" if label else m for m in messages]
    return out


def run_document_action(key: str, prefix: str, call: Callable[[], Any], success: Callable[[Any], str]) -> bool:
    """Call a service action from a submit callback: refusals are kept for the next draw, success empties the form."""
    try:
        result = call()
    except ServiceError as exc:
        st.session_state[f"{prefix}:errors"] = errors_by_field(exc)
        return False
    st.session_state.pop(f"{prefix}:errors", None)
    st.session_state[f"{key}:generation"] = st.session_state.get(f"{key}:generation", 0) + 1
    st.session_state[f"{key}:flash"] = success(result)
    return True


def parse_inputs(session: Session, fields: FieldSet, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values of a small form (e.g. the dates of a conversion), or a refusal naming each bad field."""
    with session.read() as conn:
        values, errors = fields.validate(raw, conn)
    if errors:
        raise ServiceError(errors)
    return values


def document_form(
    session: Session,
    *,
    key: str,
    header: FieldSet,
    submit: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    lines: Lines | None = None,
    fixed: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
    options: Mapping[str, Sequence[str]] | None = None,
    button: str = "",
    columns: int = 3,
) -> None:
    """A form for a document's header fields (the service's FieldSet) and its lines grid.

    ``submit`` gets the raw input as the service takes it (``{field: text, ..., "lines": [{...}]}``); ``fixed``
    fields are decided by the page and not drawn; ``defaults`` prefill fields; ``options`` override the codes a
    reference field offers (e.g. only the orders left to ship).
    """
    fixed, defaults, options = dict(fixed or {}), dict(defaults or {}), dict(options or {})
    prefix = form_prefix(key)
    show_flash(key)
    shown = [f for f in header if f.name not in fixed]
    with session.read() as conn:
        codes = {f.name: views.codes(conn, f) for f in shown if isinstance(f, Ref) and f.name not in options}
        line_codes = {}
        if lines is not None:
            line_codes = {
                f.name: views.codes(conn, f)
                for f in lines.fields
                if isinstance(f, Ref) and f.name not in lines.options and f.name not in lines.locked
            }
    codes.update(options)
    errors = pending_errors(prefix)
    with st.form(prefix):
        known = {f.name for f in shown}
        show_errors(other_errors(errors, header, known, has_lines=lines is not None))
        for start in range(0, len(shown), columns):
            for cell, f in zip(st.columns(columns), shown[start : start + columns], strict=False):
                with cell:
                    field_widget(f, f"{prefix}:{f.name}", defaults.get(f.name), codes.get(f.name))
                    show_errors(errors.get(f.name, []))
        if lines is not None:
            st.markdown(f"**{t('Lines')}**")
            config = {
                f.name: _column(f, lines.options.get(f.name, line_codes.get(f.name)), f.name in lines.locked)
                for f in lines.fields
            }
            config.update(
                {name: st.column_config.Column(t(label), disabled=True) for name, label in lines.info.items()}
            )
            st.data_editor(
                _base_frame(lines),
                key=f"{prefix}:lines",
                num_rows="dynamic" if lines.dynamic else "fixed",
                hide_index=True,
                column_config=config,
                disabled=[*lines.info, *lines.locked],
                width="stretch",
            )
            sent = st.session_state.get(f"{prefix}:sent", [])
            positions = st.session_state.get(f"{prefix}:positions", [])
            show_errors(line_messages(errors, lines.fields, positions, sent))
        st.form_submit_button(
            t(button) if button else t("Save"),
            type="primary",
            on_click=_submit,
            args=(session, key, prefix, header, shown, lines, fixed, submit, success),
        )


def _submit(
    session: Session,
    key: str,
    prefix: str,
    header: FieldSet,
    shown: list[Field],
    lines: Lines | None,
    fixed: Mapping[str, Any],
    submit: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
) -> None:
    """Runs before the page is drawn again, so a refusal can be shown beside the fields it names."""
    raw: dict[str, Any] = {f.name: widget_value(f, st.session_state.get(f"{prefix}:{f.name}")) for f in shown}
    raw.update(fixed)
    if lines is not None:
        sent, positions = grid_lines(lines, st.session_state.get(f"{prefix}:lines"))
        st.session_state[f"{prefix}:sent"] = sent
        st.session_state[f"{prefix}:positions"] = positions
        raw["lines"] = sent
    run_document_action(key, prefix, lambda: submit(raw), success)


def browse_documents(
    kind: DocumentKind, session: Session, prefix: str, *, choices: Sequence[str] | None = None
) -> tuple[str | None, Document | None]:
    """The top of most document pages: the list, the document opened from it, and what its actions (keyed
    ``{prefix}:doc:{number}:``) just did. Returns the number and the document, for the page's actions."""
    number = document_list(kind, session, key=f"{prefix}:list", choices=choices)
    if not number:
        return number, None
    doc = document_view(kind, session, number)
    show_flashes(f"{prefix}:doc:{number}:")
    return number, doc


def show_flashes(prefix: str) -> None:
    """Show what the actions keyed under ``prefix`` just did, even when their button or form is gone since (a
    converted quotation has no convert form any more)."""
    for name in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix) and k.endswith(":flash")]:
        show_flash(name.removesuffix(":flash"))


def action_button(
    session: Session,
    *,
    key: str,
    label: str,
    call: Callable[[], Any],
    success: Callable[[Any], str],
    primary: bool = False,
    subjects: FieldSet | None = None,
) -> None:
    """A button that runs one service action (cancel, close, activate...) with its refusal shown under it;
    ``subjects`` names what a refusal is about when it names a field (e.g. "order": a purchase order)."""
    show_flash(key)
    prefix = form_prefix(key)
    st.button(
        label,
        key=f"{prefix}:button",
        type="primary" if primary else "secondary",
        on_click=run_document_action,
        args=(key, prefix, call, success),
    )
    show_errors(other_errors(pending_errors(prefix), subjects or FieldSet(()), set()))
