"""Data tests an everyday build need not rerun in dbt, though a model they test or refer to came out different.

The publication passed every test. `changes.changed_models` finds the rebuilt models identical to it, and a test
whose inputs are all identical is not rerun. The functions here settle more, each from the publication's verdict
and what changed: relationships tests whose tested model is identical while the referred model only gained keys
(`settled_relationships`), and row tests over a changed model whose gained rows pass them (`settled_on_added_rows`).
A test they cannot decide is left to dbt.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from erp.warehouse.changes import PUBLISHED, STORED, publication_attached, relation_name, touched_rows

# A generic test as dbt's schema YAML declares it, with none of the settings that would make its result
# depend on more than its rows (a filter, a custom failure count or threshold, a limit).
PLAIN_TEST_CONFIG = {"where": None, "limit": None, "fail_calc": "count(*)", "warn_if": "!= 0", "error_if": "!= 0"}


def _plain(meta: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    """A generic test of dbt's own or this project's (no package's), with none of `PLAIN_TEST_CONFIG`'s settings
    changed."""
    return meta.get("namespace") is None and all(config.get(key) == value for key, value in PLAIN_TEST_CONFIG.items())


def settled_relationships(
    build: Path | duckdb.DuckDBPyConnection,
    published: Path,
    manifest: Mapping[str, Any],
    tests: Iterable[str],
    changed: Collection[str],
) -> set[str]:
    """The relationships tests among ``tests`` whose result cannot differ from the publication's, which passed them.

    A relationships test fails for a value of the tested model's column (the child) that the referred model's key
    column (the parent) lacks. When the child is identical to the publication's and the parent kept every key value
    it had there (it only gained rows: a day of new journal entries), every value that found its parent then finds
    it now. After a day of stock receipts these are the eight tests of documents that point at their journal entry
    (shipments, invoices, payments ...), rerun only because the journal entries changed. ``changed``: the models
    (and sources) that came out different (`changed_models`). ``build`` as for `changed_models`.
    """
    nodes: Mapping[str, Any] = manifest["nodes"]
    candidates: dict[str, tuple[str, str]] = {}  # test -> (parent model, parent key column)
    for uid in tests:
        node = nodes.get(uid) or {}
        meta = node.get("test_metadata") or {}
        config = node.get("config") or {}
        child = node.get("attached_node")
        parents = [p for p in node.get("depends_on", {}).get("nodes", []) if p != child]
        if (
            meta.get("name") != "relationships"
            or not _plain(meta, config)
            or child is None
            or child in changed
            or len(parents) != 1
            or parents[0] not in nodes
            or nodes[parents[0]]["config"].get("materialized") not in STORED
            or not isinstance(meta.get("kwargs", {}).get("field"), str)
        ):
            continue
        candidates[uid] = (parents[0], meta["kwargs"]["field"])
    if not candidates:
        return set()
    kept: dict[tuple[str, str], bool] = {}  # (parent, key column) -> every published key value still there
    with publication_attached(build, published) as conn:
        if conn is None:
            return set()
        for parent, field in set(candidates.values()):
            kept[(parent, field)] = parent not in changed or kept_keys(conn, nodes[parent], field)
    return {uid for uid, key in candidates.items() if kept[key]}


def kept_keys(conn: duckdb.DuckDBPyConnection, node: Mapping[str, Any], field: str) -> bool:
    """Whether the build's model ``node`` still holds every value of ``field`` the publication's held (False when
    the two cannot be compared, e.g. a column renamed since). Of an append-only model only the published rows its
    build can have touched are looked at (`touched_rows`): the others are still there."""
    name = relation_name(node)
    try:
        touched = touched_rows(conn, node)
        where = f" where {touched}" if touched else ""
        row = conn.execute(
            f"select exists (select {field} from {PUBLISHED}.{name}{where} except select {field} from {name})"
        ).fetchone()
    except duckdb.Error:
        return False
    return row is not None and not row[0]


# The generic tests whose verdict over a changed model follows from the publication's verdict and from the rows
# the model gained (their SQL in dbt's global project and tests/generic/unique_combination.sql).
ROW_TESTS = frozenset({"not_null", "accepted_values", "unique", "unique_combination", "relationships"})
# Telling a model's gained rows apart hashes every row of it and of its publication (of an append-only model, only
# the rows its build can have touched: `touched_rows`): about 40 ns a value (row x column) on a 2-core machine,
# 75 ms for the whole journal lines at demo scale 1; dbt runs a test in about 30 ms. A model is checked here only
# when at most this many values per test over it are hashed, where the check costs less.
VALUES_PER_TEST = 500_000


def settleable(manifest: Mapping[str, Any], tests: Iterable[str]) -> set[str]:
    """The tests among ``tests`` that `settled_on_added_rows` or `settled_relationships` might decide once the
    models are built (plain row tests over a stored model): an everyday build leaves them out of dbt's models call
    and runs only those the settlement cannot pass. The others run among the models (`erp.warehouse.reuse`)."""
    nodes: Mapping[str, Any] = manifest["nodes"]
    return {uid for uid in tests if _row_test_over_stored(nodes, nodes.get(uid) or {})}


def _row_test_over_stored(nodes: Mapping[str, Any], test: Mapping[str, Any]) -> bool:
    """A row test (`ROW_TESTS`) with dbt's default settings (`PLAIN_TEST_CONFIG`, error severity, failures not
    stored) over a stored model: what the settlement can decide from the rows its model gained."""
    meta = test.get("test_metadata") or {}
    config = test.get("config") or {}
    model = nodes.get(test.get("attached_node") or "") or {}
    return (
        meta.get("name") in ROW_TESTS
        and _plain(meta, config)
        and str(config.get("severity", "ERROR")).upper() == "ERROR"
        and not config.get("store_failures")
        and (model.get("config") or {}).get("materialized") in STORED
    )


def settled_on_added_rows(
    build: Path | duckdb.DuckDBPyConnection,
    published: Path,
    manifest: Mapping[str, Any],
    tests: Iterable[str],
    changed: Collection[str],
) -> dict[str, int]:
    """The tests among ``tests`` that pass because the publication passed them and the rows their model gained
    since pass them too, each with the number of rows it was checked on.

    After a day of documents the append-only models (journal lines, stock moves, the audit log, their staging
    models) hold every published row and a few hundred new ones, the balances and stock on hand some changed rows,
    and every not_null, accepted_values, unique and relationships test over them ran again over the whole table
    (52 of an everyday build's 63 tests at demo scale 1, at about 30 ms of dbt's time each). The model's rows
    are now the published ones it kept plus the ones it gained (a changed row counts as a row gone and a row
    gained), and these tests fail only for a row that fails on its own or, for unique, a key held twice. So a
    test passes exactly when the gained rows pass it: none is null or outside the accepted values; no key of one
    is held by another row of the model; each finds its parent in the referred model, which kept every key it
    had in the publication (or did not change), so the kept rows still find theirs. That is checked here, one
    query per model: the gained rows (told apart by their row hashes, as `digest` compares them; of an
    append-only model, among the rows its build can have touched only), computed once, and every test's count of
    failures among them (a query each cost more than the check itself: 53 took 0.16-0.19 s). A test whose
    check finds a failing row is left to dbt, which reports it. Only tests with dbt's default settings qualify
    (`PLAIN_TEST_CONFIG`, error severity, failures not stored), over a stored model the publication holds with
    the same columns. ``changed``: the models that came out different (`changed_models`); ``build`` as for
    `changed_models`."""
    nodes: Mapping[str, Any] = manifest["nodes"]
    candidates: dict[str, str] = {}  # test -> tested model
    for uid in tests:
        node = nodes.get(uid) or {}
        model = node.get("attached_node")
        if _row_test_over_stored(nodes, node) and model in changed:
            candidates[uid] = model
    if not candidates:
        return {}
    settled: dict[str, int] = {}
    with publication_attached(build, published) as conn:
        if conn is None:
            return {}
        by_model: dict[str, list[str]] = {}
        for uid, model in sorted(candidates.items()):
            by_model.setdefault(model, []).append(uid)
        kept: dict[tuple[str, str], bool] = {}  # (referred model, key column) -> kept every published key
        for model, model_tests in by_model.items():
            name = relation_name(nodes[model])
            added = _added_rows(conn, nodes[model], len(model_tests) * VALUES_PER_TEST)
            if added is None:
                continue
            checks: dict[str, str] = {}  # test -> its query over the gained rows
            for uid in model_tests:
                try:
                    sql = _failures_sql(conn, nodes, nodes[uid], name, changed, kept)
                except Exception:  # not decided here (e.g. a test's arguments it cannot read): dbt runs it
                    sql = None
                if sql is not None:
                    checks[uid] = sql
            if not checks:
                continue
            count, failures = _failures_in_added_rows(conn, added, checks)
            settled.update((uid, count) for uid, found in failures.items() if found == 0)
    return settled


ADDED = "erp_added_rows"
"""What the test queries call the rows a model gained (a common table expression of `_failures_in_added_rows`)."""


def _added_rows(conn: duckdb.DuckDBPyConnection, node: Mapping[str, Any], values: int) -> str | None:
    """A query of the rows the build's model ``node`` holds more often than the publication's (by row hash). None
    when the two cannot be compared, or when more than ``values`` values (rows x columns) would be hashed: dbt's own
    run of its tests is then no dearer. Of an append-only model only the rows its build can have touched are hashed
    (`touched_rows`): the rest are the publication's."""
    name = relation_name(node)
    try:
        touched = touched_rows(conn, node)
        where = f" where {touched}" if touched else ""
        now = (conn.execute(f"select count(*) from {name}{where}").fetchone() or (0,))[0]
        columns = len(conn.execute(f"select * from {name} limit 0").description or [])
    except duckdb.Error:
        return None
    if now * columns > values:
        return None
    rows = f"(select * from {name}{where}) as t"
    return (
        f"select * from {rows} where hash(t) in (select h from (select hash(t) as h, 1 as n from {rows} union all "
        f"select hash(t), -1 from (select * from {PUBLISHED}.{name}{where}) as t) group by h having sum(n) > 0)"
    )


