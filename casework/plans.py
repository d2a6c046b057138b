"""A household's intervention plan: proposed from its poverty group, its five-capital scores
and its welfare gaps (``casework/data/plans.yaml``, after the seed's four models of help),
reviewed by a leader who keeps or drops each item, and approved: the kept items become
cases, and those with a service are referred to the agency that provides it.

``propose`` is a plain function over plain data; the rest reads and writes the database.
Callers authorize first.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework import audit, cases, data, referrals
from casework.crypto import Sealer
from casework.entitlements import registry_columns
from casework.entitlements.evaluate import screen
from casework.entitlements.rules import Rules
from casework.errors import Refused
from casework.models import Assessment, Case, Household, Plan, PlanItem, Referral
from casework.services import services

DRAFT, APPROVED, REPLACED = "draft", "approved", "replaced"
WELFARE = "welfare"
MAX_ITEMS = 10  # a plan a leader reviews in one carousel


class PlanError(Refused):
    """``not_draft`` (already approved or replaced), ``nothing_kept``, ``not_verified``, ``bad_item``."""


@dataclass(frozen=True)
class Gap:
    """A programme the household (or one member: ``person_id``) is eligible for and not receiving."""

    programme: str
    person_id: int | None


@dataclass(frozen=True)
class Proposal:
    track: str
    need: str
    service: str | None
    programme: str | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class Policy:
    tracks: tuple[str, ...]
    capitals: dict[str, tuple[dict[str, Any], ...]]
    order: dict[int, tuple[str, ...]]
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)


@lru_cache(maxsize=1)
def policy() -> Policy:
    raw = data.load("plans.yaml")
    tracks = tuple(raw["tracks"])
    known = services()
    capitals = {capital: tuple(items) for capital, items in raw["capitals"].items()}
    for capital, items in capitals.items():
        for item in items:
            if item["track"] not in tracks or (item.get("service") and item["service"] not in known) \
                    or item["need"] not in cases.NEEDS:
                raise ValueError(f"casework/data/plans.yaml: capital {capital} names an unknown track, service or need")
    requests = dict(raw.get("requests") or {})
    for need, item in requests.items():
        if need not in cases.NEEDS or item["track"] not in tracks \
                or (item.get("service") and item["service"] not in known):
            raise ValueError(f"casework/data/plans.yaml: request {need} names an unknown need, track or service")
    return Policy(tracks, capitals, {int(group): tuple(order) for group, order in raw["order"].items()}, requests)


def service_for(programme: str) -> str | None:
    """The service that handles a welfare programme, as services.yaml lists it."""
    return next((service.code for service in services().values() if programme in service.programmes), None)


def propose(group: int | None, scores: dict[str, float], gaps: Sequence[Gap], rules: Policy | None = None,
            request: str | None = None,
            referred: frozenset[tuple[str | None, str | None, int | None]] = frozenset()) -> list[Proposal]:
    """The plan's items, tracks in the group's order (group 1: welfare first); each gap one
    welfare item, each weak capital its item once; at most ``MAX_ITEMS``. Made from a request
    about ``request`` (a need), an item for it comes first: the first that serves that need, else
    the one ``requests`` gives for it. Nothing ``referred`` already and still open (its service,
    programme and person) is proposed again."""
    rules = rules or policy()
    items: list[Proposal] = []
    for gap in gaps:
        service = service_for(gap.programme)
        need = services()[service].needs[0] if service and services()[service].needs else "money_food"
        items.append(Proposal(WELFARE, need, service, gap.programme, gap.person_id))
    seen: set[tuple[str, str | None]] = set()
    for capital, proposals in rules.capitals.items():
        score = scores.get(capital)
        for item in proposals:
            key = (item["track"], item.get("service"))
            if score is not None and score < float(item["below"]) and key not in seen:
                seen.add(key)
                items.append(Proposal(item["track"], item["need"], item.get("service")))
    items = [item for item in items if (item.service, item.programme, item.person_id) not in referred]
    order = rules.order.get(group or 0, rules.tracks)
    rank = {track: position for position, track in enumerate(order)}
    items.sort(key=lambda item: rank.get(item.track, len(order)))
    if request is not None:  # what the household asked for comes first
        serving = next((item for item in items if item.need == request), None)
        asked = rules.requests.get(request)
        if serving is not None:
            items.remove(serving)
            items.insert(0, serving)
        elif asked is not None:
            items.insert(0, Proposal(asked["track"], request, asked.get("service")))
    return items[:MAX_ITEMS]


def gaps_of(session: Session, rules: Rules, household_id: int, on: date) -> list[Gap]:
    """The household's entitlement gaps today, judged by the rules in force (nothing kept)."""
    frame = registry_columns.for_household(session, household_id)
    outcomes, _, _ = screen(rules, frame.columns, on)
    found = []
    for outcome in outcomes:
        for row in outcome.gaps.nonzero()[0]:
            person = int(frame.person_ids[row]) if outcome.programme.entity == "person" else None
            found.append(Gap(outcome.programme.id, person))
    return found


