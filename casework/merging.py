"""Two records of one household made one: everything that points at the duplicate points
at the kept household afterwards, a member registered twice becomes one person, and the
duplicate is gone. Callers authorize; the merge is audited on the kept household."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from casework import audit, finding
from casework.crypto import Sealer
from casework.models import Household, NameToken, Person
from casework.models.base import Base
from casework.registry import member_names, same_name


def _pointing_at(table_name: str) -> list[tuple[Table, str]]:
    """Every (table, column) with a foreign key to ``table_name``'s id, read off the models,
    so that a table added later is merged without touching this module."""
    return [(table, column.name) for table in Base.metadata.sorted_tables for column in table.columns
            for key in column.foreign_keys if key.column.table.name == table_name and table.name != table_name]


def similar(session: Session, sealer: Sealer, household: Household, head: str) -> list[int]:
    """Other households of the same village with a member of this name: perhaps the same one."""
    parts = tuple(finding.name_parts(head))
    if not parts:
        return []
    _, found = finding.find(session, sealer, (household.village_code,), finding.Query("name", parts), limit=5)
    return [other.id for other in found if other.id != household.id]


def merge(session: Session, sealer: Sealer, *, keep: Household, duplicate: Household, actor: str,
          now: datetime) -> None:
    kept_names = list(zip(session.scalars(select(Person.id).where(Person.household_id == keep.id).order_by(Person.id)),
                          member_names(session, sealer, keep.id), strict=True))
    twice = {}
    for person_id, name in zip(
            session.scalars(select(Person.id).where(Person.household_id == duplicate.id).order_by(Person.id)),
            member_names(session, sealer, duplicate.id), strict=True):
        same = next((kept_id for kept_id, kept_name in kept_names if same_name(name, kept_name)), None)
        if same is not None:
            twice[person_id] = same
    for old, new in twice.items():
        session.execute(delete(NameToken).where(NameToken.person_id == old))
        for table, column in _pointing_at("persons"):
            if table.name == NameToken.__tablename__:
                continue
            session.execute(update(table).where(table.c[column] == old).values({column: new}))
        session.execute(delete(Person).where(Person.id == old))
    for table, column in _pointing_at("households"):
        session.execute(update(table).where(table.c[column] == duplicate.id).values({column: keep.id}))
    session.execute(delete(Household).where(Household.id == duplicate.id))
    keep.updated_at = now
    audit.record(session, sealer, actor=actor, action="household.merged", entity="household", entity_id=keep.id,
                 area_code=keep.village_code, now=now,
                 changes={"merged": [duplicate.id, keep.id]})
    session.expire_all()
