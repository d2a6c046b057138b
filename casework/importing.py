"""Survey lists into the household registry: read a CSV or XLSX file, check every row,
store the good rows in bulk, list the rejected ones with their reasons.

One row is one person; rows with the same village code and house number are one
household. A file is read and checked completely before anything is stored, so a
file that cannot be read stores nothing. Storing then goes in batches, each its own
transaction: an import stopped half-way is finished by running it again, because
importing is idempotent (persons are found by their citizen ID's look-up hash,
households by their address key).

Thai spreadsheets carry Thai headers and words; the words this module accepts are
written as ``\\u`` escapes (no Thai text in Python source) and listed readably in
``docs/import-format.md``, which a test keeps in step with the code.

Health and disability data are sensitive under the PDPA and need explicit consent,
which a survey list does not carry: such columns are recognised, never stored, and
counted in the summary.
"""
from __future__ import annotations

import codecs
import csv
import gc
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, any_, bindparam, insert, select, update
from sqlalchemy import Table as SqlTable
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from casework import areas, audit, citizen_id, household_status
from casework.conditions import CHOICES
from casework.crypto import Sealer
from casework.entitlements.facts import RECEIVED
from casework.models import AuditEntry, Household, Person, Village
from casework.questionnaire import default as default_questionnaire
from casework.registry import address_key
from casework.thai_input import InputError, ascii_digits, parse_amount, parse_birth_date
from casework.thai_time import thai_today
from casework.unit_of_work import UnitOfWork

BATCH_PERSONS = 2_000          # persons per transaction: one look-up query each for households and persons
HEADER_SEARCH_ROWS = 20        # a header may sit below a title block; look this far down for it
INCOME_MAXIMUM = 9_999_999     # income per person per year: below ten million baht
AMOUNT_MAXIMUM = 99_999_999    # household debt and savings
MAX_NAME = 100
SEALED = "(sealed)"            # what the audit log says of a sealed field instead of its value

# ---------------------------------------------------------------------------------------------
# Columns

FIELDS = (
    "village_code", "house_no", "street", "citizen_id", "first_name", "last_name", "relation", "sex",
    "birth_date", "phone", "education", "occupation", "income_per_year", "welfare",
    "housing_condition", "land", "water", "debt", "savings",
)
REQUIRED = ("village_code", "house_no", "citizen_id", "first_name", "last_name", "relation")
HOUSEHOLD_FIELDS = ("street", "housing_condition", "land", "water", "debt", "savings")

