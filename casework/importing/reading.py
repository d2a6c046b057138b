"""Reading a survey list: CSV in the encodings Thai spreadsheets save (UTF-8, UTF-8 with
a byte-order mark, UTF-16, TIS-620) with whichever separator it uses, or XLSX; finding
the header row below a title block; cells as the text a CSV would hold."""
from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casework.importing.columns import REQUIRED, Columns, clean_text, map_header
from casework.importing.problems import FileError

HEADER_SEARCH_ROWS = 20        # a header may sit below a title block; look this far down for it


@dataclass
class Table:
    """The file's header and its data rows, numbered as a spreadsheet shows them."""

    header: list[str]
    header_row: int
    columns: Columns
    rows: Iterator[tuple[int, list[str]]]
    kind: str = ""  # how the file was read, for the summary: "CSV (utf-8, comma-separated)"
    encoding: str | None = None
    delimiter: str | None = None


def detect_encoding(path: Path) -> str:
    """A byte-order mark decides; else UTF-8 if the whole file decodes strictly; else
    CP874 (Windows' TIS-620, what Thai Excel saves as "CSV")."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp874"
    return "utf-8"


def detect_delimiter(lines: Iterable[str]) -> str:
    """Comma, semicolon or tab: whichever the first lines use most (a header has no prose)."""
    best, best_count = ",", 0
    sample = list(lines)
    for candidate in (",", ";", "\t"):
        count = max((line.count(candidate) for line in sample), default=0)
        if count > best_count:
            best, best_count = candidate, count
    return best


@contextmanager
def open_table(path: Path, sheet: str | None = None) -> Iterator[Table]:
    """Open a CSV or XLSX file and find its header row; raises ``FileError``."""
    if not path.is_file():
        raise FileError(f"{path}: no such file")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        with _open_xlsx(path, sheet) as table:
            yield table
    elif path.suffix.lower() == ".xls":
        raise FileError(f"{path.name}: old Excel (.xls) files cannot be read; save it as .xlsx or CSV")
    else:
        if sheet is not None:
            raise FileError("--sheet applies only to XLSX files")
        with _open_csv(path) as table:
            yield table


@contextmanager
def _open_csv(path: Path) -> Iterator[Table]:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        try:
            head = [handle.readline() for _ in range(HEADER_SEARCH_ROWS)]
        except UnicodeDecodeError:
            raise FileError(f"{path.name}: not UTF-8, UTF-16 or TIS-620 text") from None
        delimiter = detect_delimiter(line for line in head if line.strip())
        handle.seek(0)
        records = enumerate(csv.reader(handle, delimiter=delimiter), start=1)

        def cells() -> Iterator[tuple[int, list[str]]]:
            try:
                yield from records
            except UnicodeDecodeError:
                raise FileError(f"{path.name}: a byte is not valid {encoding} text; save the file "
                                "as UTF-8 CSV") from None
            except csv.Error as error:
                raise FileError(f"{path.name}: not a readable CSV file ({error})") from None

        separator = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
        yield _with_header(path, cells(), kind=f"CSV ({encoding}, {separator}-separated)", encoding=encoding,
                           delimiter=delimiter)


@contextmanager
def _open_xlsx(path: Path, sheet: str | None) -> Iterator[Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise FileError(f"{path.name}: not a readable XLSX file ({error.__class__.__name__})") from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise FileError(f"{path.name} has no sheet {sheet!r}; it has {', '.join(workbook.sheetnames)}")

        def cells() -> Iterator[tuple[int, list[str]]]:
            # min_row=1: read-only sheets then fill skipped empty rows, so numbers stay true
            for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
                yield number, [cell_text(value) for value in values]

        yield _with_header(path, cells(), kind=f"XLSX (sheet {worksheet.title!r})")
    finally:
        workbook.close()


def _with_header(path: Path, rows: Iterator[tuple[int, list[str]]], **details: Any) -> Table:
    best: tuple[int, Columns] | None = None
    for number, cells in rows:
        cells = [clean_text(cell) for cell in cells]
        if not any(cells):
            continue
        columns = map_header(cells)
        if not columns.missing:
            return Table(header=cells, header_row=number, columns=columns, rows=rows, **details)
        if best is None or len(columns.index) > len(best[1].index):
            best = (number, columns)
        if number >= HEADER_SEARCH_ROWS:
            break
    if best is None or not best[1].index:
        raise FileError(f"{path.name}: no header row found; the columns "
                        f"{', '.join(REQUIRED)} are needed (see docs/import-format.md)")
    raise FileError(f"{path.name}: row {best[0]} looks like the header but has no column for "
                    f"{', '.join(best[1].missing)} (see docs/import-format.md)")


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold: whole numbers without ``.0``
    (citizen IDs, phones), dates as yyyy-mm-dd (a year typed in the Buddhist era is
    converted), everything else as shown."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value.year > 2400:
            try:
                value = value.replace(year=value.year - 543)
            except ValueError:
                return f"{value.day:02d}/{value.month:02d}/{value.year}"
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return clean_text(str(value))
