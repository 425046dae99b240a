"""dbt inside the Dagster step's own process (dbtRunner), instead of dagster-dbt's `dbt` subprocess.

The subprocess cost every build a Python start-up, dbt's imports (and numpy, pyarrow and the planning engine
for the Python models) and the JSON encoding and decoding of each of dbt's log lines: about 7 s of CPU, a fifth
of an everyday build, for nothing the build needs. The step's process has dbt imported already (dagster-dbt
uses it to read the manifest). What stays as it was: the same dbt command line, the node selection dagster-dbt
derives from the run's selected assets and checks, the same asset and check events (made from dbt's result
events, in the shape of its JSON log lines, by dagster-dbt's own converter), dbt's log file and parse state in
the run's target folder.

dbt runs in the calling thread, so Ctrl-C (or a terminated run) interrupts it the way it interrupts dbt on the
command line. The asset and check events are yielded when dbt is done (``erp build``'s progress lines come
per node, as they finish). dbt-duckdb keeps its database open on a class after a run; it is closed here, before
anything else opens the build file. A Python model imports the planning package into this process: a process
that runs builds keeps the code it imported (each Dagster run and each `erp build` is a process of its own).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject
from dagster_dbt.asset_utils import (
    DBT_INDIRECT_SELECTION_ENV,
    DbtCliInvocationPartialParams,
    extract_runtime_selection_from_args,
    get_manifest_and_translator_from_dbt_assets,
    get_updated_cli_invocation_params_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from erp.warehouse.dbt import OFFLINE_ENV, invoke
from erp.warehouse.reuse import NO_OP

# dbt's events that say how a node ended (dagster-dbt turns these into asset and check events), and the summary
# events at the end that carry a failing node's message.
RESULT_EVENTS = frozenset({"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"})
ERROR_EVENTS = frozenset({"RunResultError", "RunResultFailure", "RunResultWarning"})


@dataclass(frozen=True)
class DbtRun:
    """One dbt invocation in this process: whether it passed, dbt's own error (a crash, a bad selection), and
    the result and summary events as dbt's JSON log would have carried them, in the order they came."""

    success: bool
    error: BaseException | None
    result: Any  # dbt's own: node results, or the parsed project of a `parse`
    events: list[dict[str, Any]]
    manifest: Mapping[str, Any]
    translator: DagsterDbtTranslator
    project: DbtProject | None

    def asset_events(self, context: AssetExecutionContext, target_path: Path) -> Iterator[Any]:
        """The Dagster events of the finished nodes (materialisations, check results), as dagster-dbt makes them;
        none for a test dbt did not run."""
        for raw in self.events:
            if raw.get("info", {}).get("name") not in RESULT_EVENTS:
                continue
            data = raw.get("data", {})
            if data.get("status") == NO_OP and (data.get("node_info") or {}).get("resource_type") == "test":
                continue  # not run (erp.warehouse.reuse): dagster-dbt would call it failed; the step says why it passes
            event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
            yield from event.to_default_asset_events(
                manifest=self.manifest,
                dagster_dbt_translator=self.translator,
                context=context,
                target_path=target_path,
                project=self.project,
            )


def dbt_command(
    resource: DbtCliResource,
    context: AssetExecutionContext,
    args: Sequence[str],
    target_path: Path,
    quiet: bool,
    select: str | None = None,
) -> tuple[list[str], dict[str, str], Any]:
    """The dbt arguments and environment dagster-dbt's ``DbtCliResource.cli`` would use for this step (its node
    selection from the run's selected assets and checks, or ``select`` with dbt's default indirect selection of
    tests; and ``--exclude`` in ``args``), for dbtRunner; and dagster-dbt's invocation params."""
    cleaned, selects, excludes = extract_runtime_selection_from_args(args)
    if select is not None:
        manifest, translator, project = get_manifest_and_translator_from_dbt_assets([context.assets_def])
        params = DbtCliInvocationPartialParams(
            manifest=manifest,
            dagster_dbt_translator=translator,
            selection_args=[
                *(["--select", select] if select else []),
                *(["--exclude", " ".join(excludes)] if excludes else []),
            ],
            indirect_selection=None,
            dbt_project=project,
        )
    else:
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest={},
            dagster_dbt_translator=DagsterDbtTranslator(),
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
    project_dir = str(params.dbt_project.project_dir if params.dbt_project else resource.project_dir)
    env = dict(OFFLINE_ENV)
    if params.indirect_selection:
        env[DBT_INDIRECT_SELECTION_ENV] = params.indirect_selection
    command = [
        *resource.global_config_flags,
        *(["--quiet"] if quiet else []),
        *cleaned,
        "--project-dir",
        project_dir,
        *(["--profiles-dir", resource.profiles_dir] if resource.profiles_dir else []),
        *(["--profile", resource.profile] if resource.profile else []),
        *(["--target", resource.target] if resource.target else []),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
        *params.selection_args,
    ]
    return command, env, params


def run_dbt(
    resource: DbtCliResource,
    context: AssetExecutionContext,
    args: Sequence[str],
    target_path: Path,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    quiet: bool = True,
    select: str | None = None,
    manifest: Any = None,
) -> DbtRun:
    """Run ``dbt <args>`` for this asset step in this process. ``on_event`` sees each result or summary event as
    it comes (from dbt's worker threads); ``quiet`` keeps dbt's own log lines off standard output; ``select``: a
    dbt selection known to name exactly the step's selected assets and checks, instead of dagster-dbt's (empty:
    none, for a command without one); ``manifest``: the project as a `parse` run returned it, not parsed again."""
    from dbt_common.events.functions import msg_to_dict

    command, env, params = dbt_command(resource, context, args, target_path, quiet, select)
    events: list[dict[str, Any]] = []
    lock = threading.Lock()

    def callback(msg: Any) -> None:
        if msg.info.name not in RESULT_EVENTS and msg.info.name not in ERROR_EVENTS:
            return
        raw = msg_to_dict(msg)
        with lock:
            events.append(raw)
        if on_event is not None:
            on_event(raw)

    result = invoke(command, env, callback, manifest)
    return DbtRun(
        success=bool(result.success),
        error=result.exception,
        result=result.result,
        events=events,
        manifest=params.manifest,
        translator=params.dagster_dbt_translator,
        project=params.dbt_project,
    )