# Header names each column is known by: English first, then Thai (see docs/import-format.md).
HEADERS: dict[str, tuple[str, ...]] = {
    "village_code": (
        "village_code", "village", "village_id",
        "\u0e23\u0e2b\u0e31\u0e2a\u0e2b\u0e21\u0e39\u0e48\u0e1a\u0e49\u0e32\u0e19",  # village code
    ),
    "house_no": (
        "house_no", "house_number", "house",
        "\u0e1a\u0e49\u0e32\u0e19\u0e40\u0e25\u0e02\u0e17\u0e35\u0e48",  # house number
        "\u0e40\u0e25\u0e02\u0e17\u0e35\u0e48\u0e1a\u0e49\u0e32\u0e19",  # number of the house
        "\u0e40\u0e25\u0e02\u0e17\u0e35\u0e48",  # number
    ),
    "street": (
        "street", "road",
        "\u0e16\u0e19\u0e19",  # road
        "\u0e16\u0e19\u0e19/\u0e0b\u0e2d\u0e22",  # road/lane
    ),
    "citizen_id": (
        "citizen_id", "national_id", "id_card", "pid",
        "\u0e40\u0e25\u0e02\u0e1a\u0e31\u0e15\u0e23\u0e1b\u0e23\u0e30\u0e0a\u0e32\u0e0a\u0e19",  # ID card number
        # citizen identification number
        "\u0e40\u0e25\u0e02\u0e1b\u0e23\u0e30\u0e08\u0e33\u0e15\u0e31\u0e27\u0e1b\u0e23\u0e30\u0e0a\u0e32"
        "\u0e0a\u0e19",
        # citizen ID card number
        "\u0e40\u0e25\u0e02\u0e1a\u0e31\u0e15\u0e23\u0e1b\u0e23\u0e30\u0e08\u0e33\u0e15\u0e31\u0e27\u0e1b"
        "\u0e23\u0e30\u0e0a\u0e32\u0e0a\u0e19",
    ),
    "first_name": (
        "first_name", "firstname", "given_name",
        "\u0e0a\u0e37\u0e48\u0e2d",  # name
    ),
    "last_name": (
        "last_name", "lastname", "surname", "family_name",
        "\u0e19\u0e32\u0e21\u0e2a\u0e01\u0e38\u0e25",  # surname
    ),
    "relation": (
        "relation", "relationship",
        "\u0e04\u0e27\u0e32\u0e21\u0e2a\u0e31\u0e21\u0e1e\u0e31\u0e19\u0e18\u0e4c",  # relation
        # relation to the head of household
        "\u0e04\u0e27\u0e32\u0e21\u0e2a\u0e31\u0e21\u0e1e\u0e31\u0e19\u0e18\u0e4c\u0e01\u0e31\u0e1a\u0e2b"
        "\u0e31\u0e27\u0e2b\u0e19\u0e49\u0e32\u0e04\u0e23\u0e31\u0e27\u0e40\u0e23\u0e37\u0e2d\u0e19",
    ),
    "sex": (
        "sex", "gender",
        "\u0e40\u0e1e\u0e28",  # sex
    ),
    "birth_date": (
        "birth_date", "birthdate", "date_of_birth", "dob",
        "\u0e27\u0e31\u0e19\u0e40\u0e01\u0e34\u0e14",  # birthday
        "\u0e27\u0e31\u0e19\u0e40\u0e14\u0e37\u0e2d\u0e19\u0e1b\u0e35\u0e40\u0e01\u0e34\u0e14",  # date of birth
    ),
    "phone": (
        "phone", "telephone", "mobile", "tel",
        "\u0e42\u0e17\u0e23\u0e28\u0e31\u0e1e\u0e17\u0e4c",  # telephone
        "\u0e40\u0e1a\u0e2d\u0e23\u0e4c\u0e42\u0e17\u0e23",  # phone number (spoken)
        "\u0e40\u0e1a\u0e2d\u0e23\u0e4c\u0e42\u0e17\u0e23\u0e28\u0e31\u0e1e\u0e17\u0e4c",  # phone number
    ),
    "education": (
        "education",
        "\u0e01\u0e32\u0e23\u0e28\u0e36\u0e01\u0e29\u0e32",  # education
        "\u0e23\u0e30\u0e14\u0e31\u0e1a\u0e01\u0e32\u0e23\u0e28\u0e36\u0e01\u0e29\u0e32",  # level of education
    ),
    "occupation": (
        "occupation", "job",
        "\u0e2d\u0e32\u0e0a\u0e35\u0e1e",  # occupation
    ),
    "income_per_year": (
        "income_per_year", "income", "annual_income", "income_baht_year",
        "\u0e23\u0e32\u0e22\u0e44\u0e14\u0e49\u0e15\u0e48\u0e2d\u0e1b\u0e35",  # income per year
        "\u0e23\u0e32\u0e22\u0e44\u0e14\u0e49",  # income
    ),
    "welfare": (
        "welfare",
        "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e34\u0e01\u0e32\u0e23",  # welfare
        # welfare received
        "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e34\u0e01\u0e32\u0e23\u0e17\u0e35\u0e48\u0e44\u0e14\u0e49\u0e23"
        "\u0e31\u0e1a",
    ),
    "housing_condition": (
        "housing_condition", "housing",
        # condition of the dwelling
        "\u0e2a\u0e20\u0e32\u0e1e\u0e17\u0e35\u0e48\u0e2d\u0e22\u0e39\u0e48\u0e2d\u0e32\u0e28\u0e31\u0e22",
        "\u0e2a\u0e20\u0e32\u0e1e\u0e1a\u0e49\u0e32\u0e19",  # condition of the house
    ),
    "land": (
        "land",
        "\u0e17\u0e35\u0e48\u0e14\u0e34\u0e19\u0e17\u0e33\u0e01\u0e34\u0e19",  # land to farm
        "\u0e17\u0e35\u0e48\u0e14\u0e34\u0e19",  # land
    ),
    "water": (
        "water", "farm_water",
        # water for farming
        "\u0e19\u0e49\u0e33\u0e40\u0e1e\u0e37\u0e48\u0e2d\u0e01\u0e32\u0e23\u0e40\u0e01\u0e29\u0e15\u0e23",
        "\u0e41\u0e2b\u0e25\u0e48\u0e07\u0e19\u0e49\u0e33",  # water source
    ),
    "debt": (
        "debt", "debt_baht",
        "\u0e2b\u0e19\u0e35\u0e49\u0e2a\u0e34\u0e19",  # debts
        "\u0e2b\u0e19\u0e35\u0e49",  # debt
    ),
    "savings": (
        "savings", "savings_baht",
        "\u0e40\u0e07\u0e34\u0e19\u0e2d\u0e2d\u0e21",  # savings
    ),
}

# A header with one of these stems names health or disability data (PDPA: sensitive).
SENSITIVE_WORDS = ("disab", "handicap", "impair", "illness", "ill", "sick", "disease", "health", "chronic",
                   "medical", "medicine")
SENSITIVE_THAI = ("\u0e1e\u0e34\u0e01\u0e32\u0e23",  # disabled
                  "\u0e1b\u0e48\u0e27\u0e22",  # ill
                  "\u0e42\u0e23\u0e04",  # disease
                  "\u0e2a\u0e38\u0e02\u0e20\u0e32\u0e1e")  # health

# ---------------------------------------------------------------------------------------------
# Values

