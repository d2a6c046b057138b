"""Writing CSV and XLSX files that are safe to open in Excel or LibreOffice.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
taken as a formula by spreadsheet programs: ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0``
typed into a survey list would come back live in a file Kaejon writes. Every such text
gets a leading single quote (OWASP's advice for CSV injection), which the program shows
and does not run. Numbers that Kaejon itself writes (counts, amounts, ages, row numbers)
are passed as ``int``/``float`` and stay numbers, negative or not: they cannot carry a
formula. The same digits arriving as *text* from a file are quoted like any text.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def neutralise(value: Cell) -> Cell:
    """The cell as it should be written: text that a spreadsheet would run as a formula
    gets a leading ``'``; numbers and everything else are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``neutralise``."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Cell]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Cell]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **options: Any) -> SafeWriter:
    """The only way Kaejon writes CSV; ``options`` as for ``csv.writer``."""
    return SafeWriter(handle, **options)


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Sheet1") -> None:
    """One sheet, written in streaming mode; text cells are neutralised and stored as text
    (never as a formula), numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)

    def cells(row: Sequence[Cell]) -> list[Any]:
        written = []
        for value in row:
            safe = neutralise(value)
            cell = WriteOnlyCell(sheet, value=safe)
            if isinstance(safe, str):
                cell.data_type = "s"  # openpyxl would otherwise store a text starting with "=" as a formula
            written.append(cell)
        return written

    sheet.append(cells(list(header)))
    for row in rows:
        sheet.append(cells(row))
    workbook.save(path)
