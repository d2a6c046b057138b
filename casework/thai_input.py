"""Reading what people type or spreadsheets hold: Thai digits, thousands separators,
Buddhist-era years. Each reader returns a value or raises ``InputError`` with a
reason code that messages turn into words in the user's language."""
from __future__ import annotations

import re
from datetime import date

from casework.errors import Refused
from casework.thai_time import BUDDHIST_ERA_OFFSET

THAI_DIGITS = str.maketrans({chr(0x0E50 + value): str(value) for value in range(10)})
_THAI_LETTERS = re.compile("[\u0E01-\u0E4F]")  # letters and marks, not digits: a unit word such as baht
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2014_.]+")  # spaces, dashes of every width, underscores, dots
_AROUND_SLASH = re.compile(r"\s*/\s*")


class InputError(Refused):
    """Input that cannot be accepted; ``reason`` is a stable code, not prose."""


def ascii_digits(text: str) -> str:
    return text.translate(THAI_DIGITS)


def compact(text: str) -> str:
    """A code, an ID or a phone number as typed, in one form: Thai digits read as digits,
    spaces and dashes dropped, letters in upper case (a code typed in Thai digits with a space becomes ``662906``)."""
    return _SEPARATORS.sub("", ascii_digits(text)).upper()


def house_number(text: str) -> str:
    """A house number in one form, so that ``99/1`` typed in Thai digits with spaces and ``99/1`` are the same house:
    ASCII digits, no space around ``/``, single spaces, lower case letters."""
    return _AROUND_SLASH.sub("/", " ".join(ascii_digits(text).split())).lower()


def parse_amount(text: str | int | float | None, *, maximum: int = 100_000_000) -> int:
    """A non-negative whole amount of baht: ``12,500``, the same in Thai digits, ``12500.00``."""
    if isinstance(text, bool):
        raise InputError("not_a_number")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        cleaned = _THAI_LETTERS.sub("", ascii_digits(str(text or "")))
        cleaned = cleaned.replace(",", "").replace(" ", "").replace("\u0E3F", "")
        if not _NUMBER.match(cleaned):
            raise InputError("not_a_number")
        value = float(cleaned)
    if value < 0:
        raise InputError("negative")
    if value > maximum:
        raise InputError("too_large")
    return round(value)


def year_to_gregorian(year: int) -> int:
    """Years above 2400 are Buddhist era (2510 → 1967); Thai records use both."""
    return year - BUDDHIST_ERA_OFFSET if year > 2400 else year


def parse_date(text: str | date | None) -> date:
    """``25/11/2569``, ``25-11-2026``, ``2026-11-25`` (day first, Buddhist or Gregorian year)."""
    if isinstance(text, date):
        return text
    cleaned = ascii_digits(str(text or "")).strip()
    match = _DATE.match(cleaned)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(cleaned)
        if not match:
            raise InputError("not_a_date")
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year_to_gregorian(year), month, day)
    except ValueError:
        raise InputError("not_a_date") from None


def parse_birth_date(text: str | date | None, today: date, *, max_age: int = 120) -> date:
    born = parse_date(text)
    if born > today:
        raise InputError("birth_in_future")
    if today.year - born.year > max_age:
        raise InputError("too_old")
    return born


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
