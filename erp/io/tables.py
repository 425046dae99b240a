"""Reading and writing tabular files: CSV in UTF-8 or GB18030, and Excel workbooks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from erp.i18n import t

SUPPORTED_SUFFIXES = (".csv", ".xlsx")


class TableReadError(Exception):
    pass


@dataclass
class Table:
    """A file's header and its rows, each with the line (or Excel row) number people see."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030, which Chinese Excel writes by default."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise TableReadError(t("the file is neither UTF-8 nor GB18030 text")) from None


def read_table(path: Path) -> Table:
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    text = decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TableReadError(t("the file is empty")) from None
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num
        if len(values) > len(header):
            raise TableReadError(t("line {line} has more cells than the header", line=line))
        rows.append((line, dict(zip(header, values, strict=False))))
    return Table(path, header, rows)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise TableReadError(t("not a readable Excel workbook: {error}", error=exc)) from None
    sheet = workbook.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    try:
        header = ["" if h is None else str(h).strip() for h in next(it)]
    except StopIteration:
        raise TableReadError(t("the file is empty")) from None
    rows = []
    for number, values in enumerate(it, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {h: v for h, v in zip(header, values, strict=False) if h}))
    workbook.close()
    return Table(path, header, rows)


def write_table(path: Path, header: list[str], rows: Iterable[dict[str, Any]], encoding: str = "utf-8-sig") -> int:
    """Write rows to CSV (in ``encoding``; the default has a BOM so Excel opens Chinese text) or .xlsx."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(h) for h in header])
            count += 1
        workbook.save(path)
        return count
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(h) is None else row.get(h) for h in header])
            count += 1
    return count
