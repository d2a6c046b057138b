"""Registry rows as entitlement columns: one household for a chat, or an area in bulk."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.entitlements.facts import Columns, HouseholdRecord, PersonRecord, columns_from
from casework.models import Household, Person


@dataclass
class Frame:
    """Columns plus who each row is: ``person_ids[i]`` is row i, ``household_ids[j]``
    and ``village_codes[j]`` household j."""

    columns: Columns
    person_ids: np.ndarray
    household_ids: np.ndarray
    village_codes: np.ndarray


def person_record(person: Person, household_index: int = 0) -> PersonRecord:
    return PersonRecord(household=household_index, birth_day=person.birth_date, thai=person.thai,
                        disability_card=person.has_disability_card,
                        own_income_year=person.income_baht_year,
                        welfare=tuple(person.welfare) if person.welfare is not None else None)


def household_record(household: Household) -> HouseholdRecord:
    return HouseholdRecord(savings=household.savings_baht, housing_condition=household.housing_condition,
                           poverty_group=household.poverty_group)


def for_household(session: Session, household_id: int) -> Frame:
    """The household's members (oldest first) as columns, for answering in chat."""
    household = session.get(Household, household_id)
    if household is None:
        raise LookupError(household_id)
    persons = list(session.scalars(select(Person).where(Person.household_id == household_id)
                                   .order_by(Person.birth_date.is_(None), Person.birth_date, Person.id)))
    return Frame(columns_from([person_record(person) for person in persons], [household_record(household)]),
                 np.array([person.id for person in persons], dtype=np.int64),
                 np.array([household.id], dtype=np.int64), np.array([household.village_code]))
