"""Building into a file of its own and publishing it atomically: the one implementation `erp build` and Dagster share.

Every run builds into the same file, ``ERP_HOME/build/next/warehouse.duckdb`` (a copy of the published warehouse,
so incremental models only add what is new, or an empty file for a full refresh). The path is fixed because dbt
re-parses the whole project whenever the profile's connection details (the DuckDB path among them) change; one
run at a time owns that file, under the build lock, and its ticket beside the file names the run. ``publish``
checks dbt's results for that run and only when every node passed moves the file over the served one with
``os.replace``: readers keep whatever file they opened, the next connection sees the new one. A failed model or
test, or a crash, leaves the published warehouse as it was. The last few publications stay in
``ERP_HOME/snapshots``; each run's dbt artifacts and log in ``ERP_HOME/build/runs/<run id>/target``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from erp.config import Settings, load_settings
from erp.errors import ServiceError
from erp.fields import N_
from erp.i18n import t
from erp.warehouse.changes import (
    current_fingerprints,
    dbt_store_changes,
    load_manifest,
    models_to_rebuild,
    project_hash,
    record_state,
)
from erp.warehouse.dbt import FAILED_STATUSES, PROJECT_MANIFEST, NodeOutcome, dbt_duckdb_cursor
from erp.warehouse.read import (
    PUBLICATION_TABLE,
    Publication,
    failure_path,
    last_publication,
    read_publication,
    remember_publication,
)

Printer = Callable[[str], None]

# dbt node statuses as shown in the progress lines
STATUS_LABELS = {
    "success": N_("OK"),
    "pass": N_("PASS"),
    "fail": N_("FAIL"),
    "error": N_("ERROR"),
    "runtime error": N_("ERROR"),
    "skipped": N_("SKIP"),
    "no-op": N_("KEPT"),  # not rerun: every input identical to the publication's (erp.warehouse.reuse)
    "warn": N_("WARN"),
}


class BuildFailed(Exception):
    """dbt did not pass: nothing was published. ``failed`` names the failing nodes."""

    def __init__(self, message: str, failed: list[NodeOutcome]) -> None:
        self.failed = failed
        super().__init__(message)


@dataclass(frozen=True)
class BuildResult:
    publication: Publication
    path: Path
    seconds: float


SNAPSHOTS_KEPT = 5
# A publish waits for a build in progress (runs are one at a time anyway: this is the safety net); a new build
# waits for the one before it to finish.
PUBLISH_LOCK_SECONDS = 120.0
BUILD_LOCK_SECONDS = 3600.0
STALE_RUN_SECONDS = 24 * 3600


@dataclass(frozen=True)
class BuildTicket:
    """What a run is building, written beside the build file: the publish step checks that it publishes its run."""

    run_id: str
    as_of: dt.date
    selection: str
    full_refresh: bool
    dbt_seconds: float | None = None

    def save(self, settings: Settings) -> None:
        data = {**asdict(self), "as_of": self.as_of.isoformat()}
        _write_atomically(ticket_path(settings), json.dumps(data, indent=2))

    @staticmethod
    def current(settings: Settings) -> BuildTicket | None:
        """The ticket of the run whose build is in the build file now, if any."""
        try:
            data = json.loads(ticket_path(settings).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return BuildTicket(**{**data, "as_of": dt.date.fromisoformat(data["as_of"])})

    @staticmethod
    def load(settings: Settings, run_id: str) -> BuildTicket:
        ticket = BuildTicket.current(settings)
        if ticket is None or ticket.run_id != run_id:
            raise ServiceError(
                t(
                    "Run {run} has no build to publish ({path} holds {other}).",
                    run=run_id,
                    path=build_path(settings),
                    other=ticket.run_id if ticket else t("no build"),
                )
            )
        return ticket


def run_dir(settings: Settings, run_id: str) -> Path:
    return settings.build_dir / "runs" / run_id


def build_path(settings: Settings) -> Path:
    """Where dbt writes, run after run; named like the published file, so the DuckDB catalog name never changes."""
    return settings.build_dir / "next" / settings.warehouse_path.name


def ticket_path(settings: Settings) -> Path:
    return build_path(settings).parent / "ticket.json"


def dbt_target_path(settings: Settings, run_id: str) -> Path:
    """One run's dbt log, compiled SQL, partial-parse state and node results (``RESULTS_FILE``)."""
    return run_dir(settings, run_id) / "target"


