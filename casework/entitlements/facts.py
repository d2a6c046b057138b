"""The facts rules may use, and how they are computed from registry columns in bulk.

Every fact is a float64 array with NaN where the fact is not known; yes/no facts are
1.0 / 0.0. The same function builds the facts of one household (a chat question) and
of a million persons (batch screening), so both are judged by the same rules.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from casework.conditions import CHOICES

Kind = Literal["number", "yes_no"]
Entity = Literal["person", "household"]


@dataclass(frozen=True)
class Fact:
    name: str
    kind: Kind
    entity: Entity


FACTS: dict[str, Fact] = {fact.name: fact for fact in (
    Fact("age", "number", "person"),
    Fact("thai", "yes_no", "person"),
    Fact("disability_card", "yes_no", "person"),
    Fact("own_income_year", "number", "person"),
    Fact("state_pensioner", "yes_no", "person"),
    Fact("social_security", "yes_no", "person"),
    Fact("in_basic_school", "yes_no", "person"),
    Fact("household_size", "number", "household"),
    Fact("household_income_per_person_year", "number", "household"),
    Fact("household_savings", "number", "household"),
    Fact("housing_score", "number", "household"),
    Fact("poverty_group", "number", "household"),
)}

# What a person may already receive, as stored in ``Person.welfare``: every programme's
# id, and the schemes that rule some programmes out. Bit i of a welfare mask is code i.
RECEIVED = ("old_age", "disability", "child_support", "welfare_card", "gold_card", "equity_grant",
            "housing_repair", "emergency_aid", "civil_pension", "social_security")
SCHEME_FACTS = {"civil_pension": "state_pensioner", "social_security": "social_security"}
HOUSING_SCORES = {code: float(score) for score, code in enumerate(CHOICES["housing_condition"][1], start=1)}


def welfare_mask(codes: list[str] | tuple[str, ...] | None) -> int:
    """The bits of the codes a person receives; -1 when nobody recorded them."""
    if codes is None:
        return -1
    return sum(1 << RECEIVED.index(code) for code in set(codes) if code in RECEIVED)


@dataclass
class Columns:
    """Registry data in arrays, one entry per person (``household`` indexes the
    household arrays). Unknown numbers are NaN; ``birth_day`` is NaT when unknown;
    ``welfare`` is a mask of ``RECEIVED`` bits, -1 when unknown."""

    birth_day: np.ndarray            # datetime64[D]
    thai: np.ndarray                 # float: 1, 0, NaN
    disability_card: np.ndarray      # float
    own_income_year: np.ndarray      # float
    welfare: np.ndarray              # int64
    household: np.ndarray            # int64 index into the household arrays
    household_savings: np.ndarray    # float, per household
    housing_score: np.ndarray        # float, per household
    poverty_group: np.ndarray        # float, per household
    in_basic_school: np.ndarray | None = None  # float; None: nobody recorded it
    age: np.ndarray | None = None    # float: ages given as such (anonymous answers); NaN: use the birth day
    household_size: np.ndarray | None = None         # float, per household: people declared (NaN: count the rows)
    household_income_year: np.ndarray | None = None  # float, per household: total declared (NaN: sum the rows)

    @property
    def persons(self) -> int:
        return len(self.household)

    @property
    def households(self) -> int:
        return len(self.household_savings)


@dataclass
class Facts:
    """Fact arrays of one entity kind, all of one length."""

    values: dict[str, np.ndarray]
    size: int

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


def ages_on(birth_day: np.ndarray, on: date) -> np.ndarray:
    """Whole years from each birth day to ``on``, NaN where unknown, without a Python loop."""
    born = birth_day.astype("datetime64[D]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month = born.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (born - born.astype("datetime64[M]")).astype(np.int64) + 1
    before_birthday = (on.month < month) | ((on.month == month) & (on.day < day))
    ages = (on.year - year - before_birthday).astype(np.float64)
    ages[np.isnat(born)] = np.nan
    return ages


def build(columns: Columns, on: date) -> tuple[Facts, Facts]:
    """Person facts (household facts repeated on each member) and household facts."""
    n, h = columns.persons, columns.households
    age = ages_on(columns.birth_day, on)
    if columns.age is not None:
        age = np.where(np.isnan(columns.age), age, columns.age)
    known_welfare = columns.welfare >= 0
    schemes = {fact: np.where(known_welfare, (columns.welfare >> RECEIVED.index(code)) & 1, np.nan)
               for code, fact in SCHEME_FACTS.items()}
    size = np.bincount(columns.household, minlength=h).astype(np.float64)
    if columns.household_size is not None:  # a questionnaire's answer: not everyone is a row
        size = np.where(np.isnan(columns.household_size), size, np.fmax(columns.household_size, size))
    incomes = np.nan_to_num(columns.own_income_year, nan=0.0)
    with_income = np.bincount(columns.household, weights=~np.isnan(columns.own_income_year), minlength=h)
    total = np.bincount(columns.household, weights=incomes, minlength=h)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_person = np.where(with_income > 0, total / size, np.nan)
        if columns.household_income_year is not None:
            per_person = np.where(np.isnan(columns.household_income_year), per_person,
                                  columns.household_income_year / size)
    household = Facts({
        "household_size": size,
        "household_income_per_person_year": per_person,
        "household_savings": columns.household_savings.astype(np.float64),
        "housing_score": columns.housing_score.astype(np.float64),
        "poverty_group": columns.poverty_group.astype(np.float64),
    }, h)
    person = Facts({
        "age": age,
        "thai": columns.thai.astype(np.float64),
        "disability_card": columns.disability_card.astype(np.float64),
        "own_income_year": columns.own_income_year.astype(np.float64),
        "in_basic_school": (columns.in_basic_school.astype(np.float64) if columns.in_basic_school is not None
                            else np.full(n, np.nan)),
        **{fact: values.astype(np.float64) for fact, values in schemes.items()},
        **{name: values[columns.household] for name, values in household.values.items()},
    }, n)
    return person, household


def receiving(columns: Columns, programme: str, entity: Entity) -> np.ndarray:
    """Whether each person (or household: any member) already receives ``programme``."""
    bit = RECEIVED.index(programme)
    person = (columns.welfare >= 0) & (((columns.welfare >> bit) & 1) == 1)
    if entity == "person":
        return person
    return np.bincount(columns.household, weights=person, minlength=columns.households) > 0


@dataclass(frozen=True)
class PersonRecord:
    """One person's facts as a chat or a command knows them; None: not known."""

    household: int = 0
    birth_day: date | None = None
    age: float | None = None
    thai: bool | None = None
    disability_card: bool | None = None
    own_income_year: float | None = None
    welfare: tuple[str, ...] | None = None
    in_basic_school: bool | None = None