RELATIONS: dict[str, tuple[str, ...]] = {
    "head": (
        "head", "household_head",
        # head of household
        "\u0e2b\u0e31\u0e27\u0e2b\u0e19\u0e49\u0e32\u0e04\u0e23\u0e31\u0e27\u0e40\u0e23\u0e37\u0e2d\u0e19",
        "\u0e2b\u0e31\u0e27\u0e2b\u0e19\u0e49\u0e32",  # head
        "\u0e40\u0e08\u0e49\u0e32\u0e1a\u0e49\u0e32\u0e19",  # house owner
        # head of family
        "\u0e2b\u0e31\u0e27\u0e2b\u0e19\u0e49\u0e32\u0e04\u0e23\u0e2d\u0e1a\u0e04\u0e23\u0e31\u0e27",
    ),
    "spouse": (
        "spouse", "husband", "wife",
        "\u0e04\u0e39\u0e48\u0e2a\u0e21\u0e23\u0e2a",  # spouse
        "\u0e2a\u0e32\u0e21\u0e35",  # husband
        "\u0e20\u0e23\u0e23\u0e22\u0e32",  # wife
        "\u0e20\u0e23\u0e34\u0e22\u0e32",  # wife (formal spelling)
    ),
    "child": (
        "child", "son", "daughter",
        "\u0e1a\u0e38\u0e15\u0e23",  # child (formal)
        "\u0e25\u0e39\u0e01",  # child
        "\u0e1a\u0e38\u0e15\u0e23\u0e0a\u0e32\u0e22",  # son (formal)
        "\u0e1a\u0e38\u0e15\u0e23\u0e2a\u0e32\u0e27",  # daughter (formal)
        "\u0e25\u0e39\u0e01\u0e0a\u0e32\u0e22",  # son
        "\u0e25\u0e39\u0e01\u0e2a\u0e32\u0e27",  # daughter
    ),
    "parent": (
        "parent", "father", "mother",
        "\u0e1a\u0e34\u0e14\u0e32",  # father (formal)
        "\u0e21\u0e32\u0e23\u0e14\u0e32",  # mother (formal)
        "\u0e1e\u0e48\u0e2d",  # father
        "\u0e41\u0e21\u0e48",  # mother
    ),
    "relative": (
        "relative", "grandchild", "grandparent", "sibling", "brother", "sister",
        "\u0e0d\u0e32\u0e15\u0e34",  # relative
        "\u0e2b\u0e25\u0e32\u0e19",  # grandchild, nephew or niece
        "\u0e1e\u0e35\u0e48",  # elder sibling
        "\u0e19\u0e49\u0e2d\u0e07",  # younger sibling
        "\u0e1e\u0e35\u0e48\u0e19\u0e49\u0e2d\u0e07",  # siblings
        "\u0e1b\u0e39\u0e48",  # paternal grandfather
        "\u0e22\u0e48\u0e32",  # paternal grandmother
        "\u0e15\u0e32",  # maternal grandfather
        "\u0e22\u0e32\u0e22",  # maternal grandmother
        "\u0e25\u0e39\u0e01\u0e40\u0e02\u0e22",  # son-in-law
        "\u0e25\u0e39\u0e01\u0e2a\u0e30\u0e43\u0e20\u0e49",  # daughter-in-law
    ),
    "other": (
        "other", "lodger",
        "\u0e2d\u0e37\u0e48\u0e19\u0e46",  # others
        "\u0e2d\u0e37\u0e48\u0e19",  # other
        "\u0e1c\u0e39\u0e49\u0e2d\u0e32\u0e28\u0e31\u0e22",  # resident
    ),
}
SEXES: dict[str, tuple[str, ...]] = {
    "M": ("m", "male", "\u0e0a", "\u0e0a\u0e32\u0e22"),  # male: the initial and the word
    "F": ("f", "female", "\u0e0d", "\u0e2b\u0e0d\u0e34\u0e07"),  # female: the initial and the word
}

# What a person receives: the programmes of the welfare rules and the schemes that rule
# some out. The disability allowance reveals a disability, so it is recognised but never
# stored from an import.
WELFARE = RECEIVED
SENSITIVE_WELFARE = frozenset({"disability"})


REASONS = {
    "missing": "is empty",
    "citizen_id_format": "must be 13 digits",
    "citizen_id_check_digit": "has a wrong check digit (a digit is mistyped)",
    "duplicate_citizen_id": "is the same as on row {detail}",
    "village_code_format": "must be 8 digits: province, district, sub-district, village number",
    "unknown_subdistrict": "names sub-district {detail}, which is not in the official list",
    "village_number": "has village number 00; villages are numbered 01-99",
    "house_no_format": "must contain a number",
    "relation_unknown": "must be head, spouse, child, parent, relative or other",
    "sex_unknown": "must be M or F",
    "not_a_date": "is not a date (day/month/year, Buddhist or Gregorian year, or yyyy-mm-dd)",
    "birth_in_future": "is in the future",
    "too_old": "makes the person older than 120",
    "not_a_number": "is not a number",
    "negative": "is negative",
    "too_large": "is too large (at most {detail} baht)",
    "phone_format": "is not a Thai phone number (9 or 10 digits starting with 0)",
    "welfare_unknown": "has an unknown code {detail} (known: " + ", ".join(WELFARE) + ")",
    "choice_unknown": "is not one of {detail}",
    "too_long": "is longer than {detail} characters",
}

LABELS = {"citizen_id": "citizen ID", "house_no": "house number"}

_HEADER_NOISE = re.compile(r"[\s_\-./()\[\]:*#]+")
_INVISIBLE = re.compile("[\u200b-\u200d\ufeff]")  # zero-width spaces and joiners, a stray byte-order mark
_SARA_AM_SPLIT = ("\u0e4d\u0e32", "\u0e33")  # nikhahit + sara aa, as some keyboards type sara am