def snapshot_dir(settings: Settings) -> Path:
    return settings.home / "snapshots"


def dbt_state_dir(settings: Settings) -> Path:
    """What outlives a run's folder: dbt's partial-parse state and the last run's results (node timings)."""
    return settings.build_dir / "dbt-state"


# dbt re-parses the whole project (10-40 s) unless it finds partial_parse.msgpack in its target path and the
# profile, vars and dbt_project.yml are as they were; each run has a target path of its own, so the file is carried
# from one run to the next through dbt_state_dir. (The as-of date is a var: the first build of a new day re-parses.)
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# dbt runs with --no-write-json: it wrote manifest.json twice (after parsing and at the end) and run_results.json,
# about 2 s of CPU per build, none of it needed. What each node did is recorded from dbt's event stream instead,
# in this file of the run's target folder; publish checks it.
RESULTS_FILE = "node_results.json"
CARRIED_ARTIFACTS = (PARTIAL_PARSE_FILE, RESULTS_FILE)


def prepare_run(settings: Settings, run_id: str) -> None:
    """The run's folder, holding dbt's parse state from the last build: all that dbt's parse of the project reads
    (a change-driven build parses while `prepare_build_file` copies the publication). Call it holding
    ``build_lock``."""
    _remove_stale_runs(settings)
    directory = run_dir(settings, run_id)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    parse_state = dbt_state_dir(settings) / PARTIAL_PARSE_FILE
    if parse_state.exists():
        target = dbt_target_path(settings, run_id)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parse_state, target / PARTIAL_PARSE_FILE)


def prepare_build_file(
    settings: Settings, run_id: str, as_of: dt.date, selection: str, full_refresh: bool = False
) -> BuildTicket:
    """Start the build file for a run: a copy of the published warehouse, or nothing for a full refresh.

    Call it holding ``build_lock``, and keep holding it while dbt writes. Starting from the published tables is
    what lets incremental models (stock moves, journal lines) add only the new rows, and lets a ``--select``
    build keep the published tables of the models it leaves out. The build's state is recorded once dbt has
    built the file (`PlannedState`).
    """
    _clear_build(settings)
    path = build_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not full_refresh and settings.warehouse_path.exists():
        # a new file (never the published one's blocks: published files are hard-linked into snapshots)
        shutil.copyfile(settings.warehouse_path, path)
    ticket = BuildTicket(run_id=run_id, as_of=as_of, selection=selection, full_refresh=full_refresh)
    ticket.save(settings)
    return ticket


@dataclass(frozen=True)
class PlannedState:
    """The state a build file holds once dbt has built it (erp.warehouse.changes.record_state), taken before dbt
    runs (a change to the store while dbt runs shows next time) and written after it, through dbt's open
    connection. Written before dbt, on a connection of its own, it cost an everyday build half a second at ten
    times the demo's volume, which dbt's models waited for: that connection's checkpoint waited for the disk to
    take the whole fresh copy of the publication (fsync)."""

    as_of: dt.date
    refreshed_tables: list[str] | None
    hand_picked: bool
    fingerprints: dict[str, str] | None
    code_hash: str

    @staticmethod
    def take(
        settings: Settings,
        as_of: dt.date,
        refreshed_tables: list[str] | None,
        hand_picked: bool = False,
        fingerprints: dict[str, str] | None = None,
    ) -> PlannedState:
        """``refreshed_tables``: the store tables whose dependent models this run rebuilds (None: all), recorded
        for the next build (erp.warehouse.changes); ``hand_picked``: a --select build, after which the next
        everyday build is a full one; ``fingerprints``: the store's, taken when the run was planned (else now)."""
        if fingerprints is None and not hand_picked:
            fingerprints = current_fingerprints(settings)
        return PlannedState(as_of, refreshed_tables, hand_picked, fingerprints, project_hash())

    def record(self, settings: Settings) -> None:
        """Write it into the build file: through dbt's connection while dbt keeps it open, else the file's own."""
        with dbt_duckdb_cursor() as cursor:
            record_state(
                cursor if cursor is not None else build_path(settings),
                settings,
                self.as_of,
                self.refreshed_tables,
                hand_picked=self.hand_picked,
                code_hash=self.code_hash,
                fingerprints=self.fingerprints,
            )


