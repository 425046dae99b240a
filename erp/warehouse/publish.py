"""`erp build`: run dbt into a fresh DuckDB file and publish it atomically, only when everything passed.

Readers keep whatever file they opened: ``os.replace`` swaps the directory entry, so an open reader goes on
reading the old file and the next connection sees the new one. A failed model or test deletes the build file
and leaves the published warehouse as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from erp.config import Settings, load_settings
from erp.errors import ServiceError
from erp.fields import N_
from erp.i18n import t
from erp.warehouse.dbt import DbtOutcome, NodeOutcome, dbt_environment, dbt_target_dir, run_dbt
from erp.warehouse.read import PUBLICATION_TABLE, Publication, read_publication

Printer = Callable[[str], None]

# dbt node statuses as shown in the progress lines
STATUS_LABELS = {
    "success": N_("OK"),
    "pass": N_("PASS"),
    "fail": N_("FAIL"),
    "error": N_("ERROR"),
    "runtime error": N_("ERROR"),
    "skipped": N_("SKIP"),
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


def build_path(settings: Settings) -> Path:
    """Where dbt writes. Same file name as the published warehouse, so the DuckDB catalog name never changes."""
    return settings.build_dir / "next" / settings.warehouse_path.name


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build at a time per ERP_HOME: a second `erp build` fails at once instead of sharing the build file."""
    import fcntl

    settings.build_dir.mkdir(parents=True, exist_ok=True)
    with (settings.build_dir / "build.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServiceError(
                t("Another `erp build` is running for {home}.", home=settings.home), code="conflict"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_database(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _mart_names(settings: Settings) -> list[str]:
    """Tables built from models/marts/, read from the manifest dbt just wrote."""
    manifest = json.loads((dbt_target_dir(settings) / "target" / "manifest.json").read_text(encoding="utf-8"))
    return sorted(
        node.get("alias") or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and len(node["fqn"]) > 1 and node["fqn"][1] == "marts"
    )


def _record_publication(
    path: Path, previous: Path, marts: list[str], as_of: dt.date, selection: str, dbt_seconds: float
) -> Publication:
    """Append this publication (with the history carried over from the previous warehouse) inside the build."""
    conn = duckdb.connect(str(path))
    try:
        tables = {
            row[0]
            for row in conn.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()
        }
        counts = {}
        for name in marts:
            if name in tables:
                row = conn.execute(f'select count(*) from main."{name}"').fetchone()
                counts[name] = int(row[0]) if row else 0
        conn.execute("create schema if not exists erp_meta")
        conn.execute(
            f"create table if not exists {PUBLICATION_TABLE} (publication_id integer primary key, "
            "published_at_utc timestamp not null, as_of date not null, selection varchar not null, "
            "row_counts varchar not null, dbt_seconds double not null)"
        )
        empty = conn.execute(f"select count(*) from {PUBLICATION_TABLE}").fetchone()
        if empty and empty[0] == 0 and previous.exists():
            _copy_history(conn, previous)
        row = conn.execute(f"select coalesce(max(publication_id), 0) + 1 from {PUBLICATION_TABLE}").fetchone()
        publication_id = int(row[0]) if row else 1
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        conn.execute(
            f"insert into {PUBLICATION_TABLE} values (?, ?, ?, ?, ?, ?)",
            [publication_id, now, as_of, selection, json.dumps(counts, sort_keys=True), round(dbt_seconds, 3)],
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
        found = conn.execute(
            "select count(*) from duckdb_tables() where database_name = 'previous_publication' "
            "and schema_name = 'erp_meta' and table_name = 'publication'"
        ).fetchone()
        if found and found[0]:
            conn.execute(f"insert into {PUBLICATION_TABLE} select * from previous_publication.{PUBLICATION_TABLE}")
    finally:
        conn.execute("DETACH previous_publication")


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


def _node_printer(out: Printer) -> Callable[[NodeOutcome], None]:
    lock = threading.Lock()

    def show(node: NodeOutcome) -> None:
        label = t(STATUS_LABELS[node.status]) if node.status in STATUS_LABELS else node.status.upper()
        kind, _, name = node.unique_id.partition(".")
        name = name.split(".", 1)[-1]
        with lock:
            out(f"  {label:<5} {kind} {name} ({node.seconds:.2f}s)")

    return show


def _failure_message(outcome: DbtOutcome) -> str:
    if outcome.failed:
        lines = [t("dbt build failed; the published warehouse was not changed. Failing nodes:")]
        for node in outcome.failed:
            first_lines = " ".join(node.message.strip().splitlines()[:3])
            lines.append(f"  {node.unique_id}: {first_lines}")
        return "\n".join(lines)
    return t("dbt build failed; the published warehouse was not changed: {error}", error=outcome.error or "?")


def _build_and_publish(
    settings: Settings, path: Path, as_of: dt.date, select: list[str] | None, out: Printer
) -> Publication:
    """The steps of `build`, in order; any exception leaves the published warehouse untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_database(path)
    out(t("[1/4] Preparing {path} (as of {as_of})", path=path, as_of=as_of.isoformat()))
    if select and settings.warehouse_path.exists():
        shutil.copyfile(settings.warehouse_path, path)
    env = dbt_environment(settings, path)

    out(t("[2/4] Running dbt build (models and tests)"))
    command = ["build", *(["--select", *select] if select else [])]
    dbt_started = time.monotonic()
    outcome = run_dbt(command, env, settings, {"as_of": as_of.isoformat()}, on_node=_node_printer(out))
    dbt_seconds = time.monotonic() - dbt_started
    if not outcome.success:
        raise BuildFailed(_failure_message(outcome), outcome.failed)
    if not outcome.nodes:
        raise BuildFailed(t("The selection matched no model or test; nothing was published."), [])
    out("      " + t("{count} nodes passed in {seconds:.1f}s", count=len(outcome.nodes), seconds=dbt_seconds))

    out(t("[3/4] Recording the publication"))
    selection = " ".join(select) if select else "*"
    publication = _record_publication(
        path, settings.warehouse_path, _mart_names(settings), as_of, selection, dbt_seconds
    )

    out(t("[4/4] Publishing {path}", path=settings.warehouse_path))
    _publish(path, settings.warehouse_path)
    return publication


def build(
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    select: list[str] | None = None,
    out: Printer = print,
) -> BuildResult:
    """Run `dbt build` (models and tests) into a fresh file and publish it when everything passed.

    Without ``select`` the build starts from an empty file. With ``select`` it starts from a copy of the
    published warehouse, so the models left out keep their published tables.
    """
    settings = settings or load_settings()
    as_of = as_of or dt.date.today()
    started = time.monotonic()
    with build_lock(settings):
        path = build_path(settings)
        try:
            publication = _build_and_publish(settings, path, as_of, select, out)
        finally:
            _remove_database(path)  # gone after a publish; a failed or interrupted build leaves no file
    seconds = time.monotonic() - started
    out(
        t(
            "Published warehouse #{id} ({marts} marts) in {seconds:.1f}s",
            id=publication.publication_id,
            marts=len(publication.row_counts),
            seconds=seconds,
        )
    )
    return BuildResult(publication=publication, path=settings.warehouse_path, seconds=seconds)
