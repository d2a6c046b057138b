"""Batch screening: every person and household of an area judged by the welfare rules at
once, and the gaps (eligible but not receiving) found, counted and kept as a run.

Nothing here loops over persons in Python or queries per person. Loading is two
queries, one per table, each column made non-null and fixed width in SQL (unknowns
become sentinels, the welfare list a bitmask in ``facts.RECEIVED``'s bit order):

- on PostgreSQL each column comes back as one ``bytea``, the server concatenating
  every row's binary value (``string_agg(int8send(...))``), and numpy reads it as a
  big-endian array. A binary ``COPY ... TO STDOUT`` was measured too: the server
  sends it as one message per row, and reading a million messages through psycopg
  took 1.5 to 3 times as long as the whole aggregate on the bench machine.
- on SQLite the same query is fetched as tuples into a numpy record array.

Judging is ``evaluate.screen``, the same function that answers one household in chat.
The gaps are stored packed, one row per programme and village holding the ids, amounts
and ages as arrays (``ScreeningGap`` says why), with one executemany on either backend;
``stored_gaps`` reads them back. Explanations are made only for the gaps someone is
shown (``ScreeningResult.explain``), from the same arrays.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from casework import areas, household_status
from casework.entitlements import evaluate
from casework.entitlements.facts import HOUSING_SCORES, RECEIVED, Columns, Facts
from casework.entitlements.registry_columns import Frame
from casework.entitlements.rules import Programme, Rules, Version
from casework.models import ScreeningGap, ScreeningRun, Village

WHOLE_REGISTRY = ""            # the area code of a run over every household (a prefix of every code)
UNKNOWN = -1                   # the sentinel of an unknown number, yes/no or welfare list
UNKNOWN_DAY = -2 ** 31         # the sentinel of an unknown birth date (days since 1970-01-01)
_NAT = np.datetime64("NaT", "D").astype(np.int64)


class UnknownArea(ValueError):
    """The area code is malformed, or names no area Kaejon knows."""


class UnknownProgramme(ValueError):
    """No rules file has this programme id."""


# ---------------------------------------------------------------------------------------------
# Areas

def check_area(session: Session, area_code: str | None) -> str:
    """The area's code as a prefix of village codes: ``WHOLE_REGISTRY`` for "all" or
    nothing; a province, district or sub-district geothai knows; or a village Kaejon has."""
    code = (area_code or "").strip()
    if code.lower() in ("", "all"):
        return WHOLE_REGISTRY
    level = areas.level_of(code)
    if level is None:
        raise UnknownArea(f"'{code}' is not an area code: give 2, 4, 6 or 8 digits, or 'all'")
    known = session.get(Village, code) is not None if level == "village" else areas.official(code) is not None
    if not known:
        raise UnknownArea(f"no {level} has the code {code}")
    return code


def area_name(session: Session, area_code: str) -> str:
    """How an operator reads the area: "the whole registry", "46 (Kalasin)"."""
    if area_code == WHOLE_REGISTRY:
        return "the whole registry"
    official = areas.official(area_code)
    if official is not None:
        return f"{area_code} ({official.name_en})"
    village = session.get(Village, area_code)
    return f"{area_code} ({village.name})" if village is not None and village.name else area_code


def _village_range(area_code: str) -> tuple[str, str]:
    """Village codes are 8 digits, so an area's are exactly those between its code padded
    with 0s and with 9s; unlike LIKE, this uses the index whatever the collation."""
    return area_code.ljust(8, "0"), area_code.ljust(8, "9")


# ---------------------------------------------------------------------------------------------
# Loading

# Each column: (name, SQL on PostgreSQL, SQL on SQLite, big-endian type on the wire).
_HOUSING = " ".join(f"WHEN '{code}' THEN {int(score)}" for code, score in HOUSING_SCORES.items())
_HOUSEHOLD_COLUMNS = (
    ("id", "h.id", "h.id", ">i8"),
    ("village", "convert_to(rpad(h.village_code, 8), 'UTF8')", "h.village_code", "S8"),
    ("savings", "COALESCE(h.savings_baht, -1)", "COALESCE(h.savings_baht, -1)", ">i4"),
    ("housing", f"(CASE h.housing_condition {_HOUSING} ELSE -1 END)::int2",
     f"CASE h.housing_condition {_HOUSING} ELSE -1 END", ">i2"),
    ("group", "COALESCE(h.poverty_group, -1)::int2", "COALESCE(h.poverty_group, -1)", ">i2"),
)
assert all(re.fullmatch(r"[a-z_]+", code) for code in (*RECEIVED, *HOUSING_SCORES))  # safe inside SQL text
_PG_WELFARE = ("(CASE WHEN p.welfare = '[]'::jsonb THEN 0 WHEN jsonb_typeof(p.welfare) = 'array' THEN "
               + " | ".join(f"(CASE WHEN p.welfare ? '{code}' THEN {1 << bit} ELSE 0 END)"
                            for bit, code in enumerate(RECEIVED))
               + " ELSE -1 END)::int2")  # SQL NULL and JSON null (the ORM's None) alike: unknown
_SQLITE_WELFARE = ("CASE WHEN p.welfare IS NULL OR json_type(p.welfare) IS NOT 'array' THEN -1 ELSE "
                   "(SELECT coalesce(sum(DISTINCT CASE value "
                   + " ".join(f"WHEN '{code}' THEN {1 << bit}" for bit, code in enumerate(RECEIVED))
                   + " END), 0) FROM json_each(p.welfare)) END")
_PERSON_COLUMNS = (
    ("household", "p.household_id", "p.household_id", ">i8"),
    ("id", "p.id", "p.id", ">i8"),
    ("born", f"COALESCE(p.birth_date - DATE '1970-01-01', {UNKNOWN_DAY})::int4",
     f"COALESCE(CAST(julianday(p.birth_date) - 2440587.5 AS INTEGER), {UNKNOWN_DAY})", ">i4"),
    ("thai", "COALESCE(p.thai::int, -1)::int2", "COALESCE(p.thai, -1)", ">i2"),
    ("card", "COALESCE(p.has_disability_card::int, -1)::int2", "COALESCE(p.has_disability_card, -1)", ">i2"),
    ("income", "COALESCE(p.income_baht_year, -1)", "COALESCE(p.income_baht_year, -1)", ">i4"),
    ("welfare", _PG_WELFARE, _SQLITE_WELFARE, ">i2"),
)
_SEND = {">i8": "int8send", ">i4": "int4send", ">i2": "int2send", "S8": ""}


def _where(area_code: str, postgresql: bool) -> tuple[str, str, dict[str, str]]:
    """Conditions on households and on persons (through their household) for the area."""
    mark = (lambda name: f"%({name})s") if postgresql else (lambda name: f":{name}")
    open_ = ", ".join(f"'{status}'" for status in household_status.OPEN)
    households = f"h.status IN ({open_})"
    params: dict[str, str] = {}
    if area_code != WHOLE_REGISTRY:
        households += f" AND h.village_code BETWEEN {mark('low')} AND {mark('high')}"
        params["low"], params["high"] = _village_range(area_code)
        persons = f"p.household_id IN (SELECT h.id FROM households h WHERE {households})"
    else:
        persons = "TRUE"  # every person; those of closed households are left out by ``_frame``
    return households, persons, params


def _fetch(session: Session, columns: tuple[tuple[str, str, str, str], ...], source: str, where: str,
           params: dict[str, str]) -> dict[str, np.ndarray]:
    """One query for a table's columns, each as a numpy array (big-endian as sent, from PostgreSQL)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One row: each column's values concatenated by the server; NULL when no rows.
        select = ", ".join(f"string_agg({_SEND[kind]}({sql}), ''::bytea)" if _SEND[kind]
                           else f"string_agg({sql}, ''::bytea)" for _, sql, _, kind in columns)
        driver = connection.connection.driver_connection
        with driver.cursor(binary=True) as cursor:
            cursor.execute(f"SELECT {select} FROM {source} WHERE {where}", params)
            row = cursor.fetchone()
        return {name: np.frombuffer(data or b"", dtype=kind) for (name, _, _, kind), data in zip(columns, row)}
    select = ", ".join(sql for _, _, sql, _ in columns)
    dtype = [(name, kind.replace(">", "=").replace("S8", "U8")) for name, _, _, kind in columns]
    cursor = connection.connection.driver_connection.execute(f"SELECT {select} FROM {source} WHERE {where}", params)
    records = np.array(cursor.fetchall(), dtype=dtype)
    return {name: records[name] for name, _ in dtype}