def dbt_vars(as_of: dt.date) -> list[str]:
    """The project's variables on dbt's command line (a parsed project is only valid for the same ones)."""
    return ["--vars", json.dumps({"as_of": as_of.isoformat()})]


def dbt_build_args(as_of: dt.date, full_refresh: bool, unit_tests: bool = True) -> list[str]:
    """``unit_tests=False`` for a change-driven build: unit tests read fixed inputs, not the store, so their outcome
    changes only with the project's files, and a change of those makes the build a full one."""
    return [
        "build",
        *dbt_vars(as_of),
        *(["--full-refresh"] if full_refresh else []),
        *([] if unit_tests else ["--exclude-resource-type", "unit_test"]),
        "--no-write-json",
    ]


def finish_dbt(settings: Settings, ticket: BuildTicket, seconds: float) -> BuildTicket:
    """Note that dbt finished (with whatever outcome RESULTS_FILE holds) and how long it took; keep dbt's
    parse state and node results for the next run (dbt's parse does not depend on the build file's path)."""
    done = BuildTicket(**{**asdict(ticket), "dbt_seconds": round(seconds, 3)})
    done.save(settings)
    state = dbt_state_dir(settings)
    state.mkdir(parents=True, exist_ok=True)
    for name in CARRIED_ARTIFACTS:
        source = dbt_target_path(settings, ticket.run_id) / name
        if source.exists():
            tmp = state / f"{name}.{os.getpid()}.tmp"
            shutil.copyfile(source, tmp)
            os.replace(tmp, state / name)
    return done


def record_node_results(target: Path, nodes: list[NodeOutcome]) -> None:
    """Write what dbt reported for every node of a run (from its event stream) to the run's RESULTS_FILE."""
    results = [
        {"unique_id": n.unique_id, "status": n.status, "message": n.message, "execution_time": n.seconds} for n in nodes
    ]
    _write_atomically(target / RESULTS_FILE, json.dumps({"results": results}, indent=1))


