"""Judging facts by the rules, in bulk: each condition is one array comparison.

A row is eligible when every condition is met, not eligible when any known fact fails
one, and "can't tell yet" otherwise. Explanations come from the same arrays, for the
rows someone is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from casework.entitlements.facts import Columns, Facts, build, receiving
from casework.entitlements.rules import Benefit, Condition, Programme, Rules, Version

NOT_ELIGIBLE, CANNOT_TELL, ELIGIBLE = 0, 1, 2
STATUS = {NOT_ELIGIBLE: "not_eligible", CANNOT_TELL: "cannot_tell", ELIGIBLE: "eligible"}


@dataclass
class Outcome:
    """One programme's verdict for every row of one entity kind."""

    programme: Programme
    version: Version
    status: np.ndarray       # int8: NOT_ELIGIBLE, CANNOT_TELL, ELIGIBLE
    amount: np.ndarray       # float: baht per the benefit's period, NaN for services
    receiving: np.ndarray    # bool: already receives it

    @property
    def gaps(self) -> np.ndarray:
        """Eligible but not receiving: the rows to reach."""
        return (self.status == ELIGIBLE) & ~self.receiving


@dataclass(frozen=True)
class Check:
    """One condition as judged for one row, for explanations."""

    fact: str
    op: str
    limit: float
    value: float | None
    result: str  # met, failed, unknown, assumed


@dataclass(frozen=True)
class Answer:
    """One programme for one person or household, explained."""

    programme: Programme
    version: Version
    status: str
    amount: int | None
    receiving: bool
    checks: tuple[Check, ...]
    inputs: dict[str, float | None]
    row: int  # the person's (or household's) position in the columns

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(check.fact for check in self.checks if check.result == "unknown")

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.result == "failed")


def _compare(values: np.ndarray, condition: Condition) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        if condition.op == "at_least":
            return values >= condition.limit
        if condition.op == "at_most":
            return values <= condition.limit
        if condition.op == "below":
            return values < condition.limit
        if condition.op == "above":
            return values > condition.limit
        return values == condition.limit


def judge(version: Version, facts: Facts) -> tuple[np.ndarray, np.ndarray]:
    """Status and amount of every row under one version of a rule."""
    failed = np.zeros(facts.size, dtype=bool)
    unknown = np.zeros(facts.size, dtype=bool)
    for condition in version.conditions:
        values = facts[condition.fact]
        known = ~np.isnan(values)
        failed |= known & ~_compare(values, condition)
        if condition.if_unknown == "ask":
            unknown |= ~known
    status = np.where(failed, NOT_ELIGIBLE, np.where(unknown, CANNOT_TELL, ELIGIBLE)).astype(np.int8)
    return status, amounts(version.benefit, facts)


def amounts(benefit: Benefit, facts: Facts) -> np.ndarray:
    if benefit.per is None:
        return np.full(facts.size, np.nan)
    if benefit.baht is not None:
        return np.full(facts.size, float(benefit.baht))
    assert benefit.by is not None
    values, result = facts[benefit.by], np.full(facts.size, np.nan)
    for band in benefit.bands:
        inside = ~np.isnan(values)
        if band.low is not None:
            inside &= values >= band.low
        if band.high is not None:
            inside &= values <= band.high
        result[inside] = band.baht
    return result


def screen(rules: Rules, columns: Columns, on: date) -> tuple[list[Outcome], Facts, Facts]:
    """Every programme in force on ``on`` over every person and household in ``columns``."""
    person_facts, household_facts = build(columns, on)
    outcomes = []
    for programme, version in rules.on(on):
        facts = person_facts if programme.entity == "person" else household_facts
        status, amount = judge(version, facts)
        outcomes.append(Outcome(programme, version, status, amount,
                                receiving(columns, programme.id, programme.entity)))  # type: ignore[arg-type]
    return outcomes, person_facts, household_facts


def used_facts(version: Version) -> tuple[str, ...]:
    names = [condition.fact for condition in version.conditions]
    if version.benefit.by:
        names.append(version.benefit.by)
    return tuple(dict.fromkeys(names))


def _value(values: np.ndarray, row: int) -> float | None:
    value = float(values[row])
    return None if np.isnan(value) else value


def explain(version: Version, facts: Facts, row: int) -> tuple[tuple[Check, ...], dict[str, float | None]]:
    """Each condition's result for one row, and the inputs it was judged on."""
    checks = []
    for condition in version.conditions:
        value = _value(facts[condition.fact], row)
        if value is None:
            result = "assumed" if condition.if_unknown == "assume" else "unknown"
        else:
            result = "met" if bool(_compare(np.array([value]), condition)[0]) else "failed"
        checks.append(Check(condition.fact, condition.op, condition.limit, value, result))
    return tuple(checks), {name: _value(facts[name], row) for name in used_facts(version)}


def answer(outcome: Outcome, facts: Facts, row: int) -> Answer:
    checks, inputs = explain(outcome.version, facts, row)
    status = int(outcome.status[row])
    amount = _value(outcome.amount, row) if status != NOT_ELIGIBLE else None
    return Answer(outcome.programme, outcome.version, STATUS[status], None if amount is None else int(amount),
                  bool(outcome.receiving[row]), checks, inputs, row)


def answers(rules: Rules, columns: Columns, on: date) -> list[Answer]:
    """Every programme for every person and household in ``columns``, explained (a few rows: a chat)."""
    outcomes, person_facts, household_facts = screen(rules, columns, on)
    found = []
    for outcome in outcomes:
        facts = person_facts if outcome.programme.entity == "person" else household_facts
        found.extend(answer(outcome, facts, row) for row in range(facts.size))
    return found


def replay(programme: Programme, version: Version, inputs: dict[str, float | None], was_receiving: bool) -> Answer:
    """A stored decision judged again from its own rule version and inputs, whatever the rules say now."""
    facts = Facts({name: np.array([np.nan if inputs.get(name) is None else inputs[name]], dtype=np.float64)
                   for name in used_facts(version)}, 1)
    status, amount = judge(version, facts)
    checks, kept = explain(version, facts, 0)
    value = _value(amount, 0) if int(status[0]) != NOT_ELIGIBLE else None
    return Answer(programme, version, STATUS[int(status[0])], None if value is None else int(value),
                  was_receiving, checks, kept, 0)