def _failures_in_added_rows(
    conn: duckdb.DuckDBPyConnection, added: str, checks: Mapping[str, str]
) -> tuple[int, dict[str, int]]:
    """The number of rows of the query ``added`` and each check's failures among them (``checks``: queries that
    count them over `ADDED`), in one query that computes the rows once; a check DuckDB refuses is left out (dbt
    runs its test), the others are then counted one by one."""
    prefix = f"with {ADDED} as materialized ({added}) "
    queries = [f"select count(*) from {ADDED}", *checks.values()]
    try:
        row = conn.execute(prefix + "select " + ", ".join(f"({query})" for query in queries)).fetchone()
        found: list[int | None] = list(row or ())
    except duckdb.Error:
        found = []
        for query in queries:
            try:
                found.append((conn.execute(prefix + query).fetchone() or (None,))[0])
            except duckdb.Error:
                found.append(None)
    if len(found) != len(queries) or found[0] is None:
        return 0, {}
    return int(found[0]), {uid: int(n) for uid, n in zip(checks, found[1:], strict=True) if n is not None}


def _failures_sql(
    conn: duckdb.DuckDBPyConnection,
    nodes: Mapping[str, Any],
    test: Mapping[str, Any],
    name: str,
    changed: Collection[str],
    kept: dict[tuple[str, str], bool],
) -> str | None:
    """The query counting the rows added to the model ``name`` (the relation `ADDED`) that fail ``test`` as dbt's
    SQL of it would count them; None when the test cannot be decided from them (the model it refers to, which may
    be the tested model itself, lost a key since the publication). ``kept``: the referred models' verdicts so far
    (the referred model is compared here when it changed)."""
    meta = test["test_metadata"]
    kwargs = meta.get("kwargs") or {}
    column = kwargs.get("column_name")
    kind = meta["name"]
    if kind == "not_null":
        sql = f"select count(*) from {ADDED} where {column} is null"
    elif kind == "accepted_values":
        quote = kwargs.get("quote", True)
        values = ", ".join(f"'{v}'" if quote else str(v) for v in kwargs["values"])
        sql = f"select count(*) from {ADDED} where {column} not in ({values})"
    elif kind == "unique":  # the gained rows' keys held by more than one row of the model
        sql = (
            f"select count(*) from (select {column} from {name} where {column} is not null and {column} in "
            f"(select {column} from {ADDED}) group by {column} having count(*) > 1)"
        )
    elif kind == "unique_combination":  # the same, empty values matching as in the test's GROUP BY
        columns = kwargs["columns"]
        same = " and ".join(f"m.{c} is not distinct from a.{c}" for c in columns)
        key = ", ".join(f"m.{c}" for c in columns)
        sql = (
            f"select count(*) from (select {key} from {name} as m semi join (select distinct {', '.join(columns)} "
            f"from {ADDED}) as a on {same} group by {key} having count(*) > 1)"
        )
    else:  # relationships
        inputs = test["depends_on"]["nodes"]
        referred = [p for p in inputs if p != test["attached_node"]] or inputs  # or the model refers to itself
        field = kwargs.get("field")
        if (
            len(referred) != 1
            or referred[0] not in nodes
            or nodes[referred[0]]["config"].get("materialized") not in STORED
            or not isinstance(field, str)
        ):
            return None
        parent = relation_name(nodes[referred[0]])
        if referred[0] in changed and (referred[0], field) not in kept:
            kept[(referred[0], field)] = kept_keys(conn, nodes[referred[0]], field)
        if not kept.get((referred[0], field), True):
            return None
        sql = (
            f"select count(*) from (select {column} as from_field from {ADDED} where {column} is not null) as child "
            f"left join (select {field} as to_field from {parent}) as parent on child.from_field = parent.to_field "
            "where parent.to_field is null"
        )
    return sql
