"""The second person's review of a submitted check: confirm it (the household is
verified in its group) or return it to the assessor with a note, who is told either way.
Never one's own check, never one's own household; a second tap says who did it and when."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from casework import authorization, cases, plans, registry
from casework.authorization import Actor
from casework.cases import name_of
from casework.errors import AlreadyDone, Refused
from casework.models import Account, Assessment, Household
from casework.registry import HouseholdView
from casework.sealing import open_from
from casework.usecases.base import Env, allow, get, not_own, use_case

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
    household_id: int = 0


@dataclass(frozen=True)
class Confirmed:
    """The welfare case opened for a group 1 household (its reference), and who to tell that
    the check was confirmed: the assessor's LINE (None if they are gone), with the household."""

    welfare_case: str | None
    assessor_line_id: str | None
    household_id: int
    address: str
    group: int
    by: str


@use_case
def waiting(env: Env, actor: Actor) -> tuple[int, list[ToReview]]:
    """Checks in this person's areas that someone else submitted."""
    scopes = actor.areas("leader", "coordinator")
    allow(bool(scopes) and actor.account_id is not None, "no_role")
    total, rows = registry.to_review(env.session, scopes, actor.account_id, limit=PAGE_SIZE)
    return total, [_to_review(env, household, assessment) for household, assessment in rows]


def _to_review(env: Env, household: Household, assessment: Assessment) -> ToReview:
    """A check as its confirmer sees it: the scores, the answers, who checked it and when, the field notes."""
    return ToReview(registry.view(env.session, env.sealer, household, env.today), assessment.id,
                    assessment.scores, assessment.mean_score or 0.0, assessment.poverty_group or 0,
                    answers=dict(assessment.answers or {}),
                    assessor=cases.name_of(env.session, assessment.assessed_by),
                    submitted_at=assessment.submitted_at,
                    field_notes=tuple(registry.field_notes(env.sealer, assessment)))


def _assessment(env: Env, actor: Actor, assessment_id: int | None) -> tuple[Assessment, Household]:
    """A check this person may decide: in their area (else not for them); still waiting (else
    ``already_confirmed``/``already_returned``, by whom and when); someone else's check
    (``own_check``) of a household they are not part of (``own_household``)."""
    assessment = get(env, Assessment, assessment_id)
    household = get(env, Household, assessment.household_id)
    allow(actor.account_id is not None and authorization.can_check(actor, household.village_code))
    if assessment.status in ("confirmed", "returned"):
        raise AlreadyDone("already_confirmed" if assessment.status == "confirmed" else "already_returned",
                          by=name_of(env.session, assessment.reviewed_by),
                          at=assessment.reviewed_at, mine=assessment.reviewed_by == actor.account_id)
    if assessment.status != "submitted":
        raise Refused("not_awaiting_review")
    allow(authorization.can_review(actor, household.village_code, assessment.assessed_by), "own_check")
    not_own(env, actor, household)
    return assessment, household


def _assessor(env: Env, assessment: Assessment) -> str | None:
    assessor = env.session.get(Account, assessment.assessed_by)
    return assessor.line_user_id if assessor is not None else None


@use_case
def open_check(env: Env, actor: Actor, assessment_id: int | None) -> ToReview:
    """One check waiting for this person's confirmation (the button of the news that it waits)."""
    assessment, household = _assessment(env, actor, assessment_id)
    return _to_review(env, household, assessment)


@use_case
def confirm(env: Env, actor: Actor, assessment_id: int | None) -> Confirmed:
    """The household is verified in its group; a group 1 household's welfare case is opened
    (its reference returned) so that its welfare referrals come first; the assessor is told."""
    assessment, household = _assessment(env, actor, assessment_id)
    registry.review(env.session, env.sealer, assessment=assessment, household=household, confirm=True,
                    reviewer_id=actor.account_id or 0, now=env.now)
    welfare_case = None
    if household.poverty_group == 1:
        case = plans.open_welfare_case(env.session, env.sealer, household, by=actor.account_id or 0, now=env.now)
        welfare_case = case.ref if case is not None else None
    return Confirmed(welfare_case, _assessor(env, assessment), household.id,
                     registry.address_text(open_from(env.sealer, household, "address")),
                     household.poverty_group or 0, name_of(env.session, actor.account_id))


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
    return Returned(assessor_line_id=_assessor(env, assessment),
                    address=registry.address_text(open_from(env.sealer, household, "address")), note=note,
                    household_id=household.id)