def load_area(session: Session, area_code: str) -> Frame:
    """The area's open households and their members as entitlement columns, in bulk.

    ``area_code`` is what ``check_area`` returns. Households are in the order of their
    village code, then id; persons in the order of their household, then id.
    """
    postgresql = session.connection().dialect.name == "postgresql"
    households_where, persons_where, params = _where(area_code, postgresql)
    households = _fetch(session, _HOUSEHOLD_COLUMNS, "households h", households_where, params)
    persons = _fetch(session, _PERSON_COLUMNS, "persons p", persons_where, params)
    return _frame(households, persons)


def _known(values: np.ndarray) -> np.ndarray:
    """Floats, NaN where the sentinel says unknown."""
    result = values.astype(np.float64)
    result[values == UNKNOWN] = np.nan
    return result


def _frame(households: dict[str, np.ndarray], persons: dict[str, np.ndarray]) -> Frame:
    """Columns from the fetched arrays: households sorted by village code and id, persons by
    household and id, each person pointing at their household's position."""
    villages = households["village"]
    if villages.dtype.kind == "S":
        villages = np.char.strip(villages.astype("U8"))
    by_village = np.lexsort((households["id"].astype(np.int64), villages))
    household_ids = households["id"][by_village].astype(np.int64)
    # Where each person's household is: sorted ids and searchsorted, no loop. A person whose
    # household is not among these (closed, moved, or added after the households query) is left out.
    by_id = np.argsort(household_ids)
    sorted_ids = household_ids[by_id]
    person_households, person_ids = persons["household"].astype(np.int64), persons["id"].astype(np.int64)
    found = np.searchsorted(sorted_ids, person_households)
    inside = found < len(sorted_ids)
    inside[inside] = sorted_ids[found[inside]] == person_households[inside]
    kept = np.flatnonzero(inside)
    household = by_id[found[kept]]
    order = np.lexsort((person_ids[kept], household))
    take = kept[order]           # one gather per column, from the fetched arrays straight to the frame's

    def person(name: str) -> np.ndarray:
        return persons[name][take]

    born = person("born").astype(np.int64)
    born[born == UNKNOWN_DAY] = _NAT
    columns = Columns(
        birth_day=born.view("datetime64[D]"),
        thai=_known(person("thai")),
        disability_card=_known(person("card")),
        own_income_year=_known(person("income")),
        welfare=person("welfare").astype(np.int64),
        household=household[order].astype(np.int64),
        household_savings=_known(households["savings"][by_village]),
        housing_score=_known(households["housing"][by_village]),
        poverty_group=_known(households["group"][by_village]),
    )
    return Frame(columns, person_ids[take], household_ids, villages[by_village].astype("U8"))


