"""Helpers shared by documents with lines (journals, stock moves, sales documents): validation and rounding."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, bindparam, select

from erp import schema as s
from erp.errors import FieldError, ServiceError
from erp.fields import FieldSet, is_blank
from erp.i18n import t
from erp.services.prepared import Prepared

CENT = Decimal("0.01")
ZERO = Decimal(0)


def money(value: Any) -> Decimal:
    """Round an amount to cents, half up, as invoices and the ledger show it."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def dec(value: Any) -> Decimal:
    """A stored number as a Decimal (SQLite hands back floats for some expressions)."""
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def qty(value: Any) -> Decimal:
    return dec(value).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def show(value: Any) -> str:
    """A quantity or amount as people write it: 7, 2.5, 0.35 (no trailing zeros, no exponent)."""
    text = format(dec(value).normalize(), "f")
    return text


def line_field(index: int, name: str) -> str:
    """The name of a line's field in errors: ``lines[2].quantity`` (lines count from 1)."""
    return f"lines[{index}].{name}"


def validate_document(
    conn: Connection,
    header: FieldSet,
    lines: FieldSet,
    data: Mapping[str, Any],
    *,
    lines_required: bool = True,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[FieldError]]:
    """Validate a document's header fields and each of its lines, collecting every error at once."""
    raw = dict(data)
    raw_lines: Sequence[Mapping[str, Any]] | None = raw.pop("lines", None)
    values, errors = header.validate(raw, conn, known=_known_refs(conn, header, [raw]))
    parsed: list[dict[str, Any]] = []
    if not raw_lines:
        if lines_required:
            errors.append(FieldError("lines", t("at least one line is required")))
        return values, parsed, errors
    known = _known_refs(conn, lines, raw_lines)
    for index, raw_line in enumerate(raw_lines, start=1):
        line_values, line_errors = lines.validate(raw_line, conn, known=known)
        errors += [FieldError(line_field(index, e.field), e.message) for e in line_errors]
        parsed.append(line_values)
    return values, parsed, errors


# Sizes of the IN lists of prebuilt statements: a list of n values is padded to the next size by repeating its
# last value, so a handful of statements cover every document; longer lists use one expanding parameter.
IN_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def in_size(count: int) -> int | None:
    """The IN-list size of a prebuilt statement for ``count`` values (None: an expanding parameter)."""
    return next((size for size in IN_SIZES if size >= count), None)


def in_list(name: str, column: ColumnElement[Any], size: int | None) -> ColumnElement[bool]:
    """``column IN (...)`` with ``size`` bind parameters, or one expanding parameter when ``size`` is None.

    Fixed parameters spare SQLAlchemy rewriting the SQL on every execution, which an expanding one needs.
    """
    if size is None:
        return column.in_(bindparam(name, expanding=True, type_=column.type))
    return column.in_([bindparam(f"{name}_{i}", type_=column.type) for i in range(size)])


def in_params(name: str, values: Sequence[Any]) -> dict[str, Any]:
    """The parameters of :func:`in_list` for ``values`` (at least one), sized by :func:`in_size`."""
    size = in_size(len(values))
    if size is None:
        return {name: list(values)}
    padded = [*values, *([values[-1]] * (size - len(values)))]
    return {f"{name}_{i}": value for i, value in enumerate(padded)}


@cache
def _ref_query(table: Table, key: str, only_active: bool, size: int | None) -> Prepared:
    """Built once per reference kind and IN-list size: every document line runs one (see ``Prepared``)."""
    column = table.c[key]
    query = select(column, table.c.id).where(in_list("codes", column, size))
    if only_active and "active" in table.c:
        query = query.where(table.c.active.is_(True))
    return Prepared(query)


def _known_refs(
    conn: Connection, fields: FieldSet, raw_lines: Sequence[Mapping[str, Any]]
) -> dict[str, dict[str, int]] | None:
    """Resolve each reference column of the lines with one query instead of one per line."""
    if not fields.refs:
        return None
    known: dict[str, dict[str, int]] = {}
    for f in fields.refs:
        assert f.table is not None
        codes = {str(r[f.name]).strip() for r in raw_lines if isinstance(r, Mapping) and not is_blank(r.get(f.name))}
        ids: dict[str, int] = {}
        if codes:
            query = _ref_query(f.table, f.key, f.only_active, in_size(len(codes)))
            ids = dict(query.rows(conn, in_params("codes", sorted(codes))))
        known[f.name] = ids
    return known


def raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ServiceError(errors)


COMPANY_QUERY = select(s.company)


def company_settings(conn: Connection) -> dict[str, Any]:
    row = conn.execute(COMPANY_QUERY).mappings().one_or_none()
    if row is None:
        raise ServiceError(t("The company is not set up yet: run `erp init` first."))
    return dict(row)


def not_found(field: str, what: str, key: Any) -> ServiceError:
    return ServiceError(FieldError(field, t("{what} {key} does not exist", what=what, key=key)), code="not_found")


def allocate_to_invoices(
    invoices: Mapping[int, dict[str, Any]],
    allocations: list[dict[str, Any]],
    available: Decimal,
    field: str,
    not_open: str,
    blocked: Callable[[dict[str, Any]], str | None] = lambda inv: None,
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Check a payment's allocations against a partner's open invoices (in due order), or, when none are given,
    allocate oldest-due first. ``not_open`` is the message for an invoice that is not among them; ``blocked`` says
    why an invoice may not be paid now (e.g. held), or None. Shared by customer and supplier payments."""
    errors: list[FieldError] = []
    if not allocations:
        left = available
        for inv in invoices.values():
            if left <= 0:
                break
            if blocked(inv) is not None:
                continue
            take = min(left, money(inv["gross_amount"]) - money(inv["paid_amount"]))
            allocations.append({"invoice_id": inv["id"], "amount": take})
            left -= take
    total = ZERO
    seen: set[int] = set()
    for n, a in enumerate(allocations, start=1):
        a["amount"] = money(a["amount"])
        inv = invoices.get(a["invoice_id"])
        reason = None if inv is None else blocked(inv)
        if a["invoice_id"] in seen:
            errors.append(FieldError(line_field(n, "invoice"), t("appears twice")))
        elif inv is None:
            errors.append(FieldError(line_field(n, "invoice"), not_open))
        elif reason is not None:
            errors.append(FieldError(line_field(n, "invoice"), reason))
        else:
            a["invoice"] = inv
            due = money(inv["gross_amount"]) - money(inv["paid_amount"])
            if a["amount"] > due:
                errors.append(
                    FieldError(
                        line_field(n, "amount"),
                        t("is more than the {due} still due on {number}", due=show(due), number=inv["number"]),
                    )
                )
        seen.add(a["invoice_id"])
        total += a["amount"]
    if total > available:
        errors.append(
            FieldError(
                field,
                t(
                    "the allocations ({total}) exceed the {available} available",
                    total=show(total),
                    available=show(available),
                ),
            )
        )
    return allocations, errors
