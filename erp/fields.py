"""Typed fields that turn raw input (from a form, a CSV cell or Python) into checked values.

The same field definitions drive the service layer's validation, the CSV import/export formats and the
documented templates, so a rule is written once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, select

from erp.errors import FieldError
from erp.i18n import t


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; ``t`` translates it where it is shown."""
    return message


_TRUE = {"true", "yes", "y", "1", "t", "是", "真"}
_FALSE = {"false", "no", "n", "0", "f", "否", "假"}


class Invalid(Exception):
    """Raised by a field's parser with a translated reason."""


@dataclass(frozen=True)
class Field:
    """One input field. ``name`` is the key in service calls and the column in CSV files."""

    name: str
    label: str
    required: bool = False
    default: Any = None
    column: str | None = None  # database column, when it differs from name
    doc: str = ""

    @property
    def db_column(self) -> str:
        return self.column or self.name

    def parse(self, value: Any, conn: Connection) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        """How the value is written to a CSV cell."""
        if value is None:
            return ""
        return str(value)

    @property
    def type_doc(self) -> str:
        return "text"


@dataclass(frozen=True)
class Text(Field):
    max_length: int = 200

    def parse(self, value: Any, conn: Connection) -> Any:
        text = str(value).strip()
        if len(text) > self.max_length:
            raise Invalid(t("is longer than {n} characters", n=self.max_length))
        return text

    @property
    def type_doc(self) -> str:
        return f"text, up to {self.max_length} characters"


@dataclass(frozen=True)
class Int(Field):
    min_value: int | None = None
    max_value: int | None = None

    def parse(self, value: Any, conn: Connection) -> Any:
        if isinstance(value, bool):
            raise Invalid(t("must be a whole number"))
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise Invalid(t("must be a whole number")) from None
        if number != number.to_integral_value():
            raise Invalid(t("must be a whole number"))
        result = int(number)
        _check_range(result, self.min_value, self.max_value)
        return result

    @property
    def type_doc(self) -> str:
        return "whole number" + _range_doc(self.min_value, self.max_value)


@dataclass(frozen=True)
class Dec(Field):
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    positive: bool = False  # strictly greater than zero

    def parse(self, value: Any, conn: Connection) -> Any:
        if isinstance(value, bool):
            raise Invalid(t("must be a number"))
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise Invalid(t("must be a number")) from None
        if not number.is_finite():
            raise Invalid(t("must be a number"))
        if self.positive and number <= 0:
            raise Invalid(t("must be greater than zero"))
        _check_range(number, self.min_value, self.max_value)
        return number

    def format(self, value: Any) -> str:
        if value is None:
            return ""
        text = format(Decimal(str(value)).normalize(), "f")
        return text

    @property
    def type_doc(self) -> str:
        if self.positive:
            return "number greater than zero" + _range_doc(None, self.max_value)
        return "number" + _range_doc(self.min_value, self.max_value)


@dataclass(frozen=True)
class Bool(Field):
    def parse(self, value: Any, conn: Connection) -> Any:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise Invalid(t("must be true or false"))

    def format(self, value: Any) -> str:
        return "" if value is None else ("true" if value else "false")

    @property
    def type_doc(self) -> str:
        return "true or false (also yes/no, 1/0, 是/否)"


@dataclass(frozen=True)
class Date(Field):
    def parse(self, value: Any, conn: Connection) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T" else text)
        except ValueError:
            raise Invalid(t("must be a date like 2026-01-31")) from None

    def format(self, value: Any) -> str:
        return "" if value is None else value.isoformat()

    @property
    def type_doc(self) -> str:
        return "date, YYYY-MM-DD (YYYY/MM/DD accepted)"