# ---------------------------------------------------------------------------------------------
# Screening

@dataclass
class ProgrammeGaps:
    """One programme's gaps, in the frame's order (village, household, person). Ages are
    None for household programmes; amounts NaN where the benefit is a service."""

    programme: Programme
    version: Version
    outcome: evaluate.Outcome
    rows: np.ndarray             # positions in the person (or household) arrays
    household_ids: np.ndarray
    person_ids: np.ndarray | None
    village_codes: np.ndarray
    ages: np.ndarray | None
    amounts: np.ndarray

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def period(self) -> str | None:
        return self.version.benefit.per


@dataclass
class ScreeningResult:
    """A screening's counts and gaps, the arrays they came from (kept so that a gap shown can
    be explained), seconds per stage, and the run's id when it was stored."""

    area_code: str
    on: date
    persons: int
    households: int
    gaps: list[ProgrammeGaps]
    seconds: dict[str, float]    # load, evaluate (with picking out the gaps), store, total
    frame: Frame
    person_facts: Facts
    household_facts: Facts
    run_id: int | None = None
    rules: str = ""

    @property
    def counts(self) -> dict[str, int]:
        return {gaps.programme.id: gaps.count for gaps in self.gaps}

    @property
    def total_gaps(self) -> int:
        return sum(gaps.count for gaps in self.gaps)

    def explain(self, programme_id: str, index: int) -> evaluate.Answer:
        """The ``index``-th gap of a programme, explained by the rule that found it."""
        gaps = next(found for found in self.gaps if found.programme.id == programme_id)
        facts = self.person_facts if gaps.programme.entity == "person" else self.household_facts
        return evaluate.answer(gaps.outcome, facts, int(gaps.rows[index]))

    @property
    def nbytes(self) -> dict[str, int]:
        """Bytes held in arrays, by what they hold."""
        columns = self.frame.columns
        frame = sum(value.nbytes for value in vars(columns).values() if isinstance(value, np.ndarray))
        frame += self.frame.person_ids.nbytes + self.frame.household_ids.nbytes + self.frame.village_codes.nbytes
        facts = sum(values.nbytes for facts in (self.person_facts, self.household_facts)
                    for values in facts.values.values())
        outcomes = sum(gaps.outcome.status.nbytes + gaps.outcome.amount.nbytes + gaps.outcome.receiving.nbytes
                       for gaps in self.gaps)
        found = sum(array.nbytes for gaps in self.gaps for array in
                    (gaps.rows, gaps.household_ids, gaps.person_ids, gaps.village_codes, gaps.ages, gaps.amounts)
                    if array is not None)
        return {"columns": frame, "facts": facts, "outcomes": outcomes, "gaps": found,
                "total": frame + facts + outcomes + found}


