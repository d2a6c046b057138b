"""Keeping every answer someone was shown, so it can be explained later by the rule it used."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.entitlements.evaluate import Answer, replay
from casework.entitlements.rules import Rules, version_from_spec
from casework.models import Decision

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
        receiving=answer.receiving, inputs=sealer.seal_json(answer.inputs), household_id=subject.household_id,
        person_id=subject.person_id, shown_to=shown_to if channel != "anonymous" else None, channel=channel,
        created_at=now) for answer, subject in shown]
    session.add_all(decisions)
    session.flush()
    return decisions


def explain_again(sealer: Sealer, decision: Decision, rules: Rules) -> Answer:
    """The decision judged again from the rule version and inputs stored with it: the
    same verdict and reasons it had, even when the rules in force have changed since."""
    programme = rules.programme(decision.programme)
    if programme is None:
        raise LookupError(f"programme {decision.programme} is no longer in the rules")
    version = version_from_spec(decision.programme, decision.rule)
    return replay(programme, version, sealer.open_json(decision.inputs), decision.receiving)