def node_results(target: Path) -> list[NodeOutcome]:
    """Every node dbt ran in a run, from its RESULTS_FILE (empty when dbt did not get that far)."""
    try:
        data = json.loads((target / RESULTS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [
        NodeOutcome(
            unique_id=r["unique_id"],
            resource_type=r["unique_id"].split(".", 1)[0],
            status=str(r["status"]),
            message=str(r.get("message") or ""),
            seconds=float(r.get("execution_time") or 0.0),
        )
        for r in data.get("results", [])
    ]


def failure_message(failed: list[NodeOutcome], error: str | None = None) -> str:
    if failed:
        lines = [t("dbt build failed; the published warehouse was not changed. Failing nodes:")]
        for node in failed:
            first_lines = " ".join(node.message.strip().splitlines()[:3])
            lines.append(f"  {node.unique_id}: {first_lines}")
        return "\n".join(lines)
    return t("dbt build failed; the published warehouse was not changed: {error}", error=error or "?")


def check_build(settings: Settings, run_id: str) -> tuple[BuildTicket, list[NodeOutcome]]:
    """The run's ticket and node results, or BuildFailed unless dbt finished and every node passed."""
    ticket = BuildTicket.load(settings, run_id)
    nodes = node_results(dbt_target_path(settings, run_id))
    failed = [n for n in nodes if n.status in FAILED_STATUSES]
    if failed:
        raise BuildFailed(failure_message(failed), failed)
    if ticket.dbt_seconds is None or not build_path(settings).exists():
        raise BuildFailed(t("dbt did not finish run {run}; nothing was published.", run=run_id), [])
    if not nodes:
        raise BuildFailed(t("The selection matched no model or test; nothing was published."), [])
    return ticket, nodes


@contextmanager
def build_lock(settings: Settings, timeout: float = PUBLISH_LOCK_SECONDS) -> Iterator[None]:
    """One writer of the build file at a time per ERP_HOME: a run's dbt step holds it from preparing the file to
    dbt's end, a publish or a discard while it moves or removes the file. Not re-entrant."""
    import fcntl

    settings.build_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    with (settings.build_dir / "build.lock").open("w") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ServiceError(
                        t("Another build is publishing to {home}; try again later.", home=settings.home),
                        code="conflict",
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def publish(settings: Settings, run_id: str, keep: int = SNAPSHOTS_KEPT) -> Publication:
    """Publish a run's build when every dbt node passed: record it, keep a snapshot, swap it in, prune old ones."""
    path = build_path(settings)
    with build_lock(settings):
        ticket, _nodes = check_build(settings, run_id)
        marts = _mart_names(PROJECT_MANIFEST)
        publication = _record_publication(path, settings.warehouse_path, marts, ticket)
        assert publication.snapshot is not None
        snapshots = snapshot_dir(settings)
        snapshots.mkdir(parents=True, exist_ok=True)
        _link_or_copy(path, snapshots / publication.snapshot)
        _publish(path, settings.warehouse_path)
        remember_publication(settings.warehouse_path, publication)
        _prune_snapshots(snapshots, keep)
        ticket_path(settings).unlink(missing_ok=True)
    shutil.rmtree(run_dir(settings, run_id), ignore_errors=True)
    return publication


def discard_build(settings: Settings, run_id: str, keep_logs: bool = False, locked: bool = False) -> None:
    """Remove a run's build (if the build file is still that run's); after a failure, keep dbt's log and
    artifacts (a day) to find out why. ``locked``: the caller holds ``build_lock`` already."""
    with nullcontext() if locked else build_lock(settings):
        ticket = BuildTicket.current(settings)
        if ticket is not None and ticket.run_id == run_id:
            _clear_build(settings)
    if not keep_logs:
        shutil.rmtree(run_dir(settings, run_id), ignore_errors=True)


def _clear_build(settings: Settings) -> None:
    """Remove the build file, its write-ahead log and its ticket (under the build lock)."""
    path = build_path(settings)
    for p in (ticket_path(settings), path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def record_failure(settings: Settings, run_id: str, message: str) -> None:
    """Note a failed build, so the apps can say the data shown is older than the last attempt."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    data = {"run_id": run_id, "failed_at_utc": now.isoformat(), "message": message}
    _write_atomically(failure_path(settings), json.dumps(data, indent=2))


def snapshots(settings: Settings) -> list[Path]:
    """Published warehouses kept for inspection or rollback, oldest first."""
    directory = snapshot_dir(settings)
    return sorted(directory.glob("warehouse-*.duckdb")) if directory.exists() else []


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _remove_stale_runs(settings: Settings) -> None:
    """Build directories of runs that crashed long ago (a live run is never a day old)."""
    runs = settings.build_dir / "runs"
    if not runs.exists():
        return
    cutoff = time.time() - STALE_RUN_SECONDS
    for directory in runs.iterdir():
        if directory.is_dir() and directory.stat().st_mtime < cutoff:
            shutil.rmtree(directory, ignore_errors=True)


def _mart_names(manifest_path: Path) -> list[str]:
    """Tables built from models/marts/, read from the project's manifest (the one the Dagster assets are from)."""
    return sorted(
        node.get("alias") or node["name"]
        for node in load_manifest(manifest_path)["nodes"].values()
        if node["resource_type"] == "model" and len(node["fqn"]) > 1 and node["fqn"][1] == "marts"
    )


PUBLICATION_COLUMNS = (
    "publication_id integer primary key, published_at_utc timestamp not null, as_of date not null, "
    "selection varchar not null, row_counts varchar not null, dbt_seconds double not null, run_id varchar, "
    "snapshot varchar"
)


def _record_publication(path: Path, previous: Path, marts: list[str], ticket: BuildTicket) -> Publication:
    """Write the publication history (carried over from the served warehouse) plus this one into the build."""
    conn = duckdb.connect(str(path))
    try:
        tables = {
            row[0]
            for row in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'main'"  # views too
            ).fetchall()
        }
        counts = {}
        for name in marts:
            if name in tables:
                row = conn.execute(f'select count(*) from main."{name}"').fetchone()
                counts[name] = int(row[0]) if row else 0
        conn.execute("create schema if not exists erp_meta")
        # The build may be a copy of an older publication: the history is taken from the one served now.
        conn.execute(f"drop table if exists {PUBLICATION_TABLE}")
        conn.execute(f"create table {PUBLICATION_TABLE} ({PUBLICATION_COLUMNS})")
        if previous.exists():
            _copy_history(conn, previous)
        row = conn.execute(f"select coalesce(max(publication_id), 0) + 1 from {PUBLICATION_TABLE}").fetchone()
        publication_id = int(row[0]) if row else 1
        snapshot = f"warehouse-{publication_id:06d}-{ticket.as_of.isoformat()}-{ticket.run_id[:8]}.duckdb"
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        conn.execute(
            f"insert into {PUBLICATION_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                publication_id,
                now,
                ticket.as_of,
                ticket.selection,
                json.dumps(counts, sort_keys=True),
                ticket.dbt_seconds or 0.0,
                ticket.run_id,
                snapshot,
            ],
        )
        conn.execute("checkpoint")
        publication = read_publication(conn)
    finally:
        conn.close()
    assert publication is not None
    return publication


def _copy_history(conn: duckdb.DuckDBPyConnection, previous: Path) -> None:
    escaped = str(previous).replace("'", "''")
    try:
        conn.execute(f"ATTACH '{escaped}' AS previous_publication (READ_ONLY)")
    except duckdb.Error:
        return  # unreadable old warehouse: the history starts again, the build itself is fine
    try:
        columns = {
            row[0]
            for row in conn.execute(
                "select column_name from duckdb_columns() where database_name = 'previous_publication' "
                "and schema_name = 'erp_meta' and table_name = 'publication'"
            ).fetchall()
        }
        if columns:
            extra = ", ".join(c if c in columns else "null" for c in ("run_id", "snapshot"))
            conn.execute(
                f"insert into {PUBLICATION_TABLE} select publication_id, published_at_utc, as_of, selection, "
                f"row_counts, dbt_seconds, {extra} from previous_publication.{PUBLICATION_TABLE}"
            )
    finally:
        conn.execute("DETACH previous_publication")


def _link_or_copy(source: Path, target: Path) -> None:
    """A snapshot shares the published file's blocks (a hard link): published files are never written in place."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _prune_snapshots(directory: Path, keep: int) -> None:
    kept = sorted(directory.glob("warehouse-*.duckdb"))
    for old in kept[: max(0, len(kept) - keep)]:
        old.unlink(missing_ok=True)


def _publish(path: Path, target: Path) -> None:
    """Durably move the finished build over the published warehouse in one rename."""
    if path.with_name(path.name + ".wal").exists():
        raise ServiceError(t("The build file {path} was not closed cleanly; nothing was published.", path=path))
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    # A write-ahead log beside the published file would be replayed into the new file: there must be none.
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    os.replace(path, target)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def node_line(node: NodeOutcome) -> str:
    """One progress line per dbt node, as `erp build` prints it."""
    label = t(STATUS_LABELS[node.status]) if node.status in STATUS_LABELS else node.status.upper()
    kind, _, name = node.unique_id.partition(".")
    name = name.split(".", 1)[-1]
    return f"  {label:<5} {kind} {name} ({node.seconds:.2f}s)"


def nothing_to_build(settings: Settings, current: Publication, out: Printer, started: float) -> BuildResult:
    """An everyday build's answer when no model reads what changed: the served publication is current."""
    out(
        t("Nothing to build: no warehouse model reads what changed since publication #{id}.", id=current.publication_id)
    )
    return BuildResult(publication=current, path=settings.warehouse_path, seconds=time.monotonic() - started)


def build(
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    select: list[str] | None = None,
    out: Printer = print,
    full_refresh: bool = False,
) -> BuildResult:
    """`erp build`: run the Dagster warehouse job in this process (dbt build, publish, alerts) and wait for it.

    Raises BuildFailed, with the failing dbt nodes, when nothing was published. The orchestration lives in
    ``pipelines/``; this entry point stays here so callers need not know about Dagster. An everyday build first
    compares the store with the publication, without Dagster: when no model reads what changed, it says so and
    returns the publication (importing Dagster, dagster-dbt and dbt alone takes 7-8 s).
    """
    started = time.monotonic()
    settings = settings or load_settings()
    as_of = as_of or dt.date.today()
    changes = None
    if not select and not full_refresh and PROJECT_MANIFEST.exists():  # the manifest the Dagster assets are from
        manifest = load_manifest(PROJECT_MANIFEST)
        changes = dbt_store_changes(settings, as_of, manifest)
        if changes.tables is not None and not models_to_rebuild(manifest, changes.tables):
            current = last_publication(settings)
            if current is not None:
                return nothing_to_build(settings, current, out, started)
    from pipelines.inprocess import run_warehouse_job

    return run_warehouse_job(settings, as_of=as_of, select=select, out=out, full_refresh=full_refresh, changes=changes)
