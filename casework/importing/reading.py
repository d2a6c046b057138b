"""Reading a survey list: CSV in the encodings Thai spreadsheets save (UTF-8, UTF-8 with
a byte-order mark, UTF-16, TIS-620) with whichever separator it uses, or XLSX; finding
the header row below a title block; cells as the text a CSV would hold.

A file is refused (``FileRefused``) before it can exhaust memory: its size, rows,
columns, cell and line lengths are bounded, and an XLSX zip's unpacked sizes are checked
from its directory before openpyxl opens it (Python's zipfile never unpacks a member
beyond the size the directory declares, so the declared sizes are a true bound)."""
from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casework.importing.columns import REQUIRED, Columns, clean_text, map_header
from casework.importing.problems import FileError, FileRefused

HEADER_SEARCH_ROWS = 20        # a header may sit below a title block; look this far down for it
# Limits: a province's survey (about a million people) fits well within them.
MAX_FILE_BYTES = 512 << 20     # the file as stored
MAX_ROWS = 2_000_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 2_000         # names are at most 100; a longer cell is not survey data
MAX_LINE_CHARS = 200_000       # one CSV line, read at most this far before it is refused
MAX_XLSX_UNPACKED = 1 << 30    # all of an XLSX zip's parts together, unpacked
MAX_XLSX_RATIO = 200           # unpacked / packed for a part over 1 MB; spreadsheets pack 5-20 times
MAX_XLSX_PARTS = 10_000


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
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileRefused("too_big", file=path.name, size=_megabytes(size), limit=_megabytes(MAX_FILE_BYTES))
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
            head = [handle.readline(MAX_LINE_CHARS + 1) for _ in range(HEADER_SEARCH_ROWS)]
        except UnicodeDecodeError:
            raise FileError(f"{path.name}: not UTF-8, UTF-16 or TIS-620 text") from None
        delimiter = detect_delimiter(line for line in head if line.strip())
        handle.seek(0)
        records = enumerate(csv.reader(_lines(path, handle), delimiter=delimiter), start=1)

        def cells() -> Iterator[tuple[int, list[str]]]:
            try:
                yield from _bounded(path, records)
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

    _check_zip(path)
    # our own handle, closed below even when a part fails half-read and openpyxl's stays open
    handle = path.open("rb")
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or mislabelled file
        handle.close()
        raise FileRefused("not_xlsx", file=path.name) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise FileError(f"{path.name} has no sheet {sheet!r}; it has {', '.join(workbook.sheetnames)}")

        def cells() -> Iterator[tuple[int, list[str]]]:
            # min_row=1: read-only sheets then fill skipped empty rows, so numbers stay true
            # rows are padded to the sheet's declared width; a hostile width is cut short
            declared = worksheet.max_column
            width = None if declared and declared <= MAX_COLUMNS else MAX_COLUMNS + 1
            rows = worksheet.iter_rows(min_row=1, max_col=width, values_only=True)
            try:
                for number, values in _bounded(path, enumerate(rows, start=1)):
                    yield number, [cell_text(value) for value in values]
            except FileError:
                raise
            except Exception:  # a part damaged past the directory (bad CRC, broken XML)
                raise FileRefused("not_xlsx", file=path.name) from None

        yield _with_header(path, cells(), kind=f"XLSX (sheet {worksheet.title!r})")
    finally:
        workbook.close()
        handle.close()


def _megabytes(size: int) -> int:
    return -(-size // (1 << 20))


def _lines(path: Path, handle: Any) -> Iterator[str]:
    """The file's lines, each read at most ``MAX_LINE_CHARS`` far: a 50 MB line is refused
    having read 200,000 characters of it. A NUL never belongs in a text file."""
    row = 0
    while True:
        line = handle.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        row += 1
        if len(line) > MAX_LINE_CHARS:
            raise FileRefused("line_too_long", file=path.name, row=row - 1, limit=MAX_LINE_CHARS)
        if "\0" in line:
            raise FileRefused("binary", file=path.name)
        yield line


def _bounded(path: Path, rows: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """The rows, refused past ``MAX_ROWS``, ``MAX_COLUMNS`` or a cell of ``MAX_CELL_CHARS``."""
    for number, cells in rows:
        if number > MAX_ROWS:
            raise FileRefused("too_many_rows", file=path.name, limit=MAX_ROWS)
        if len(cells) > MAX_COLUMNS:
            if any(cell not in (None, "") for cell in cells[MAX_COLUMNS:]):
                raise FileRefused("too_many_columns", file=path.name, row=number, limit=MAX_COLUMNS)
            cells = cells[:MAX_COLUMNS]
        for column, cell in enumerate(cells, start=1):
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise FileRefused("cell_too_long", file=path.name, row=number, column=column, count=len(cell),
                                  limit=MAX_CELL_CHARS)
        yield number, cells


def _check_zip(path: Path) -> None:
    """Refuse a damaged zip or a zip bomb from the zip's directory alone, unpacking nothing."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused("not_xlsx", file=path.name) from None
    if not parts or len(parts) > MAX_XLSX_PARTS:
        raise FileRefused("not_xlsx", file=path.name)
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_XLSX_UNPACKED:
        raise FileRefused("xlsx_too_big", file=path.name, size=_megabytes(unpacked),
                          limit=_megabytes(MAX_XLSX_UNPACKED))
    for part in parts:
        if part.file_size > 1 << 20 and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            raise FileRefused("zip_bomb", file=path.name, ratio=part.file_size // max(part.compress_size, 1))


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
