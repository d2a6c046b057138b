"""Storing accepted rows in bulk: households and persons in batches, with one look-up
query for households and one for persons per batch, new rows inserted together, changes
audited (old -> new, sealed fields unshown). All batches share the import's one
transaction, so an import that fails half-way leaves nothing behind."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, String, any_, bindparam, insert, select, update
from sqlalchemy import Table as SqlTable
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casework import audit, citizen_id, finding, household_status, ids
from casework.crypto import Place, Sealer
from casework.importing.columns import HOUSEHOLD_FIELDS
from casework.importing.rows import PersonRow
from casework.importing.summary import Summary
from casework.models import AuditEntry, Household, Person, Village, WelfareStatus
from casework.registry import address_keys
from casework.thai_time import thai_today
from casework.unit_of_work import UnitOfWork

BATCH_PERSONS = 2_000          # persons per transaction: one look-up query each for households and persons
SEALED = "(sealed)"            # what the audit log says of a sealed field instead of its value


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


_H: SqlTable = Household.__table__  # type: ignore[assignment]
_P: SqlTable = Person.__table__  # type: ignore[assignment]
_V: SqlTable = Village.__table__  # type: ignore[assignment]
_A: SqlTable = AuditEntry.__table__  # type: ignore[assignment]
_W: SqlTable = WelfareStatus.__table__  # type: ignore[assignment]
_HOUSEHOLD_PLAIN = ("housing_condition", "land", "water", "debt_baht", "savings_baht")
_PERSON_PLAIN = ("relation", "sex", "birth_date", "education", "occupation", "income_baht_year", "welfare",
                 "thai")


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class Store:
    """Stores batches of households in ``work`` (the import's one unit of work, committed
    by the caller): one query finds the ones already known, new rows go in at once,
    changed rows are updated with executemany, audit entries go in at once."""

    work: UnitOfWork
    now: datetime
    actor: str
    summary: Summary

    def _audit(self, action: str, entity: str, entity_id: int | str, area: str, changes: audit.Changes,
               sealer: Sealer) -> dict[str, Any]:
        return {"at": self.now, "actor": self.actor, "action": action, "entity": entity,
                "entity_id": str(entity_id), "area_code": area,
                "changes": changes or None}

    def _finish(self, work: UnitOfWork, audits: list[dict[str, Any]]) -> None:
        for entry, entry_id in zip(audits, ids.allocate(work.session, _A, len(audits))):
            entry["id"] = entry_id
            if entry["changes"] is not None:
                entry["changes"] = work.sealer.seal_json(entry["changes"], Place("audit_log", "changes", entry_id))
        _insert(work.session, _A, audits)

    def villages(self, codes: list[str]) -> None:
        """Villages the registry has not seen yet are created, each with an audit entry."""
        work = self.work
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
        work = self.work
        session, sealer = work.session, work.sealer
        audits: list[dict[str, Any]] = []
        household_ids = self._households(session, sealer, plans, audits)
        self._persons(session, sealer, plans, household_ids, audits)
        self._finish(work, audits)
        return sum(len(plan.members) for plan in plans)

    def _households(self, session: Session, sealer: Sealer, plans: list[HouseholdPlan],
                    audits: list[dict[str, Any]]) -> dict[str, int]:
        keys_of = {plan.key: address_keys(sealer, plan.village_code, plan.house_no) for plan in plans}
        found = {row.address_key: row for row in session.execute(
            select(_H.c.id, _H.c.address_key, _H.c.address, *(_H.c[name] for name in _HOUSEHOLD_PLAIN))
            .where(_among(session, _H.c.address_key, [key for keys in keys_of.values() for key in keys])))}
        found_ids: dict[str, int] = {}
        new_rows, new_plans, changed = [], [], []
        for plan in plans:
            plain = {"housing_condition": plan.values["housing_condition"], "land": plan.values["land"],
                     "water": plan.values["water"], "debt_baht": plan.values["debt"],
                     "savings_baht": plan.values["savings"]}
            address = {"house_no": plan.house_no, "moo": int(plan.village_code[6:]),
                       "street": plan.values["street"], "text": ""}
            row = next((found[key] for key in keys_of[plan.key] if key in found), None)
            if row is None:
                new_plans.append(plan)
                new_rows.append({"village_code": plan.village_code, "address_key": plan.key,
                                 "address": address, "location": None, **plain,
                                 "source": "imported", "status": household_status.LISTED, "poverty_group": None,
                                 "created_at": self.now, "updated_at": self.now})
                continue
            found_ids[plan.key] = row.id
            before = {name: getattr(row, name) for name in _HOUSEHOLD_PLAIN}
            after = {name: plain[name] if plain[name] is not None else before[name] for name in _HOUSEHOLD_PLAIN}
            changes = audit.diff(before, after)
            stored_address = sealer.open_json(row.address, Place("households", "address", row.id))
            if address["street"] is None:
                address["street"] = stored_address.get("street")
            address["text"] = stored_address.get("text", "")
            if address != stored_address:
                changes["address"] = [SEALED, SEALED]
            if not changes:
                self.summary.households_unchanged += 1
                continue
            changed.append({"b_id": row.id, **after, "address": sealer.seal_json(address, Place("households", "address", row.id)),
                            "updated_at": self.now})
            audits.append(self._audit("household.update", "household", row.id, plan.village_code, changes, sealer))
        if new_rows:
            # ids taken first (one round trip), so each address is sealed in its row
            for plan, row, new_id in zip(new_plans, new_rows, ids.allocate(session, _H, len(new_rows))):
                row["id"], found_ids[plan.key] = new_id, new_id
                row["address"] = sealer.seal_json(row["address"], Place("households", "address", new_id))
            _insert(session, _H, new_rows)
            for plan, row in zip(new_plans, new_rows):
                changes = {name: [None, row[name]] for name in ("village_code", *_HOUSEHOLD_PLAIN)
                           if row[name] is not None}
                changes.update({"source": [None, "imported"], "status": [None, household_status.LISTED],
                                "address": [None, SEALED]})
                audits.append(self._audit("household.create", "household", found_ids[plan.key], plan.village_code,
                                          changes, sealer))
        if changed:
            session.execute(update(_H).where(_H.c.id == bindparam("b_id")), changed)
        self.summary.households_created += len(new_rows)
        self.summary.households_updated += len(changed)
        return found_ids

    def _persons(self, session: Session, sealer: Sealer, plans: list[HouseholdPlan], household_ids: dict[str, int],
                 audits: list[dict[str, Any]]) -> None:
        members = [(plan, person, sealer.fingerprints(person.citizen_id))
                   for plan in plans for person in plan.members]
        found = {row.citizen_id_hash: row for row in session.execute(
            select(_P.c.id, _P.c.citizen_id_hash, _P.c.household_id, _P.c.name, _P.c.phone, _P.c.phone_hash,
                   *(_P.c[name] for name in _PERSON_PLAIN))
            .where(_among(session, _P.c.citizen_id_hash, [h for _, _, hashed in members for h in hashed])))}
        new_rows, new_areas, changed = [], [], []
        statuses: list[tuple[int, int, str, str]] = []  # (person, household, programme, status) the file changed
        indexed: list[tuple[int, int, str, list[str]]] = []  # the name tokens to rewrite
        fresh: list[tuple[int, int, str, list[str]]] = []  # and to write
        for plan, person, hashed in members:
            household_id = household_ids[plan.key]
            plain = {"relation": person.relation, "sex": person.sex, "birth_date": person.birth_date,
                     "education": person.education, "occupation": person.occupation,
                     "income_baht_year": person.income, "welfare": person.welfare,
                     "thai": citizen_id.is_thai_national(person.citizen_id)}
            name = {"first": person.first_name, "last": person.last_name}
            row = next((found[h] for h in hashed if h in found), None)
            if row is None:
                plain["welfare"] = plain["welfare"] or []
                new_rows.append({"household_id": household_id, "citizen_id_hash": hashed[0],
                                 "citizen_id": person.citizen_id.encode(), "name": name,
                                 "phone": person.phone.encode() if person.phone else None,
                                 "phone_hash": finding.phone_hash(sealer, person.phone),
                                 **plain, "has_disability_card": None, "health": None,
                                 "created_at": self.now, "updated_at": self.now})
                new_areas.append(plan.village_code)
                continue
            before = {name_: getattr(row, name_) for name_ in _PERSON_PLAIN}
            after = {name_: plain[name_] if plain[name_] is not None else before[name_] for name_ in _PERSON_PLAIN}
            changes = audit.diff(before, after)
            if person.welfare is not None:
                had, has = set(before["welfare"] or ()), set(person.welfare)
                statuses += [(row.id, household_id, code, "receiving") for code in sorted(has - had)]
                statuses += [(row.id, household_id, code, "stopped") for code in sorted(had - has)]
            if row.household_id != household_id:
                changes["household_id"] = [row.household_id, household_id]
            values = {"b_id": row.id, "household_id": household_id, **after, "name": row.name, "phone": row.phone,
                      "phone_hash": row.phone_hash}
            if sealer.open_json(row.name, Place("persons", "name", row.id)) != name:
                changes["name"] = [SEALED, SEALED]
                values["name"] = sealer.seal_json(name, Place("persons", "name", row.id))
            stored_phone = sealer.open(row.phone, Place("persons", "phone", row.id)).decode() if row.phone else None
            if person.phone is not None and person.phone != stored_phone:
                changes["phone"] = [SEALED if stored_phone else None, SEALED]
                values["phone"] = sealer.seal(person.phone.encode(), Place("persons", "phone", row.id))
                values["phone_hash"] = finding.phone_hash(sealer, person.phone)
            if not changes:
                self.summary.persons_unchanged += 1
                continue
            indexed.append((row.id, household_id, plan.village_code, finding.token_hashes(sealer, *name.values())))
            changed.append({**values, "updated_at": self.now})
            moved = "household_id" in changes
            self.summary.persons_moved += moved
            audits.append(self._audit("person.move" if moved else "person.update", "person", row.id,
                                      plan.village_code, _jsonable(changes), sealer))
        names: dict[int, tuple[str, str]] = {}
        if new_rows:
            for row, new_id in zip(new_rows, ids.allocate(session, _P, len(new_rows))):
                row["id"] = new_id
                row["citizen_id"] = sealer.seal(row["citizen_id"], Place("persons", "citizen_id", new_id))
                names[new_id] = (row["name"]["first"], row["name"]["last"])
                row["name"] = sealer.seal_json(row["name"], Place("persons", "name", new_id))
                if row["phone"] is not None:
                    row["phone"] = sealer.seal(row["phone"], Place("persons", "phone", new_id))
            _insert(session, _P, new_rows)
            statuses += [(row["id"], row["household_id"], code, "receiving") for row in new_rows
                         for code in row["welfare"]]
            for row, area in zip(new_rows, new_areas):
                new_id = row["id"]
                fresh.append((new_id, row["household_id"], area, finding.token_hashes(sealer, *names[new_id])))
                changes = {name: [None, row[name]] for name in ("household_id", *_PERSON_PLAIN)
                           if row[name] not in (None, [])}
                changes.update({"name": [None, SEALED], "citizen_id": [None, SEALED]})
                if row["phone"] is not None:
                    changes["phone"] = [None, SEALED]
                audits.append(self._audit("person.create", "person", new_id, area, _jsonable(changes), sealer))
        if changed:
            session.execute(update(_P).where(_P.c.id == bindparam("b_id")), changed)
        finding.index_names(session, indexed)
        finding.index_names(session, fresh, replace=False)
        self._welfare(session, statuses)
        self.summary.persons_created += len(new_rows)
        self.summary.persons_updated += len(changed)


    def _welfare(self, session: Session, statuses: list[tuple[int, int, str, str]]) -> None:
        """What the file says a person receives, or no longer receives, as their welfare
        status from the import's day (``casework/welfare.py``), in one statement."""
        if not statuses:
            return
        dialect = session.get_bind().dialect.name
        upsert = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(_W)
        statement = upsert.on_conflict_do_update(
            index_elements=["person_id", "programme"],
            set_={name: upsert.excluded[name] for name in ("status", "since", "source", "recorded_by",
                                                           "recorded_by_label", "updated_at")})
        since = thai_today(self.now)
        session.execute(statement, [
            {"id": new_id, "person_id": person_id, "household_id": household_id, "programme": programme,
             "status": status, "since": since, "source": "import", "recorded_by": None,
             "recorded_by_label": self.actor[:64], "updated_at": self.now}
            for (person_id, household_id, programme, status), new_id
            in zip(statuses, ids.allocate(session, _W, len(statuses)))])


def _among(session: Session, column: ColumnElement[str], values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN (values)``; on PostgreSQL as ``= ANY(array)``, one parameter instead
    of thousands for the driver to parse and the server to plan."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def _insert(session: Session, table: SqlTable, rows: list[dict[str, Any]]) -> None:
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