def open_referrals(session: Session, household_id: int) -> frozenset[tuple[str | None, str | None, int | None]]:
    """What the household is referred for and still open: (service, programme, person), each once."""
    rows = session.execute(select(Referral.service, Referral.programme, Referral.person_id)
                           .where(Referral.household_id == household_id, Referral.status.in_(referrals.OPEN)))
    return frozenset((service, programme, person_id) for service, programme, person_id in rows)


def latest_scores(session: Session, household_id: int) -> dict[str, float]:
    assessment = session.scalars(select(Assessment).where(Assessment.household_id == household_id,
                                                          Assessment.status == "confirmed")
                                 .order_by(Assessment.id.desc()).limit(1)).first()
    return dict(assessment.scores) if assessment is not None else {}


def make(session: Session, sealer: Sealer, rules: Rules, household: Household, *, case: Case | None, by: int,
         actor: str, now: datetime, today: date) -> Plan:
    """A new draft plan for the household, replacing any draft not yet approved."""
    session.execute(update(Plan).where(Plan.household_id == household.id, Plan.status == DRAFT)
                    .values(status=REPLACED, decided_at=now))
    plan = Plan(household_id=household.id, case_id=case.id if case else None, status=DRAFT, made_by=by,
                created_at=now)
    session.add(plan)
    session.flush()
    proposals = propose(household.poverty_group, latest_scores(session, household.id),
                        gaps_of(session, rules, household.id, today), request=case.need if case else None,
                        referred=open_referrals(session, household.id))
    session.add_all(PlanItem(plan_id=plan.id, position=position, track=item.track, need=item.need,
                             service=item.service, programme=item.programme, person_id=item.person_id, kept=True)
                    for position, item in enumerate(proposals))
    audit.record(session, sealer, actor=actor, action="plan.proposed", entity="plan", entity_id=plan.id,
                 area_code=household.village_code, now=now, changes={"items": [None, len(proposals)]})
    session.flush()
    return plan


def items_of(session: Session, plan_id: int) -> list[PlanItem]:
    return list(session.scalars(select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.position)))


def keep(session: Session, sealer: Sealer, plan: Plan, item_id: int, kept: bool, *, actor: str, area_code: str,
         now: datetime) -> PlanItem:
    """The leader keeps or drops one item of a draft plan."""
    if plan.status != DRAFT:
        raise PlanError("not_draft")
    item = session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise PlanError("bad_item")
    if item.kept != kept:
        audit.record(session, sealer, actor=actor, action="plan.item_kept" if kept else "plan.item_dropped",
                     entity="plan", entity_id=plan.id, area_code=area_code, now=now,
                     changes={"item": [None, item.position], "kept": [item.kept, kept]})
        item.kept = kept
    return item


@dataclass(frozen=True)
class Approved:
    plan_id: int
    cases: list[Case]
    referrals: list[Any]  # casework.models.Referral


def approve(session: Session, sealer: Sealer, plan: Plan, *, by: int, actor: str, now: datetime) -> Approved:
    """Kept items become cases (the request the plan was made from takes the first for its
    need), each moved to ``planned``; items with a service are referred, in the plan's order."""
    if plan.status != DRAFT:
        raise PlanError("not_draft")
    kept = [item for item in items_of(session, plan.id) if item.kept]
    if not kept:
        raise PlanError("nothing_kept")
    household = session.get(Household, plan.household_id)
    assert household is not None
    request = session.get(Case, plan.case_id) if plan.case_id else None
    if request is not None and request.status not in cases.OPEN:
        request = None
    made_cases, made_referrals = [], []
    for item in kept:
        if request is not None and item.need == request.need:
            case, request = request, None
            case.track, case.service, case.programme, case.person_id = \
                item.track, item.service, item.programme, item.person_id
        else:
            case = cases.open_case(session, sealer, household=household, need=item.need, account_id=by, now=now,
                                   origin="gap" if item.programme else "plan", track=item.track,
                                   service=item.service, programme=item.programme, person_id=item.person_id)
        if cases.allowed(case.status, "planned") and case.status != cases.PLANNED:
            cases.add_update(session, sealer, case, kind="planned", by=by, now=now)
        item.case_id = case.id
        made_cases.append(case)
        if item.service:
            made_referrals.append(referrals.make(session, sealer, case, service=item.service, by=by, actor=actor,
                                                 now=now, programme=item.programme, person_id=item.person_id))
    plan.status, plan.decided_at = APPROVED, now
    audit.record(session, sealer, actor=actor, action="plan.approved", entity="plan", entity_id=plan.id,
                 area_code=household.village_code, now=now,
                 changes={"cases": [None, len(made_cases)], "referrals": [None, len(made_referrals)]})
    session.flush()
    return Approved(plan.id, made_cases, made_referrals)


def open_welfare_case(session: Session, sealer: Sealer, household: Household, *, by: int, now: datetime) -> Case | None:
    """A group 1 household's welfare case, opened when its assessment is confirmed, unless
    one is already open."""
    existing = session.scalar(select(Case.id).where(Case.household_id == household.id, Case.track == WELFARE,
                                                    Case.origin == "assessment", Case.status.in_(cases.OPEN)))
    if existing is not None:
        return None
    return cases.open_case(session, sealer, household=household, need="money_food", account_id=by, now=now,
                           origin="assessment", track=WELFARE)
