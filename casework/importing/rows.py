"""Checking one row of a survey list into a person to store: every value read (Thai
digits, Buddhist-era dates, phone numbers a spreadsheet mangled, the accepted words),
every problem of the row found at once."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from casework import areas, citizen_id
from casework.conditions import CHOICES
from casework.entitlements.facts import RECEIVED
from casework.importing.columns import FIELDS, RELATIONS, REQUIRED, SEXES, SOURCE, VocabularyError, clean_text
from casework.importing.problems import RowError, RowRejected
from casework.questionnaire import default as default_questionnaire
from casework.thai_input import InputError, ascii_digits, compact, parse_amount, parse_birth_date

INCOME_MAXIMUM = 9_999_999     # income per person per year: below ten million baht
AMOUNT_MAXIMUM = 99_999_999    # household debt and savings
MAX_NAME = 100

# What a person receives: the programmes of the welfare rules and the schemes that rule
# some out. The disability allowance reveals a disability, so it is recognised but never
# stored from an import.
WELFARE = RECEIVED
SENSITIVE_WELFARE = frozenset({"disability"})


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
    code = compact(text)
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
if set(_PARSERS) != set(FIELDS):
    raise VocabularyError(f"{SOURCE}: the fields must be the ones the importer can read: {', '.join(_PARSERS)}")
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
    digits = compact(text)
    if digits.isdigit() and len(digits) == 13:
        return citizen_id.mask(digits)
    if len(text) <= 2:
        return "x" * len(text)
    return text[0] + re.sub(r"[0-9\u0e50-\u0e59]", "x", text[1:-1]) + text[-1]