@dataclass(frozen=True)
class HouseholdRecord:
    savings: float | None = None
    housing_condition: str | None = None
    poverty_group: int | None = None
    size: int | None = None            # people living there, when more than the persons given
    income_year: float | None = None   # the whole household's income, when given as one figure


def _floats(values: Sequence[float | bool | None]) -> np.ndarray:
    return np.array([np.nan if value is None else float(value) for value in values], dtype=np.float64)


def columns_from(persons: Sequence[PersonRecord], households: Sequence[HouseholdRecord]) -> Columns:
    """Columns for a few records (one household in a chat, facts on the command line)."""
    return Columns(
        birth_day=np.array([p.birth_day or "NaT" for p in persons], dtype="datetime64[D]"),
        thai=_floats([p.thai for p in persons]),
        disability_card=_floats([p.disability_card for p in persons]),
        own_income_year=_floats([p.own_income_year for p in persons]),
        welfare=np.array([welfare_mask(p.welfare) for p in persons], dtype=np.int64),
        household=np.array([p.household for p in persons], dtype=np.int64),
        household_savings=_floats([h.savings for h in households]),
        housing_score=_floats([HOUSING_SCORES.get(h.housing_condition or "") for h in households]),
        poverty_group=_floats([h.poverty_group for h in households]),
        in_basic_school=_floats([p.in_basic_school for p in persons]),
        age=_floats([p.age for p in persons]),
        household_size=_floats([h.size for h in households]),
        household_income_year=_floats([h.income_year for h in households]),
    )
