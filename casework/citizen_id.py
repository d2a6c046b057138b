"""The 13-digit Thai citizen ID: its check digit, its masked form, its look-up hash."""
from __future__ import annotations

from casework.thai_input import InputError, compact


def normalize(text: str) -> str:
    """Digits only (Thai digits read as such); raises ``InputError`` unless 13 valid digits."""
    digits = compact(str(text))
    if not digits.isdigit() or len(digits) != 13:
        raise InputError("citizen_id_format")
    if not has_valid_check_digit(digits):
        raise InputError("citizen_id_check_digit")
    return digits


def has_valid_check_digit(digits: str) -> bool:
    """Sum of digit[i] × (13 − i) for the first twelve; check = (11 − sum mod 11) mod 10."""
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def mask(digits: str) -> str:
    """What chat shows: the first five and the last digit, e.g. ``1-2345-xxxxx-xx-1``."""
    return f"{digits[0]}-{digits[1:5]}-xxxxx-xx-{digits[12]}"


def with_check_digit(first_twelve: str) -> str:
    """Complete twelve digits with their check digit (for test and demo data)."""
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(first_twelve))
    return first_twelve + str((11 - total % 11) % 10)


def is_thai_national(digits: str) -> bool:
    """Thai nationals' IDs start with 1-5 or 8 (naturalised); 0, 6 and 7 are given to
    people without Thai nationality, which the old-age and other allowances require."""
    return digits[:1] in {"1", "2", "3", "4", "5", "8"}
