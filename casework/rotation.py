"""``kaejon keys rotate``: re-seal every sealed column with the current key and re-compute every
lookup hash with the current lookup key, a batch of rows per short transaction, while the
service runs. A row is written only if it still holds what was read (a row changed meanwhile
is left alone: whoever changed it sealed with the current key), so a rerun is safe and only
finishes what is left (idempotent, resumable). See docs/keys.md."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, select, update
from sqlalchemy.orm import Session, sessionmaker

from casework import audit
from casework.crypto import Place, Sealer, Unreadable
from casework.models import Base
from casework.sealing import ROW_KEYS, SEALED_COLUMNS


def _citizen_id_hash(sealer: Sealer, row: Any) -> str | None:
    if not row.citizen_id:
        return None
    return sealer.fingerprint(sealer.open(row.citizen_id, Place("persons", "citizen_id", row.id)).decode())


def _phone_hash(sealer: Sealer, row: Any) -> str | None:
    from casework.finding import phone_hash

    if not row.phone:
        return None
    phone = sealer.open(row.phone, Place("persons", "phone", row.id)).decode()
    if phone.startswith("{"):  # a correction typed in the chat, sealed as JSON
        phone = str(json.loads(phone).get("value") or "")
    return phone_hash(sealer, phone)


def _address_key(sealer: Sealer, row: Any) -> str:
    from casework.registry import address_key

    address = sealer.open_json(row.address, Place("households", "address", row.id))
    return address_key(sealer, row.village_code, str(address.get("house_no") or ""))


# Lookup hashes that can be re-computed from what is stored: (table, hash column, inputs, how).
# invites.code_hash and household_links.code_hash cannot (the codes are not kept): lookups try
# every key in the ring, so keep the old lookup key until those codes expire (docs/keys.md).
REHASHED: tuple[tuple[str, str, tuple[str, ...], Callable[[Sealer, Any], str | None]], ...] = (
    ("persons", "citizen_id_hash", ("citizen_id",), _citizen_id_hash),
    ("persons", "phone_hash", ("phone",), _phone_hash),
    ("households", "address_key", ("village_code", "address"), _address_key),
)


@dataclass
class Progress:
    table: str
    checked: int = 0
    resealed: int = 0
    rehashed: int = 0
    changed_meanwhile: int = 0   # written by someone else between read and update: left alone
    unreadable: list[str] = field(default_factory=list)


def rotate(session_factory: sessionmaker[Session], sealer: Sealer, *, batch: int = 500,
           actor: str, now: Callable[[], datetime]) -> Iterator[Progress]:
    """Re-seal and re-hash table by table; yields progress after every batch."""
    tables = sorted({name for name, *_ in SEALED_COLUMNS} | {name for name, *_ in REHASHED})
    totals = {"resealed": 0, "rehashed": 0, "unreadable": 0}
    for name in tables:
        progress = Progress(name)
        for _ in _rotate_table(session_factory, sealer, Base.metadata.tables[name], batch, progress):
            yield progress
        totals["resealed"] += progress.resealed
        totals["rehashed"] += progress.rehashed
        totals["unreadable"] += len(progress.unreadable)
    progress = Progress("name_tokens")
    for _ in _reindex_names(session_factory, sealer, batch, progress):
        yield progress
    totals["rehashed"] += progress.rehashed
    totals["unreadable"] += len(progress.unreadable)
    with session_factory() as session, session.begin():
        audit.record(session, sealer, actor=actor, action="keys.rotated", entity="keys",
                     entity_id=sealer.current_key_id, area_code=None, now=now(),
                     changes={"key": [None, sealer.current_key_id], "lookup_key": [None, sealer.current_lookup_id],
                              **{k: [None, v] for k, v in totals.items()}})


def _rotate_table(session_factory: sessionmaker[Session], sealer: Sealer, table: Table, batch: int,
                  progress: Progress) -> Iterator[Progress]:
    sealed = [c for t, c, _ in SEALED_COLUMNS if t == table.name]
    hashes = [(c, inputs, how) for t, c, inputs, how in REHASHED if t == table.name]
    (key,) = table.primary_key.columns
    row_key = ROW_KEYS.get(table.name, key.name)
    wanted = {key.name, row_key, *sealed, *(c for c, _, _ in hashes), *(i for _, inputs, _ in hashes for i in inputs)}
    last: Any = None
    while True:
        with session_factory() as session, session.begin():
            query = select(*(table.c[name] for name in sorted(wanted))).order_by(key).limit(batch)
            rows = session.execute(query if last is None else query.where(key > last)).all()
            for row in rows:
                _rotate_row(session, sealer, table, key, row_key, row, sealed, hashes, progress)
        if not rows:
            return
        last = getattr(rows[-1], key.name)
        progress.checked += len(rows)
        yield progress


def _rotate_row(session: Session, sealer: Sealer, table: Table, key: Any, row_key: str, row: Any, sealed: list[str],
                hashes: list[tuple[str, tuple[str, ...], Callable[[Sealer, Any], str | None]]],
                progress: Progress) -> None:
    values: dict[str, Any] = {}
    try:
        for column in sealed:
            old = getattr(row, column)
            if old is not None and Sealer.key_id_of(old)[0] != sealer.current_key_id:
                where = Place(table.name, column, getattr(row, row_key))  # re-sealed in the same place
                values[column] = sealer.seal(sealer.open(old, where), where)
        for column, _, how in hashes:
            fresh = how(sealer, row)
            if fresh != getattr(row, column):
                values[column] = fresh
    except (Unreadable, ValueError) as error:  # ValueError: e.g. JSON of a damaged value
        progress.unreadable.append(f"{table.name} {getattr(row, key.name)}: {error}")
        return
    if not values:
        return
    unchanged = [key == getattr(row, key.name)] + [
        table.c[c].is_(None) if getattr(row, c) is None else table.c[c] == getattr(row, c) for c in values]
    if session.execute(update(table).where(and_(*unchanged)).values(**values)).rowcount == 0:
        progress.changed_meanwhile += 1
        return
    progress.resealed += sum(1 for c in values if c in sealed)
    progress.rehashed += sum(1 for c in values if c not in sealed)


def _reindex_names(session_factory: sessionmaker[Session], sealer: Sealer, batch: int,
                   progress: Progress) -> Iterator[Progress]:
    """The blind index of names (casework/finding.py) re-computed from the sealed names with
    the current lookup key, a batch of people at a time; a person whose tokens are already
    current is left alone, so a rerun rewrites nothing. The batch's people are locked while
    their tokens are written, so an import renaming one meanwhile waits instead of being undone."""
    from casework.finding import index_names, token_hashes
    from casework.models import Household, NameToken, Person

    last = 0
    while True:
        with session_factory() as session, session.begin():
            rows = session.execute(select(Person.id, Person.household_id, Person.name, Household.village_code)
                                   .join(Household, Household.id == Person.household_id)
                                   .where(Person.id > last).order_by(Person.id).limit(batch)
                                   .with_for_update(of=Person)).all()  # a name changed meanwhile waits
            stored: dict[int, set[str]] = {}
            for person_id, token in session.execute(select(NameToken.person_id, NameToken.token_hash).where(
                    NameToken.person_id.in_([row.id for row in rows]))):
                stored.setdefault(person_id, set()).add(token)
            stale = []
            for row in rows:
                try:
                    name = sealer.open_json(row.name, Place("persons", "name", row.id))
                except (Unreadable, ValueError) as error:
                    progress.unreadable.append(f"persons {row.id} (name tokens): {error}")
                    continue
                fresh = token_hashes(sealer, str(name.get("first") or ""), str(name.get("last") or ""))
                if set(fresh) != stored.get(row.id, set()):
                    stale.append((row.id, row.household_id, row.village_code, fresh))
            index_names(session, stale)
            progress.rehashed += len(stale)
        if not rows:
            return
        last = rows[-1].id
        progress.checked += len(rows)
        yield progress