def only(rules: Rules, programme_id: str | None) -> Rules:
    """The rules of one programme (all of them for None)."""
    if programme_id is None:
        return rules
    programme = rules.programme(programme_id)
    if programme is None:
        known = ", ".join(p.id for p in rules.programmes)
        raise UnknownProgramme(f"no programme '{programme_id}' in the rules (known: {known})")
    return Rules((programme,))


def find_gaps(frame: Frame, rules: Rules, on: date) -> tuple[list[ProgrammeGaps], Facts, Facts]:
    """Every programme in force on ``on`` judged over the frame; its gaps picked out."""
    outcomes, person_facts, household_facts = evaluate.screen(rules, frame.columns, on)
    found = []
    for outcome in outcomes:
        rows = np.flatnonzero(outcome.gaps)
        person = outcome.programme.entity == "person"
        household = frame.columns.household[rows] if person else rows
        found.append(ProgrammeGaps(
            programme=outcome.programme, version=outcome.version, outcome=outcome, rows=rows,
            household_ids=frame.household_ids[household], person_ids=frame.person_ids[rows] if person else None,
            village_codes=frame.village_codes[household], ages=person_facts["age"][rows] if person else None,
            amounts=outcome.amount[rows]))
    return found, person_facts, household_facts


def run(session: Session, rules: Rules, area_code: str | None, on: date, now: datetime, store: bool = True,
        programme: str | None = None) -> ScreeningResult:
    """Screen an area (a code ``check_area`` accepts) and, with ``store``, keep the run and its
    gaps in the session's transaction (the caller commits). Runs are never replaced."""
    started = time.perf_counter()
    area = check_area(session, area_code)
    chosen = only(rules, programme)
    frame = load_area(session, area)
    loaded = time.perf_counter()
    gaps, person_facts, household_facts = find_gaps(frame, chosen, on)
    judged = time.perf_counter()
    result = ScreeningResult(
        area_code=area, on=on, persons=frame.columns.persons, households=frame.columns.households, gaps=gaps,
        seconds={"load": loaded - started, "evaluate": judged - loaded}, frame=frame,
        person_facts=person_facts, household_facts=household_facts,
        rules=",".join(f.version.ref for f in gaps))
    if store:
        screening_run = ScreeningRun(area_code=area, evaluated_on=on, rules=result.rules[:400],
                                     persons=result.persons, households=result.households,
                                     gaps=result.total_gaps, seconds=0.0, created_at=now)
        session.add(screening_run)
        session.flush()
        store_gaps(session, screening_run.id, gaps)
        result.run_id = screening_run.id
        result.seconds["store"] = time.perf_counter() - judged
        screening_run.seconds = round(time.perf_counter() - started, 3)
        session.flush()
    result.seconds["total"] = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------------------------