class FileError(Exception):
    """The file as a whole cannot be imported (unreadable, no header, a required column
    missing); the message says which, and nothing is stored."""


class RowError(ValueError):
    """One value of one row is wrong: ``column`` is the field, ``reason`` a stable code."""

    def __init__(self, column: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason
        self.detail = detail

    @property
    def message(self) -> str:
        label = LABELS.get(self.column, self.column.replace("_", " "))
        return f"{label} {REASONS[self.reason].format(detail=self.detail)}"


class RowRejected(ValueError):
    """Every problem found in one row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors

    @property
    def reasons(self) -> str:
        return ";".join(error.reason for error in self.errors)

    @property
    def columns(self) -> str:
        return ";".join(error.column for error in self.errors)


# ---------------------------------------------------------------------------------------------
# Headers


def clean_text(text: str) -> str:
    """Trim, one space between words, no zero-width characters, sara am as one character."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
        if _SARA_AM_SPLIT[0] in text:
            text = text.replace(*_SARA_AM_SPLIT)
    return " ".join(text.split())


def header_key(text: str) -> str:
    """What two spellings of a header have in common: no case, spaces or punctuation."""
    return _HEADER_NOISE.sub("", clean_text(text).lower())


_HEADER_INDEX = {header_key(alias): name for name, aliases in HEADERS.items() for alias in aliases}


def is_sensitive_header(text: str) -> bool:
    cleaned = clean_text(text).lower()
    if any(word in cleaned for word in SENSITIVE_THAI):
        return True
    tokens = re.split(r"[^a-z]+", cleaned)
    return any(token.startswith(word) if word != "ill" else token == word
               for token in tokens for word in SENSITIVE_WORDS)


@dataclass(frozen=True)
class Columns:
    """Which cell of a row holds which field, and what the file has that is not used."""

    index: dict[str, int]
    sensitive: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name in REQUIRED if name not in self.index)


def map_header(cells: Sequence[str]) -> Columns:
    index: dict[str, int] = {}
    sensitive, unknown = [], []
    for position, cell in enumerate(cells):
        if not cell.strip():
            continue
        name = _HEADER_INDEX.get(header_key(cell))
        if name is None:
            (sensitive if is_sensitive_header(cell) else unknown).append(cell.strip())
        elif name in index:
            raise FileError(f"two columns mean {name}: {cells[index[name]]!r} and {cell!r}; keep one")
        else:
            index[name] = position
    return Columns(index=index, sensitive=tuple(sensitive), unknown=tuple(unknown))


# ---------------------------------------------------------------------------------------------
# Reading files


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


# ---------------------------------------------------------------------------------------------
# Checking a row


@dataclass(slots=True)
class PersonRow:
    """One accepted row: clean values, ready to store."""

    row: int
    village_code: str
    house_no: str
    citizen_id: str
    first_name: str
    last_name: str
    relation: str
    street: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    education: str | None = None
    occupation: str | None = None
    income: int | None = None
    welfare: list[str] | None = None  # None: not given, keep what is stored
    housing_condition: str | None = None
    land: str | None = None
    water: str | None = None
    debt: int | None = None
    savings: int | None = None
    sensitive_welfare: int = 0


