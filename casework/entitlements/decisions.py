"""Keeping every answer someone was shown, so it can be explained later by the rule it used."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.entitlements import evaluate
from casework.entitlements.evaluate import Answer, replay
from casework.entitlements.facts import Columns
from casework.entitlements.rules import Rules, version_from_spec
from casework.models import Decision
from casework.sealing import open_from, seal_into

CHANNELS = ("chat", "anonymous", "command")


@dataclass(frozen=True)
class Subject:
    """Whom an answer is about; both None for anonymous answers."""

    household_id: int | None = None
    person_id: int | None = None


def record(session: Session, sealer: Sealer, shown: list[tuple[Answer, Subject]], *, on: date, channel: str,
           shown_to: int | None, now: datetime) -> list[Decision]:
    """Store the answers shown, each with its rule version as written and its inputs (sealed)."""
    assert channel in CHANNELS
    decisions = [Decision(
        programme=answer.version.programme, rule_version=answer.version.ref, rule_digest=answer.version.digest,
        rule=answer.version.spec, evaluated_on=on, status=answer.status, amount=answer.amount,
        receiving=answer.receiving, household_id=subject.household_id,
        person_id=subject.person_id, shown_to=shown_to if channel != "anonymous" else None, channel=channel,
        created_at=now) for answer, subject in shown]
    for decision, (answer, _) in zip(decisions, shown):
        seal_into(sealer, decision, "inputs", answer.inputs)
    session.add_all(decisions)
    session.flush()
    return decisions


@dataclass(frozen=True)
class Shown:
    """An answer someone was shown, and the decision that keeps it."""

    answer: Answer
    decision_id: int


def _nobody(answer: Answer) -> Subject:
    return Subject()


def _every(answer: Answer) -> bool:
    return True


def judge(session: Session, sealer: Sealer, rules: Rules, columns: Columns, *, on: date, channel: str,
          shown_to: int | None, now: datetime, subject: Callable[[Answer], Subject] = _nobody,
          shown: Callable[[Answer], bool] = _every) -> list[Shown]:
    """Judge ``columns`` by the rules in force ``on`` and keep, as decisions, the answers
    ``shown`` picks out, each about ``subject(answer)`` (nobody, unless told). Every answer
    anyone sees, in chat or on the command line, is judged and kept here, so none is
    shown that could not be explained later."""
    picked = [answer for answer in evaluate.answers(rules, columns, on) if shown(answer)]
    kept = record(session, sealer, [(answer, subject(answer)) for answer in picked], on=on, channel=channel,
                  shown_to=shown_to, now=now)
    return [Shown(answer, decision.id) for answer, decision in zip(picked, kept)]


def explain_again(sealer: Sealer, decision: Decision, rules: Rules) -> Answer:
    """The decision judged again from the rule version and inputs stored with it: the
    same verdict and reasons it had, even when the rules in force have changed since."""
    programme = rules.programme(decision.programme)
    if programme is None:
        raise LookupError(f"programme {decision.programme} is no longer in the rules")
    version = version_from_spec(decision.programme, decision.rule)
    return replay(programme, version, open_from(sealer, decision, "inputs"), decision.receiving)