@dataclass(frozen=True)
class Choice(Field):
    choices: Sequence[str] = ()
    case_insensitive: bool = True

    def parse(self, value: Any, conn: Connection) -> Any:
        text = str(value).strip()
        for choice in self.choices:
            if text == choice or (self.case_insensitive and text.lower() == choice.lower()):
                return choice
        raise Invalid(t("must be one of: {choices}", choices=", ".join(self.choices)))

    @property
    def type_doc(self) -> str:
        return "one of " + ", ".join(f"`{c}`" for c in self.choices)


@dataclass(frozen=True)
class Ref(Field):
    """A reference by natural key (a code) to another table; stored as that row's id."""

    table: Table | None = None
    key: str = "code"
    only_active: bool = False

    def parse(self, value: Any, conn: Connection) -> Any:
        assert self.table is not None
        text = str(value).strip()
        row_id = conn.execute(ref_id_query(self.table, self.key, self.only_active), {"code": text}).scalar_one_or_none()
        if row_id is None:
            raise Invalid(t("{value} does not exist", value=text))
        return row_id

    @property
    def type_doc(self) -> str:
        assert self.table is not None
        return f"code of an existing {self.table.name} ({self.key})"


@functools.cache
def ref_id_query(table: Table, key: str, only_active: bool) -> Select:
    """Built once per reference kind: building a statement costs more than running it from SQLAlchemy's cache."""
    query = select(table.c.id).where(table.c[key] == bindparam("code"))
    if only_active and "active" in table.c:
        query = query.where(table.c.active.is_(True))
    return query


def _check_range(value: Any, low: Any, high: Any) -> None:
    if low is not None and value < low:
        raise Invalid(t("must be at least {n}", n=low))
    if high is not None and value > high:
        raise Invalid(t("must be at most {n}", n=high))


def _range_doc(low: Any, high: Any) -> str:
    parts = []
    if low is not None:
        parts.append(f">= {low}")
    if high is not None:
        parts.append(f"<= {high}")
    return f" ({', '.join(parts)})" if parts else ""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


@dataclass(frozen=True)
class FieldSet:
    """An ordered set of fields that validates a whole record and reports every bad field at once."""

    fields: tuple[Field, ...]
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)
    refs: tuple[Ref, ...] = field(init=False, repr=False, compare=False)  # the reference fields
    # Per field, what validation reads on every record: (field, name, db column, required, default).
    _plan: tuple[tuple[Field, str, str, bool, Any], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "refs", tuple(f for f in self.fields if isinstance(f, Ref) and f.table is not None))
        plan = tuple((f, f.name, f.db_column, f.required, f.default) for f in self.fields)
        object.__setattr__(self, "_plan", plan)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.fields)

    def validate(
        self,
        raw: Mapping[str, Any],
        conn: Connection,
        *,
        partial: bool = False,
        known: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """Parse ``raw`` into ``{db_column: value}``.

        With ``partial`` only the given fields are checked (an update); otherwise missing optional fields
        take their defaults and missing required ones are errors. Unknown keys are errors too, so a typo in
        a form or a CSV header is not silently dropped. ``known`` holds, per reference field, the ids of codes
        already looked up (a document resolves the codes of all its lines at once): a code not in it does not
        exist.
        """
        values: dict[str, Any] = {}
        errors: list[FieldError] = []
        by_name = self.by_name
        for key in raw:
            if key not in by_name:
                errors.append(FieldError(key, t("is not a known field")))
        for f, name, column, required, default in self._plan:
            present = name in raw
            if partial and not present:
                continue
            value = raw[name] if present else None
            if value is None or (isinstance(value, str) and not value.strip()):
                if required:
                    errors.append(FieldError(name, t("is required")))
                elif not partial or present:
                    values[column] = default
                continue
            ids = known.get(name) if known is not None else None
            try:
                values[column] = f.parse(value, conn) if ids is None else _known_id(ids, value)
            except Invalid as exc:
                errors.append(FieldError(name, str(exc)))
        return values, errors


def _known_id(ids: Mapping[str, Any], value: Any) -> Any:
    text = str(value).strip()
    if text not in ids:
        raise Invalid(t("{value} does not exist", value=text))
    return ids[text]
