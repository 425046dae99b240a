"""Models an everyday build does not run: every input came out identical to the publication's.

A change plan rebuilds everything downstream of the changed store tables, but after a day of stock receipts half
of those models come out exactly as published (the production costs do not read stock receipts, for one). A model
whose every input is identical to the publication's would compute the publication's rows again, and the build
file, a copy of the publication, already holds them. So dbt does not run it: it reports it as a no-op (dbt's own
status for a node it did not need to run), Dagster records its materialization with that status, and its tests
count among those not rerun (nothing they check changed).

Safe because a change plan exists only for the publication's as-of date and project files
(`changes.store_changes`), and the models are functions of their inputs: no clock, no randomness (the as-of date
is a var). Not skipped: a model that reads the previous publication (`changes.PREVIOUS_PUBLICATION_CONFIG`), one
with no inputs, and views (nothing to save). An input is identical when it is a store table that did not change,
a model the plan does not rebuild, a stored model compared row for row with the publication
(`changes.Verdicts`, once each, when dbt is about to start one of its children), or a view over identical
inputs. Anything that cannot be compared counts as changed.

The same run takes the tests: the publication passed every test, so a test whose every input is identical is not
rerun either (a no-op too; the Dagster step gives its check result, saying why). The row tests over stored models
(`settled.settleable`: most of them) are left out of this run altogether: after the models, `settled` passes most
of them from the rows their model gained, and only the rest go to dbt. In this run a model does not wait for its
parents' tests (dbt's edges from tests to the models after them are left out): the build is published only when
every node passed anyway.

The runner dbt takes for a ready node (``GraphRunnableTask.get_runner``, patched once in this process, as
`scheduling` ranks the queue) makes the choice on its worker thread, before compiling: dbt runs in-process here,
and the rule applies only inside `skipping`.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import duckdb

from erp.warehouse.changes import PREVIOUS_PUBLICATION_CONFIG, STORED, Verdicts, publication_attached
from erp.warehouse.dbt import dbt_duckdb_cursor

NO_OP = "no-op"  # dbt's status of a node it did not run (dbt.artifacts.schemas.results.RunStatus.NoOp)

_active: InputsCompared | None = None
_installed = False


class InputsCompared:
    """One change plan's models run: which models came out identical to the publication (`changes.Verdicts`,
    compared on dbt's open build file), and which need not run."""

    def __init__(
        self,
        manifest: Mapping[str, Any],
        tables: Collection[str],
        published: Path,
        rebuilt: Collection[str],
        later: Collection[str] = (),
    ) -> None:
        self.published = published
        self.verdicts = Verdicts(manifest, tables, rebuilt, connect=self._connection)
        self.skipped: set[str] = set()
        self.later = frozenset(later)  # tests left out of the run, for the settlement after it
        self.tests_not_rerun: set[str] = set()  # tests of the run left as published (identical inputs)
        self._lock = threading.Lock()
        self._stack = ExitStack()
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._unavailable = False

    @property
    def changed(self) -> dict[str, bool]:
        """The verdicts so far, by unique id (False: identical to the publication)."""
        return self.verdicts.verdict

    def inputs_unchanged(self, uid: str) -> bool:
        """Whether dbt may leave model ``uid`` as the publication has it (module docstring)."""
        node = self.verdicts.nodes.get(uid)
        if node is None or node.get("resource_type") != "model" or uid not in self.verdicts.rebuilt:
            return False
        config = node.get("config") or {}
        if config.get("materialized") not in STORED or PREVIOUS_PUBLICATION_CONFIG in config:
            return False
        return self._identical(node["depends_on"]["nodes"])

    def test_passes(self, uid: str) -> bool:
        """Whether test ``uid`` gives the publication's result: every input identical (noted in
        ``tests_not_rerun``)."""
        node = self.verdicts.nodes.get(uid)
        if node is None or node.get("resource_type") != "test" or not self._identical(node["depends_on"]["nodes"]):
            return False
        with self._lock:
            self.tests_not_rerun.add(uid)
        return True

    def _identical(self, parents: list[str]) -> bool:
        rebuilt, known = self.verdicts.rebuilt, self.verdicts.verdict
        with self._lock:  # inputs known already first: one of them changed, and no model needs hashing
            ordered = sorted(parents, key=lambda parent: parent in rebuilt and parent not in known)
            try:
                return bool(parents) and not any(self.verdicts.changed(parent) for parent in ordered)
            except duckdb.Error:  # an input that cannot be compared: the node runs
                return False

    def skip(self, uid: str) -> None:
        """Note that ``uid`` was left as published: identical, for its children."""
        with self._lock:
            self.skipped.add(uid)
            self.verdicts.verdict[uid] = False

    def close(self) -> None:
        """Detach the publication and close the comparison's cursor."""
        with self._lock:
            self._stack.close()
            self._conn = None

    def _connection(self) -> duckdb.DuckDBPyConnection | None:
        """A cursor on dbt's open build file with the publication attached (opened at the first comparison)."""
        if self._conn is None and not self._unavailable:
            cursor = self._stack.enter_context(dbt_duckdb_cursor())
            conn = self._stack.enter_context(publication_attached(cursor, self.published)) if cursor else None
            self._conn = conn
            self._unavailable = conn is None
        return self._conn


