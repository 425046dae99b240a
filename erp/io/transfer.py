"""`erp import` and `erp export` of master data and documents, through the service layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from erp.errors import ServiceError
from erp.i18n import t
from erp.io.documents import DOCUMENT_ORDER, DOCUMENTS, import_document_rows
from erp.io.tables import SUPPORTED_SUFFIXES, TableReadError, read_table, write_table
from erp.registry import CONFIDENTIAL, ENTITIES, import_order
from erp.services.base import Session
from erp.services.records import export_rows


@dataclass(frozen=True)
class ImportProblem:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


class ImportFailed(Exception):
    """Nothing was imported; ``problems`` lists every bad line found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def find_files(directory: Path) -> tuple[dict[str, Path], list[ImportProblem]]:
    files: dict[str, Path] = {}
    problems = []
    if not directory.is_dir():
        return {}, [ImportProblem(str(directory), 0, "", t("is not a directory"))]
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.startswith((".", "~$")):
            continue
        if path.stem not in ENTITIES and path.stem not in DOCUMENTS:
            known = ", ".join(sorted([*ENTITIES, *DOCUMENTS]))
            problems.append(ImportProblem(path.name, 0, "", t("is not a known file name; known: {known}", known=known)))
        elif path.stem in files:
            problems.append(ImportProblem(path.name, 0, "", t("is given twice (CSV and Excel)")))
        else:
            files[path.stem] = path
    if not files and not problems:
        problems.append(ImportProblem(str(directory), 0, "", t("holds no CSV or Excel file to import")))
    return files, problems


def import_dir(session: Session, directory: Path) -> ImportReport:
    """Import every ``<entity>.csv`` (or .xlsx) in ``directory`` in dependency order, all or nothing.

    Each row goes through the entity's save action (create, or update when its key exists), so every rule of
    the service layer holds. All bad rows are collected; if there is any, the whole import rolls back.
    """
    session.require("data.import")
    files, problems = find_files(directory)
    report = ImportReport()
    tables = {}
    for name, path in files.items():
        try:
            tables[name] = read_table(path)
        except TableReadError as exc:
            problems.append(ImportProblem(path.name, 0, "", str(exc)))
            continue
        header = tables[name].header
        if name in DOCUMENTS:
            fmt = DOCUMENTS[name]
            required = [fmt.group] if fmt.group else []
            for column in required + [c.name for c in fmt.columns if c.required]:
                if column not in header:
                    problems.append(ImportProblem(path.name, 1, column, t("required column is missing")))
            extra = [h for h in header if h and h not in fmt.header_names]
            if extra:
                note = t("{file}: ignored extra columns: {columns}", file=path.name, columns=", ".join(extra))
                report.notes.append(note)
            continue
        fields = ENTITIES[name].entity.fields
        for f in fields:
            if f.required and f.name not in header:
                problems.append(ImportProblem(path.name, 1, f.name, t("required column is missing")))
        extra = [h for h in header if h and h not in fields.by_name]
        if extra:
            report.notes.append(t("{file}: ignored extra columns: {columns}", file=path.name, columns=", ".join(extra)))
    if problems:
        raise ImportFailed(problems)

    try:
        with session.transaction():
            for name in import_order([n for n in tables if n in ENTITIES]):
                actions, table = ENTITIES[name], tables[name]
                known = actions.entity.fields.by_name
                for line, row in table.rows:
                    data = {k: v for k, v in row.items() if k in known}
                    try:
                        actions.save(session, data)
                    except ServiceError as exc:
                        problems += [ImportProblem(table.path.name, line, e.field, e.message) for e in exc.errors]
                report.counts[name] = len(table.rows)
            for name in DOCUMENT_ORDER:  # documents after the master data they refer to
                if name not in tables:
                    continue
                table = tables[name]
                count, found = import_document_rows(session, DOCUMENTS[name], table.path.name, table.rows)
                problems += [ImportProblem(table.path.name, line, column, reason) for line, column, reason in found]
                report.counts[name] = count
            if problems:
                raise ImportFailed(problems)
    except ServiceError as exc:  # e.g. permission refused for one entity: nothing is kept
        raise ImportFailed([ImportProblem("", 0, e.field, e.message) for e in exc.errors]) from exc
    return report


def export_entity(session: Session, name: str, out: Path, encoding: str = "utf-8-sig") -> int:
    """Write every record of an entity in its import format, so an export can be imported again."""
    session.require("data.export")
    if name in CONFIDENTIAL:
        session.require("hr.confidential")
    if name not in ENTITIES:
        raise ServiceError(t("unknown entity {name}; known: {known}", name=name, known=", ".join(sorted(ENTITIES))))
    entity = ENTITIES[name].entity
    with session.read() as conn:
        rows = export_rows(conn, entity)
    return write_table(out, [f.name for f in entity.fields], rows, encoding=encoding)


def template_header(name: str) -> list[str]:
    if name in DOCUMENTS:
        return DOCUMENTS[name].header_names
    if name not in ENTITIES:
        raise ServiceError(t("unknown entity {name}; known: {known}", name=name, known=", ".join(sorted(ENTITIES))))
    return [f.name for f in ENTITIES[name].entity.fields]
