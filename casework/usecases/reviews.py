"""The second person's review of a submitted check: confirm it (the household is
verified in its group) or return it to the assessor with a note. Never one's own."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from casework import authorization, cases, plans, registry
from casework.authorization import Actor
from casework.models import Account, Assessment, Household
from casework.registry import HouseholdView
from casework.sealing import open_from
from casework.usecases.base import Env, allow, get, use_case

PAGE_SIZE = 10
MAX_NOTE = 500


@dataclass(frozen=True)
class ToReview:
    view: HouseholdView
    assessment_id: int
    scores: dict[str, float]
    mean_score: float
    group: int
    answers: dict[str, int] = field(default_factory=dict)
    assessor: str = ""              # the assessor's name as the chat shows it
    submitted_at: datetime | None = None
    field_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Returned:
    """Who to tell (the assessor's LINE, None if they are gone), and what."""

    assessor_line_id: str | None
    address: str
    note: str


@use_case
def waiting(env: Env, actor: Actor) -> tuple[int, list[ToReview]]:
    """Checks in this person's areas that someone else submitted."""
    scopes = actor.areas("leader", "coordinator")
    allow(bool(scopes) and actor.account_id is not None, "no_role")
    total, rows = registry.to_review(env.session, scopes, actor.account_id, limit=PAGE_SIZE)
    return total, [ToReview(registry.view(env.session, env.sealer, household, env.today), assessment.id,
                            assessment.scores, assessment.mean_score or 0.0, assessment.poverty_group or 0,
                            answers=dict(assessment.answers or {}),
                            assessor=cases.name_of(env.session, assessment.assessed_by),
                            submitted_at=assessment.submitted_at,
                            field_notes=tuple(registry.field_notes(env.sealer, assessment)))
                   for household, assessment in rows]


def _assessment(env: Env, actor: Actor, assessment_id: int | None) -> tuple[Assessment, Household]:
    assessment = get(env, Assessment, assessment_id)
    household = get(env, Household, assessment.household_id)
    allow(actor.account_id is not None
          and authorization.can_review(actor, household.village_code, assessment.assessed_by))
    return assessment, household


@use_case
def confirm(env: Env, actor: Actor, assessment_id: int | None) -> str | None:
    """The household is verified in its group; a group 1 household's welfare case is opened
    (its reference returned) so that its welfare referrals come first."""
    assessment, household = _assessment(env, actor, assessment_id)
    registry.review(env.session, env.sealer, assessment=assessment, household=household, confirm=True,
                    reviewer_id=actor.account_id or 0, now=env.now)
    if household.poverty_group == 1:
        case = plans.open_welfare_case(env.session, env.sealer, household, by=actor.account_id or 0, now=env.now)
        return case.ref if case is not None else None
    return None


@use_case
def begin_return(env: Env, actor: Actor, assessment_id: int | None) -> int:
    """Before the note is asked for: may this person return this check? Its id if so."""
    return _assessment(env, actor, assessment_id)[0].id


@use_case
def send_back(env: Env, actor: Actor, assessment_id: int | None, note: str) -> Returned:
    """Return the check with the reviewer's note; the household waits for a new check."""
    assessment, household = _assessment(env, actor, assessment_id)
    note = note.strip()[:MAX_NOTE]
    registry.review(env.session, env.sealer, assessment=assessment, household=household, confirm=False,
                    reviewer_id=actor.account_id or 0, now=env.now, note=note)
    assessor = env.session.get(Account, assessment.assessed_by)
    return Returned(assessor_line_id=assessor.line_user_id if assessor is not None else None,
                    address=registry.address_text(open_from(env.sealer, household, "address")), note=note)