@contextmanager
def skipping(compared: InputsCompared) -> Iterator[InputsCompared]:
    """dbt, in this process, does not run the models ``compared`` finds with identical inputs (inside the block)."""
    global _active
    install()
    _active = compared
    try:
        yield compared
    finally:
        _active = None
        compared.close()


def install() -> None:
    """Patch dbt (once): inside `skipping`, a model or test with identical inputs gets a runner that neither
    compiles nor runs it and reports it as a no-op (``GraphRunnableTask.get_runner``), decided on its worker
    thread; the tests left for later are not selected (``NodeSelector.get_selected``), and a build links no test
    to the models after it (``BuildTask.compile_manifest``)."""
    global _installed
    if _installed:
        return
    from dbt.graph.selector import NodeSelector
    from dbt.task.build import BuildTask
    from dbt.task.runnable import GraphRunnableTask

    get_runner, get_selected, compile_manifest = (
        GraphRunnableTask.get_runner,
        NodeSelector.get_selected,
        BuildTask.compile_manifest,
    )

    def get_runner_or_leave(self: Any, node: Any) -> Any:
        runner = get_runner(self, node)
        compared = _active
        if compared is None:
            return runner
        _compile_unless_as_published(runner, compared)
        return runner

    def get_selected_but_later(self: Any, *args: Any, **kwargs: Any) -> Any:
        selected = get_selected(self, *args, **kwargs)
        compared = _active
        return selected if compared is None else type(selected)(uid for uid in selected if uid not in compared.later)

    def compile_without_test_edges(self: Any) -> None:
        if _active is None or self.manifest is None:
            compile_manifest(self)
        else:
            self.graph = self.compiler.compile(self.manifest, add_test_edges=False)

    GraphRunnableTask.get_runner = get_runner_or_leave  # type: ignore[method-assign]
    NodeSelector.get_selected = get_selected_but_later  # type: ignore[method-assign]
    BuildTask.compile_manifest = compile_without_test_edges  # type: ignore[method-assign]
    _installed = True


def _compile_unless_as_published(runner: Any, compared: InputsCompared) -> None:
    """Make ``runner`` ask, on its worker thread before compiling, whether its node gives the publication's result
    (a model whose inputs are identical, then noted for its children; a test whose inputs are); if so, it runs as
    `_leave_as_published` says. Asked there, not where dbt's loop takes the node from its queue: a comparison may
    hash a model (a quarter of a second for the stock balances at ten times the demo's volume), and the loop hands
    no other ready node to a free thread meanwhile."""
    compile_node = runner.compile
    uid = runner.node.unique_id
    test = runner.node.resource_type == "test"

    def compile_unless_as_published(manifest: Any) -> Any:
        as_published = compared.test_passes(uid) if test else compared.inputs_unchanged(uid)
        if not as_published:
            return compile_node(manifest)
        if not test:
            compared.skip(uid)
        _leave_as_published(runner)
        return runner.node

    runner.compile = compile_unless_as_published


def _leave_as_published(runner: Any) -> None:
    """Make ``runner`` report its node as a no-op without compiling or running it (a model's relation, copied with
    the publication, stays as it is): dbt's own no-op result (``NoOpRunner.execute``). dbt still prints the node's
    result line and fires its result event."""
    from dbt.runners.no_op_runner import NoOpRunner

    runner.compile = lambda _manifest: runner.node
    runner.run = lambda compiled_node, manifest: NoOpRunner.execute(runner, compiled_node, manifest)
