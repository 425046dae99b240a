"""Hot statements run straight on the DBAPI cursor, compiled once per dialect.

SQLAlchemy spends about 50 µs of CPU around each ``Connection.execute`` of a prebuilt statement (compiled-cache
lookup, parameter processing, execution context, result set-up) that SQLite answers in 5 µs; a sales order runs
eight of them. :class:`Prepared` does that work once per dialect instead: it keeps the SQL string, the order of the
parameters, each parameter's bind processor and each result column's result processor, taken from SQLAlchemy
itself, so the database receives the same values (floats for decimals and ISO text for dates on SQLite, casts
on PostgreSQL) and the caller gets the same Python values back as through ``Connection.execute``.

It runs in the transaction of the Connection it is given and raises SQLAlchemy's exception classes (so
``@action`` still turns an IntegrityError into a refusal), but it fires no SQLAlchemy events and is not echoed.
Use it only for statements on a hot path; everything else keeps ``Connection.execute``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, MultipleResultsFound
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Insert, Update

Processor = Callable[[Any], Any] | None


@dataclass
class _Compiled:
    """What one execution needs, for one statement on one dialect."""

    sql: str
    positional: bool
    names: tuple[str, ...]  # the placeholders, in order (positional) or by name (pyformat, named)
    keys: tuple[str | None, ...]  # the caller's parameter for each placeholder, or None: a constant
    constants: tuple[Any, ...]  # the processed value of each constant placeholder
    processors: tuple[Processor, ...]  # bind processor of each placeholder taken from the caller
    columns: tuple[str, ...]  # result column names
    result_types: tuple[Any, ...]  # SQLAlchemy types of the result columns
    given: tuple[str, ...] | None  # the columns an INSERT or UPDATE takes from the caller, all of them every time
    result_processors: list[tuple[int, Callable[[Any], Any]]] | None = field(default=None)  # set on the first run

    def arguments(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        if self.given is not None and len(params) != len(self.given):  # as SQLAlchemy, drop no value silently
            raise ValueError(f"expected values for {', '.join(self.given)}; got {', '.join(params)}")
        values = [
            constant if key is None else (params[key] if process is None else process(params[key]))
            for key, constant, process in zip(self.keys, self.constants, self.processors, strict=True)
        ]
        return values if self.positional else dict(zip(self.names, values, strict=True))


class Prepared:
    """A prebuilt Core statement, run on the DBAPI cursor.

    An INSERT or UPDATE without ``.values()`` names the columns the caller gives (``columns``), as
    ``Connection.execute`` would take them from the parameters; columns left out get their scalar defaults.
    A statement whose SQL or values change from run to run (an expanding IN list) runs through ``Connection.execute``.
    """

    def __init__(self, statement: Executable, columns: Iterable[str] | None = None) -> None:
        self.statement = statement
        self.columns = tuple(columns) if columns is not None else None
        self._by_dialect: weakref.WeakKeyDictionary[Dialect, _Compiled | None] = weakref.WeakKeyDictionary()
        self._last: tuple[Dialect | None, _Compiled | None] = (None, None)

    def rows(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run the statement and return its rows (of a SELECT or a RETURNING clause), converted."""
        compiled, cursor = self._cursor(conn)
        if compiled is None:
            result = conn.execute(self.statement, dict(params or {}))
            return [tuple(row) for row in result] if result.returns_rows else []
        try:
            try:
                cursor.execute(compiled.sql, compiled.arguments(params or {}))
                rows = cursor.fetchall() if cursor.description is not None else []
            except conn.dialect.loaded_dbapi.Error as exc:
                raise _translated(conn, cursor, compiled, params, exc) from exc
            if rows and compiled.result_types:
                rows = self._convert(conn.dialect, compiled, cursor.description, rows)
        finally:
            cursor.close()
        return rows

    def one_or_none(self, conn: Connection, params: Mapping[str, Any] | None = None) -> tuple[Any, ...] | None:
        rows = self.rows(conn, params)
        if len(rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return rows[0] if rows else None

    def mapping(self, conn: Connection, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """The one row as ``{column: value}``, or None."""
        row = self.one_or_none(conn, params)
        if row is None:
            return None
        compiled = self._compiled(conn.dialect)
        keys = compiled.columns if compiled is not None else [name for name, _ in _result_columns(self.statement)]
        return dict(zip(keys, row, strict=True))

    def many(self, conn: Connection, param_sets: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement without results once per parameter set (DBAPI ``executemany``)."""
        if not param_sets:
            return
        compiled, cursor = self._cursor(conn)
        if compiled is None:
            conn.execute(self.statement, list(param_sets))
            return
        try:
            try:
                cursor.executemany(compiled.sql, [compiled.arguments(p) for p in param_sets])
            except conn.dialect.loaded_dbapi.Error as exc:
                raise _translated(conn, cursor, compiled, param_sets, exc) from exc
        finally:
            cursor.close()

    def _cursor(self, conn: Connection) -> tuple[_Compiled | None, Any]:
        compiled = self._compiled(conn.dialect)
        if compiled is None:
            return None, None
        if not conn.in_transaction():
            conn.begin()  # as Connection.execute would (autobegin): the statement joins a transaction
        return compiled, conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def _compiled(self, dialect: Dialect) -> _Compiled | None:
        last_dialect, last = self._last
        if last_dialect is dialect:
            return last
        if dialect in self._by_dialect:
            compiled = self._by_dialect[dialect]
        else:
            compiled = self._by_dialect[dialect] = _compile(self.statement, dialect, self.columns)
        self._last = (dialect, compiled)
        return compiled

    @staticmethod
    def _convert(
        dialect: Dialect, compiled: _Compiled, description: Sequence[Sequence[Any]], rows: list[Any]
    ) -> list[tuple[Any, ...]]:
        if compiled.result_processors is None:  # the DBAPI type codes are only known once the statement ran
            compiled.result_processors = [
                (i, process)
                for i, (type_, column) in enumerate(zip(compiled.result_types, description, strict=True))
                if (process := type_.dialect_impl(dialect).result_processor(dialect, column[1])) is not None
            ]
        if not compiled.result_processors:
            return [tuple(row) for row in rows]
        out = []
        for row in rows:
            values = list(row)
            for i, process in compiled.result_processors:
                values[i] = process(values[i])
            out.append(tuple(values))
        return out


def _compile(statement: Executable, dialect: Dialect, columns: tuple[str, ...] | None) -> _Compiled | None:
    """What SQLAlchemy would work out on each execution, or None when that changes from one execution to the next
    (expanding IN lists, values computed by a callable): such statements run through ``Connection.execute``."""
    # As for executemany: no implicit RETURNING of the primary key (PostgreSQL), only what the statement asks for.
    compiled = statement.compile(
        dialect=dialect,
        column_keys=list(columns) if columns is not None else None,
        for_executemany=isinstance(statement, Insert | Update),
    )
    if compiled.literal_execute_params or compiled.post_compile_params:
        return None
    defaults = _scalar_defaults(statement, compiled)
    escaped = compiled.escaped_bind_names
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    positional = dialect.positional
    names = tuple(compiled.positiontup or ()) if positional else tuple(by_name)
    keys, constants, processors = [], [], []
    for name in names:
        bind = by_name[name]
        if bind.callable is not None:  # a value computed on each execution
            return None
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if bind.key in defaults:
            value, key = defaults[bind.key], None
        elif bind.required or (columns is not None and bind.key in columns):
            value, key = None, bind.key
        else:
            value, key = bind.effective_value, None
        if key is None and process is not None:
            value, process = process(value), None
        keys.append(key)
        constants.append(value)
        processors.append(process)
    if not positional:
        names = tuple(escaped.get(name, name) for name in names)
    result = _result_columns(statement)
    return _Compiled(
        sql=compiled.string,
        positional=positional,
        names=names,
        keys=tuple(keys),
        constants=tuple(constants),
        processors=tuple(processors),
        columns=tuple(name for name, _ in result),
        result_types=tuple(type_ for _, type_ in result),
        given=columns,
    )


def _scalar_defaults(statement: Executable, compiled: Any) -> dict[str, Any]:
    """The constant Python-side defaults of the columns an INSERT or UPDATE leaves out."""
    if not isinstance(statement, Insert | Update):
        return {}
    out = {}
    for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:
        default = column.default if isinstance(statement, Insert) else column.onupdate
        if default is None or not default.is_scalar:
            raise ValueError(f"Prepared statements need a value for {column.key}: its default is not a constant")
        out[column.key] = default.arg
    return out


def _result_columns(statement: Executable) -> list[tuple[str, Any]]:
    columns = getattr(statement, "selected_columns", None)
    if columns is None and isinstance(statement, Insert | Update):
        columns = statement.exported_columns
    if columns is None:
        return []
    return [(key, column.type) for key, column in columns.items()]


def _translated(conn: Connection, cursor: Any, compiled: _Compiled, params: Any, exc: Exception) -> DBAPIError:
    """The DBAPI error as the SQLAlchemy exception ``Connection.execute`` would raise; a lost connection is
    invalidated as it would be, so that the pool does not hand it out again."""
    dialect = conn.dialect
    lost = dialect.is_disconnect(exc, conn.connection.dbapi_connection, cursor)
    error = DBAPIError.instance(
        compiled.sql, params, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=dialect
    )
    if lost:
        conn.invalidate(exc)
    return error