# Storing

def store_gaps(session: Session, run_id: int, gaps: list[ProgrammeGaps]) -> None:
    """The gaps as ``ScreeningGap`` rows of the run, one per programme and village, in the
    session's transaction: one executemany on either backend."""
    rows = [row for found in gaps for row in _packed(run_id, found)]
    if rows:
        session.execute(insert(ScreeningGap.__table__), rows)


def _packed(run_id: int, found: ProgrammeGaps) -> list[dict[str, Any]]:
    """A programme's gaps as one row per village. The gaps are in village order, so each
    village's are one slice of every array, cut where the village code changes."""
    if not found.count:
        return []
    villages = found.village_codes
    starts = np.concatenate(([0], np.flatnonzero(villages[1:] != villages[:-1]) + 1))
    ends = np.append(starts[1:], found.count)
    columns = {"household_ids": found.household_ids.astype("<i8")}
    if found.person_ids is not None:
        columns["person_ids"] = found.person_ids.astype("<i8")
    if found.version.benefit.per is not None:   # a service has no amount at all
        columns["amounts"] = np.where(np.isnan(found.amounts), UNKNOWN, found.amounts).astype("<i4")
    if found.ages is not None:
        columns["ages"] = np.where(np.isnan(found.ages), UNKNOWN, found.ages).astype("<i2")
    empty = {"person_ids": None, "amounts": None, "ages": None}
    return [{"run_id": run_id, "programme": found.programme.id, "village_code": str(villages[start]),
             "gaps": int(end - start), **empty,
             **{name: values[start:end].tobytes() for name, values in columns.items()}}
            for start, end in zip(starts.tolist(), ends.tolist())]


@dataclass
class StoredGaps:
    """A stored run's gaps in one programme and village, decoded; the arrays are in the
    order they were found (household, then person) and read-only."""

    programme: str
    village_code: str
    household_ids: np.ndarray          # int64
    person_ids: np.ndarray | None      # int64; None for household programmes
    amounts: np.ndarray | None         # int32 baht, UNKNOWN (-1) where not known; None for a service
    ages: np.ndarray | None            # int16 years, UNKNOWN (-1) where not known; None for households

    @property
    def count(self) -> int:
        return len(self.household_ids)


def stored_gaps(session: Session, run_id: int, programme: str | None = None,
                village_prefix: str | None = None) -> list[StoredGaps]:
    """A stored run's gaps by programme and village (in that order), optionally of one
    programme and of the villages whose code starts with ``village_prefix`` (an area code)."""
    table = ScreeningGap.__table__.c
    query = select(table.programme, table.village_code, table.household_ids, table.person_ids, table.amounts,
                   table.ages).where(table.run_id == run_id)
    if programme is not None:
        query = query.where(table.programme == programme)
    if village_prefix:
        low, high = _village_range(village_prefix)
        query = query.where(table.village_code.between(low, high))
    query = query.order_by(table.programme, table.village_code)

    def decode(data: bytes | None, kind: str) -> np.ndarray | None:
        return None if data is None else np.frombuffer(data, dtype=kind)

    return [StoredGaps(row.programme, row.village_code, np.frombuffer(row.household_ids, dtype="<i8"),
                       decode(row.person_ids, "<i8"), decode(row.amounts, "<i4"), decode(row.ages, "<i2"))
            for row in session.execute(query)]
