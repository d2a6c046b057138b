"""What is wrong with a file or a row: the file refused as a whole, or each value of a
row with a stable reason code and the words the rejects file shows for it."""
from __future__ import annotations

from collections.abc import Callable

from casework.entitlements.facts import RECEIVED

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
    "welfare_unknown": "has an unknown code {detail} (known: " + ", ".join(RECEIVED) + ")",
    "choice_unknown": "is not one of {detail}",
    "too_long": "is longer than {detail} characters",
}

LABELS = {"citizen_id": "citizen ID", "house_no": "house number"}


class FileError(Exception):
    """The file as a whole cannot be imported (unreadable, no header, a required column
    missing); the message says which, and nothing is stored."""


def N_(message: str) -> str:
    """Marks a message for the Thai catalog; ``casework`` translates nothing itself (the
    command does, with ``messages.i18n``), so it cannot use ``messages.i18n.N_``."""
    return message


REFUSALS = {
    "too_big": N_("{file}: the file is {size:,} MB; at most {limit:,} MB can be imported. "
                  "Split it into smaller files."),
    "too_many_rows": N_("{file}: more than {limit:,} rows; split it into smaller files."),
    "too_many_columns": N_("{file}: row {row:,} has more than {limit:,} columns."),
    "cell_too_long": N_("{file}: row {row:,}, column {column:,} holds {count:,} characters; "
                        "at most {limit:,}."),
    "line_too_long": N_("{file}: a line after row {row:,} is longer than {limit:,} characters; "
                        "this is not a survey list."),
    "binary": N_("{file}: the file holds NUL bytes; it is not a CSV text file. "
                 "Save it from Excel as CSV UTF-8 or XLSX."),
    "not_xlsx": N_("{file}: not a readable XLSX file (damaged, truncated or not a zip). "
                   "Save it again from Excel."),
    "xlsx_too_big": N_("{file}: unpacks to {size:,} MB; at most {limit:,} MB can be imported. "
                       "Split it into smaller files."),
    "zip_bomb": N_("{file}: a part unpacks to {ratio:,} times its packed size; refused as unsafe. "
                   "Save it again from Excel."),
}


class FileRefused(FileError):
    """The file is refused before it is read through: too big, damaged, or built to exhaust
    memory. ``code`` is a key of ``REFUSALS``; the words are translated where shown."""

    def __init__(self, code: str, **details: object) -> None:
        self.code = code
        self.details = details
        super().__init__(REFUSALS[code].format(**details))

    def translated(self, gettext: Callable[[str], str]) -> str:
        return gettext(REFUSALS[self.code]).format(**self.details)


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