def _lookup(vocabulary: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {clean_text(word).lower(): code for code, words in vocabulary.items() for word in (code, *words)}


_RELATIONS = _lookup(RELATIONS)
_SEXES = _lookup(SEXES)


@lru_cache(maxsize=1)
def _choices() -> dict[str, dict[str, str]]:
    questionnaire = default_questionnaire()
    table: dict[str, dict[str, str]] = {}
    for field_name, (question_key, codes) in CHOICES.items():
        words = {}
        question = questionnaire.question(question_key)
        for position, code in enumerate(codes, start=1):
            words[code] = code
            words[str(position)] = code
            if question is not None:
                for option in question.options:
                    if option.score == position:
                        words.update({clean_text(label).lower(): code for label in option.label.values()})
        table[field_name] = words
    return table


@lru_cache(maxsize=4096)  # a file repeats a few hundred village codes thousands of times
def parse_village_code(text: str) -> str:
    code = citizen_id.SEPARATORS.sub("", ascii_digits(text))
    if not (code.isdigit() and len(code) == 8):
        raise RowError("village_code", "village_code_format")
    if code[6:] == "00":
        raise RowError("village_code", "village_number")
    if areas.village_parent(code) is None:
        raise RowError("village_code", "unknown_subdistrict", code[:6])
    return code


def parse_phone(text: str) -> str:
    """Thai phone digits: mobile 0[689]xxxxxxxx, landline 0[2-7]xxxxxxx; +66 and a
    leading zero a spreadsheet dropped are both put right."""
    digits = re.sub(r"[\s\-().]", "", ascii_digits(text))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    elif digits.isdigit() and len(digits) in (8, 9) and not digits.startswith("0"):
        digits = "0" + digits
    if digits.isdigit() and ((len(digits) == 10 and digits[1] in "689") or
                             (len(digits) == 9 and digits[1] in "234567")):
        return digits
    raise RowError("phone", "phone_format")


def parse_welfare(text: str) -> tuple[list[str], int]:
    """Programme codes, and how many were dropped because they reveal a disability."""
    codes, sensitive = [], 0
    for word in re.split(r"[,;|\s]+", text.lower()):
        if not word:
            continue
        if word not in WELFARE:
            raise RowError("welfare", "welfare_unknown", repr(word))
        if word in SENSITIVE_WELFARE:
            sensitive += 1
        elif word not in codes:
            codes.append(word)
    return codes, sensitive


def _text(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise RowError(name, "too_long", str(limit))
    return value


def _amount(name: str, value: str, maximum: int) -> int:
    try:
        return parse_amount(value, maximum=maximum)
    except InputError as error:
        raise RowError(name, error.reason, f"{maximum:,}") from None


def _choice(name: str, value: str) -> str:
    found = _choices()[name].get(value.lower())
    if found is None:
        raise RowError(name, "choice_unknown", ", ".join(CHOICES[name][1]) + " or 1-4")
    return found


def _citizen_id(value: str) -> str:
    try:
        return citizen_id.normalize(value)
    except InputError as error:
        raise RowError("citizen_id", error.reason) from None


def _birth_date(value: str, today: date) -> date:
    try:
        return parse_birth_date(value, today)
    except InputError as error:
        raise RowError("birth_date", error.reason) from None


def _mapped(mapping: Mapping[str, str], name: str, value: str, reason: str) -> str:
    found = mapping.get(value.lower())
    if found is None:
        raise RowError(name, reason)
    return found


def _house_no(value: str) -> str:
    value = ascii_digits(value)
    if not any(character.isdigit() for character in value):
        raise RowError("house_no", "house_no_format")
    return _text("house_no", value, 20)


def _name(column: str, value: str) -> str:
    return _text(column, value, MAX_NAME)


_PARSERS: dict[str, Callable[[str, date], Any]] = {
    "village_code": lambda value, today: parse_village_code(value),
    "house_no": lambda value, today: _house_no(value),
    "street": lambda value, today: _text("street", value, 100),
    "citizen_id": lambda value, today: _citizen_id(value),
    "first_name": lambda value, today: _name("first_name", value),
    "last_name": lambda value, today: _name("last_name", value),
    "relation": lambda value, today: _mapped(_RELATIONS, "relation", value, "relation_unknown"),
    "sex": lambda value, today: _mapped(_SEXES, "sex", value, "sex_unknown"),
    "birth_date": _birth_date,
    "phone": lambda value, today: parse_phone(value),
    "education": lambda value, today: _text("education", value, 24),
    "occupation": lambda value, today: _text("occupation", value, 60),
    "income_per_year": lambda value, today: _amount("income_per_year", value, INCOME_MAXIMUM),
    "welfare": lambda value, today: parse_welfare(value),
    "housing_condition": lambda value, today: _choice("housing_condition", value),
    "land": lambda value, today: _choice("land", value),
    "water": lambda value, today: _choice("water", value),
    "debt": lambda value, today: _amount("debt", value, AMOUNT_MAXIMUM),
    "savings": lambda value, today: _amount("savings", value, AMOUNT_MAXIMUM),
}
_ATTRIBUTE = {"income_per_year": "income"}
_REQUIRED = frozenset(REQUIRED)
_ORDER = {name: position for position, name in enumerate(FIELDS)}


def validate_row(row: int, values: Mapping[str, str], today: date) -> PersonRow:
    """Check every value of one row (``values`` by field name; absent means empty);
    raises ``RowRejected`` listing every problem found."""
    parsed: dict[str, Any] = {}
    errors = [RowError(name, "missing") for name in REQUIRED if name not in values]
    for name, text in values.items():
        value = clean_text(text) if text else ""
        if not value:
            if name in _REQUIRED:
                errors.append(RowError(name, "missing"))
            continue
        try:
            parsed[name] = _PARSERS[name](value, today)
        except RowError as error:
            errors.append(error)
    if errors:
        errors.sort(key=lambda error: _ORDER[error.column])
        raise RowRejected(errors)
    welfare, sensitive = parsed.pop("welfare", (None, 0))
    person = PersonRow(row=row, welfare=welfare, sensitive_welfare=sensitive,
                       **{_ATTRIBUTE.get(name, name): value for name, value in parsed.items()})
    return person


def mask_citizen_id(text: str) -> str:
    """The rejects file never shows a whole citizen ID, even a mistyped one."""
    digits = citizen_id.SEPARATORS.sub("", ascii_digits(text))
    if digits.isdigit() and len(digits) == 13:
        return citizen_id.mask(digits)
    if len(text) <= 2:
        return "x" * len(text)
    return text[0] + re.sub(r"[0-9\u0e50-\u0e59]", "x", text[1:-1]) + text[-1]


# ---------------------------------------------------------------------------------------------
# Households to store


@dataclass
class HouseholdPlan:
    """The rows of one house in the file, and the household values taken from them."""

    key: str
    village_code: str
    house_no: str
    members: list[PersonRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def settle(self) -> None:
        """Household values come from the head's row, else from the first row having them."""
        ordered = sorted(self.members, key=lambda member: member.relation != "head")
        for name in HOUSEHOLD_FIELDS:
            self.values[name] = next((getattr(m, name) for m in ordered if getattr(m, name) is not None), None)
        head = next((m for m in ordered if m.relation == "head"), None)
        if head is not None:
            self.house_no = head.house_no


@dataclass
class Reject:
    row: int
    columns: str
    reasons: str
    message: str
    cells: list[str]


@dataclass
class Summary:
    """What an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    kind: str = ""
    rows_read: int = 0
    rejected: int = 0
    rejects_path: Path | None = None
    reasons: Counter[str] = field(default_factory=Counter)
    villages_created: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    persons_moved: int = 0
    sensitive_columns: tuple[str, ...] = ()
    sensitive_values: int = 0  # welfare codes dropped because they reveal a disability
    unknown_columns: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected


Progress = Callable[[int, int], None]  # (rows stored so far, rows to store)


# ---------------------------------------------------------------------------------------------
# The import


def import_households(
    path: Path,
    *,
    uow: Callable[[], UnitOfWork],
    sealer: Sealer,
    now: datetime,
    rejects_path: Path | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Read, check and store one survey list; write the rejected rows beside it.

    ``uow`` makes a unit of work (``Services.uow``) and ``sealer`` is the same sealer
    (needed before any transaction, for address keys); with ``dry_run`` every batch is
    rolled back, so the summary tells what an import would do.
    """
    with _collector_paused():
        return _import(path, uow=uow, sealer=sealer, now=now, rejects_path=rejects_path, sheet=sheet,
                       dry_run=dry_run, progress=progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """An import makes a few hundred thousand small objects that all live to its end;
    the cyclic garbage collector would walk them again and again, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(path: Path, *, uow: Callable[[], UnitOfWork], sealer: Sealer, now: datetime, rejects_path: Path | None,
            sheet: str | None, dry_run: bool, progress: Progress | None) -> Summary:
    started = time.monotonic()
    path = Path(path)
    rejects_path = rejects_path or path.with_name(f"{path.stem}.rejects.csv")
    if rejects_path.resolve() == path.resolve():
        raise FileError("the rejects file cannot be the file being imported")
    summary = Summary(source=path.name, dry_run=dry_run, rejects_path=rejects_path)
    today = thai_today(now)
    plans, header, rejects = _read(path, sheet, today, sealer, summary)
    _write_rejects(rejects_path, header, rejects)
    actor = f"import:{path.name}"[:64]
    store = _Store(uow=uow, now=now, actor=actor, summary=summary, commit=not dry_run)
    store.villages(sorted({plan.village_code for plan in plans.values()}))
    total, done, size = summary.accepted, 0, 0
    batch: list[HouseholdPlan] = []
    for plan in plans.values():
        batch.append(plan)
        size += len(plan.members)
        if size >= BATCH_PERSONS:
            done += store.batch(batch)
            batch, size = [], 0
            if progress:
                progress(done, total)
    if batch:
        done += store.batch(batch)
    if progress:
        progress(done, total)
    summary.seconds = time.monotonic() - started
    return summary


def _read(path: Path, sheet: str | None, today: date, sealer: Sealer, summary: Summary
          ) -> tuple[dict[str, HouseholdPlan], list[str], list[Reject]]:
    """Households to store, the header the rejects file repeats, and the rejected rows."""
    plans: dict[str, HouseholdPlan] = {}
    rejects: list[Reject] = []
    first_row_of: dict[str, int] = {}
    with open_table(path, sheet) as table:
        columns = table.columns
        summary.kind = table.kind
        summary.sensitive_columns = columns.sensitive
        summary.unknown_columns = columns.unknown
        # the rejects file repeats the row without its health and disability cells
        kept = [position for position, cell in enumerate(table.header) if cell not in columns.sensitive]
        header = [table.header[position] or f"column {position + 1}" for position in kept]
        id_position = columns.index["citizen_id"]
        for number, cells in table.rows:
            if not any(cell and not cell.isspace() for cell in cells):
                continue
            summary.rows_read += 1
            values = {name: cells[position] if position < len(cells) else ""
                      for name, position in columns.index.items()}
            try:
                person = validate_row(number, values, today)
                earlier = first_row_of.get(person.citizen_id)
                if earlier is not None:
                    raise RowRejected([RowError("citizen_id", "duplicate_citizen_id", str(earlier))])
            except RowRejected as rejected:
                shown = [cells[position] if position < len(cells) else "" for position in kept]
                if id_position in kept and id_position < len(cells):
                    shown[kept.index(id_position)] = mask_citizen_id(cells[id_position])
                rejects.append(Reject(number, rejected.columns, rejected.reasons, str(rejected), shown))
                summary.reasons.update(error.reason for error in rejected.errors)
                continue
            first_row_of[person.citizen_id] = number
            summary.sensitive_values += person.sensitive_welfare
            key = address_key(sealer, person.village_code, person.house_no)
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = HouseholdPlan(key, person.village_code, person.house_no)
            plan.members.append(person)
    summary.rejected = len(rejects)
    for plan in plans.values():
        plan.settle()
    return plans, header, rejects


def _write_rejects(path: Path, header: list[str], rejects: list[Reject]) -> None:
    """Always written (only a header when nothing was rejected), so an old list never
    passes for this run's; UTF-8 with a byte-order mark, which Excel needs for Thai."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "reason_code", "reason", *header])
        for reject in rejects:
            writer.writerow([reject.row, reject.columns, reject.reasons, reject.message, *reject.cells])


# ---------------------------------------------------------------------------------------------
# Storing in bulk

_H: SqlTable = Household.__table__  # type: ignore[assignment]
_P: SqlTable = Person.__table__  # type: ignore[assignment]
_V: SqlTable = Village.__table__  # type: ignore[assignment]
_A: Table = AuditEntry.__table__  # type: ignore[assignment]
_HOUSEHOLD_PLAIN = ("housing_condition", "land", "water", "debt_baht", "savings_baht")
_PERSON_PLAIN = ("relation", "sex", "birth_date", "education", "occupation", "income_baht_year", "welfare",
                 "thai")


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class _Store:
    """Stores batches of households: one query finds the ones already known, new rows go
    in at once, changed rows are updated with executemany, audit entries go in at once."""

    uow: Callable[[], UnitOfWork]
    now: datetime
    actor: str
    summary: Summary
    commit: bool

    def _audit(self, action: str, entity: str, entity_id: int | str, area: str, changes: audit.Changes,
               sealer: Sealer) -> dict[str, Any]:
        return {"at": self.now, "actor": self.actor, "action": action, "entity": entity,
                "entity_id": str(entity_id), "area_code": area,
                "changes": sealer.seal_json(changes) if changes else None}

    def _finish(self, work: UnitOfWork, audits: list[dict[str, Any]]) -> None:
        _insert(work.session, _A, audits)
        if self.commit:
            work.commit()

    def villages(self, codes: list[str]) -> None:
        """Villages the registry has not seen yet are created, each with an audit entry."""
        with self.uow() as work:
            known: set[str] = set()
            for chunk in _chunks(codes, BATCH_PERSONS):
                known.update(work.session.scalars(select(_V.c.code).where(_among(work.session, _V.c.code, chunk))))
            new = [code for code in codes if code not in known]
            if new:
                _insert(work.session, _V, [
                    {"code": code, "subdistrict_code": code[:6], "number": int(code[6:]), "name": "",
                     "created_at": self.now, "created_by": self.actor} for code in new])
            audits = [self._audit("village.create", "village", code, code,
                                  {"subdistrict_code": [None, code[:6]], "number": [None, int(code[6:])]},
                                  work.sealer) for code in new]
            self.summary.villages_created += len(new)
            self._finish(work, audits)

    def batch(self, plans: list[HouseholdPlan]) -> int:
        with self.uow() as work:
            session, sealer = work.session, work.sealer
            audits: list[dict[str, Any]] = []
            household_ids = self._households(session, sealer, plans, audits)
            self._persons(session, sealer, plans, household_ids, audits)
            self._finish(work, audits)
        return sum(len(plan.members) for plan in plans)

    def _households(self, session: Session, sealer: Sealer, plans: list[HouseholdPlan],
                    audits: list[dict[str, Any]]) -> dict[str, int]:
        found = {row.address_key: row for row in session.execute(
            select(_H.c.id, _H.c.address_key, _H.c.address, *(_H.c[name] for name in _HOUSEHOLD_PLAIN))
            .where(_among(session, _H.c.address_key, [plan.key for plan in plans])))}
        ids: dict[str, int] = {}
        new_rows, new_plans, changed = [], [], []
        for plan in plans:
            plain = {"housing_condition": plan.values["housing_condition"], "land": plan.values["land"],
                     "water": plan.values["water"], "debt_baht": plan.values["debt"],
                     "savings_baht": plan.values["savings"]}
            address = {"house_no": plan.house_no, "moo": int(plan.village_code[6:]),
                       "street": plan.values["street"], "text": ""}
            row = found.get(plan.key)
            if row is None:
                new_plans.append(plan)
                new_rows.append({"village_code": plan.village_code, "address_key": plan.key,
                                 "address": sealer.seal_json(address), "location": None, **plain,
                                 "source": "imported", "status": household_status.LISTED, "poverty_group": None,
                                 "created_at": self.now, "updated_at": self.now})
                continue
            ids[plan.key] = row.id
            before = {name: getattr(row, name) for name in _HOUSEHOLD_PLAIN}
            after = {name: plain[name] if plain[name] is not None else before[name] for name in _HOUSEHOLD_PLAIN}
            changes = audit.diff(before, after)
            stored_address = sealer.open_json(row.address)
            if address["street"] is None:
                address["street"] = stored_address.get("street")
            address["text"] = stored_address.get("text", "")
            if address != stored_address:
                changes["address"] = [SEALED, SEALED]
            if not changes:
                self.summary.households_unchanged += 1
                continue
            changed.append({"b_id": row.id, **after, "address": sealer.seal_json(address), "updated_at": self.now})
            audits.append(self._audit("household.update", "household", row.id, plan.village_code, changes, sealer))
        if new_rows:
            # executemany without RETURNING, then one query for the ids: psycopg parses a
            # many-row INSERT ... RETURNING afresh each time, which costs more than the query
            _insert(session, _H, new_rows)
            ids.update(session.execute(select(_H.c.address_key, _H.c.id).where(
                _among(session, _H.c.address_key, [plan.key for plan in new_plans]))).all())
            for plan, row in zip(new_plans, new_rows):
                changes = {name: [None, row[name]] for name in ("village_code", *_HOUSEHOLD_PLAIN)
                           if row[name] is not None}
                changes.update({"source": [None, "imported"], "status": [None, household_status.LISTED],
                                "address": [None, SEALED]})
                audits.append(self._audit("household.create", "household", ids[plan.key], plan.village_code,
                                          changes, sealer))
        if changed:
            session.execute(update(_H).where(_H.c.id == bindparam("b_id")), changed)
        self.summary.households_created += len(new_rows)
        self.summary.households_updated += len(changed)
        return ids

    def _persons(self, session: Session, sealer: Sealer, plans: list[HouseholdPlan], household_ids: dict[str, int],
                 audits: list[dict[str, Any]]) -> None:
        members = [(plan, person, sealer.fingerprint(person.citizen_id))
                   for plan in plans for person in plan.members]
        found = {row.citizen_id_hash: row for row in session.execute(
            select(_P.c.id, _P.c.citizen_id_hash, _P.c.household_id, _P.c.name, _P.c.phone,
                   *(_P.c[name] for name in _PERSON_PLAIN))
            .where(_among(session, _P.c.citizen_id_hash, [hashed for _, _, hashed in members])))}
        new_rows, new_areas, changed = [], [], []
        for plan, person, hashed in members:
            household_id = household_ids[plan.key]
            plain = {"relation": person.relation, "sex": person.sex, "birth_date": person.birth_date,
                     "education": person.education, "occupation": person.occupation,
                     "income_baht_year": person.income, "welfare": person.welfare,
                     "thai": citizen_id.is_thai_national(person.citizen_id)}
            name = {"first": person.first_name, "last": person.last_name}
            row = found.get(hashed)
            if row is None:
                plain["welfare"] = plain["welfare"] or []
                new_rows.append({"household_id": household_id, "citizen_id_hash": hashed,
                                 "citizen_id": sealer.seal(person.citizen_id.encode()),
                                 "name": sealer.seal_json(name),
                                 "phone": sealer.seal(person.phone.encode()) if person.phone else None,
                                 **plain, "has_disability_card": None, "health": None,
                                 "created_at": self.now, "updated_at": self.now})
                new_areas.append(plan.village_code)
                continue
            before = {name_: getattr(row, name_) for name_ in _PERSON_PLAIN}
            after = {name_: plain[name_] if plain[name_] is not None else before[name_] for name_ in _PERSON_PLAIN}
            changes = audit.diff(before, after)
            if row.household_id != household_id:
                changes["household_id"] = [row.household_id, household_id]
            values = {"b_id": row.id, "household_id": household_id, **after, "name": row.name, "phone": row.phone}
            if sealer.open_json(row.name) != name:
                changes["name"] = [SEALED, SEALED]
                values["name"] = sealer.seal_json(name)
            stored_phone = sealer.open(row.phone).decode() if row.phone else None
            if person.phone is not None and person.phone != stored_phone:
                changes["phone"] = [SEALED if stored_phone else None, SEALED]
                values["phone"] = sealer.seal(person.phone.encode())
            if not changes:
                self.summary.persons_unchanged += 1
                continue
            changed.append({**values, "updated_at": self.now})
            moved = "household_id" in changes
            self.summary.persons_moved += moved
            audits.append(self._audit("person.move" if moved else "person.update", "person", row.id,
                                      plan.village_code, _jsonable(changes), sealer))
        if new_rows:
            _insert(session, _P, new_rows)
            new_ids = dict(session.execute(select(_P.c.citizen_id_hash, _P.c.id).where(
                _among(session, _P.c.citizen_id_hash, [row["citizen_id_hash"] for row in new_rows]))).all())
            for row, area in zip(new_rows, new_areas):
                new_id = new_ids[row["citizen_id_hash"]]
                changes = {name: [None, row[name]] for name in ("household_id", *_PERSON_PLAIN)
                           if row[name] not in (None, [])}
                changes.update({"name": [None, SEALED], "citizen_id": [None, SEALED]})
                if row["phone"] is not None:
                    changes["phone"] = [None, SEALED]
                audits.append(self._audit("person.create", "person", new_id, area, _jsonable(changes), sealer))
        if changed:
            session.execute(update(_P).where(_P.c.id == bindparam("b_id")), changed)
        self.summary.persons_created += len(new_rows)
        self.summary.persons_updated += len(changed)


def _among(session: Session, column: ColumnElement[str], values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL as ``= ANY(array)``, one parameter instead
    of thousands for the driver to parse and the server to plan."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Many rows at once: COPY on PostgreSQL, where it is about three times as fast as
    executemany; executemany elsewhere (SQLite's runs in C). Same transaction either way."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    from psycopg import sql
    from psycopg.types.json import Jsonb

    names = list(rows[0])
    json_columns = {name for name in names if isinstance(table.c[name].type, JSON)}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names)))
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([Jsonb(row[name]) if name in json_columns else row[name] for name in names])


def _jsonable(changes: audit.Changes) -> audit.Changes:
    return {name: [value.isoformat() if isinstance(value, date) else value for value in pair]
            for name, pair in changes.items()}
