"""What is wrong with a file or a row: the file refused as a whole, or each value of a
row with a stable reason code and the words the rejects file shows for it."""
from __future__ import annotations

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
