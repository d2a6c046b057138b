"""Who may do what: every use case in ``casework.usecases.USE_CASES`` against every kind of
actor, allowed or refused, as one table. A use case added without a row fails here.

The record is one household in village 46010105 (sub-district 460101, district 4601,
Kalasin) with its request for help, a check submitted by a third leader, and a link
its LINE asked for. Each call runs in a savepoint rolled back afterwards, so every
actor meets the same records.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from casework import accounts, authorization, cases, consent, plans, referrals, registry, visits
from casework.agencies import AgencySpec, ServiceLevel
from casework.authorization import Actor
from casework.citizen_id import with_check_digit
from casework.entitlements import decisions
from casework.entitlements.facts import HouseholdRecord, PersonRecord, columns_from
from casework.errors import Refused
from casework.models import Agency, AgencyArea, AgencyService, Case, Household, Person, PlanItem
from sqlalchemy import select
from casework.questionnaire import Draft as CheckDraft
from casework.questionnaire import default as questionnaire
from casework.usecases import USE_CASES, notifications
from casework.usecases.base import FORBIDDEN, Env
from casework.usecases.privacy import CorrectionDraft
from casework.usecases.requests import Draft as RequestDraft
from casework.usecases.visits import Draft as VisitDraft
from tests import registry_data

ACTORS = ("household", "other_household", "leader_in", "leader_out", "coordinator_in", "coordinator_out",
          "agency", "agency_other", "stranger", "operator")
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)


class Within:
    """A unit of work inside the world's own transaction, for an import's batches: a
    savepoint each, rolled back unless committed (a dry run never commits)."""

    def __init__(self, env: Env) -> None:
        self.session, self.sealer = env.session, env.sealer

    def __enter__(self) -> Within:
        self._savepoint = self.session.begin_nested()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._savepoint.is_active:
            self._savepoint.rollback()

    def commit(self) -> None:
        self._savepoint.commit()


@dataclass
class World:
    """The records and the actors every row is tried with."""

    env: Env
    units: Callable[[], Within]  # for an import's batches (always a dry run here)
    survey: Path  # a survey list of one household
    actors: dict[str, Actor] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    line_ids: dict[str, str] = field(default_factory=dict)

    def account(self, name: str, digit: str, *grants: tuple[str, str], agency_id: int | None = None) -> int:
        line_id = "U" + digit * 32
        account = accounts.get_or_create(self.env.session, line_id, NOW)
        for role, area in grants:
            accounts.grant(self.env.session, account.id, role, area, NOW, by="test", agency_id=agency_id)
        consent.record(self.env.session, scope="personal", decision=consent.ACCEPTED, channel="chat", now=NOW,
                       account_id=account.id)
        self.line_ids[name] = line_id
        return account.id

    def link(self, account_id: int, household_id: int) -> None:
        household = self.env.session.get(Household, household_id)
        request = registry.request_link(self.env.session, self.env.sealer, household, account_id, NOW)
        registry.approve_link(self.env.session, self.env.sealer, request, account_id, NOW)

    def account_id(self, name: str) -> int:
        account = accounts.find(self.env.session, self.line_ids[name])
        assert account is not None
        return account.id

    def actor(self, name: str) -> Actor:
        if name == "operator":
            return authorization.operator("cli:test")
        session = self.env.session
        account = accounts.find(session, self.line_ids[name])
        assert account is not None
        return Actor(account_id=account.id, grants=accounts.grants_of(session, account.id),
                     households=registry.linked_households(session, account.id), line_user_id=account.line_user_id)


@pytest.fixture
def world(services, tmp_path) -> Any:
    registry_data.village(services, "46010105")
    registry_data.village(services, "46020101")
    record = registry_data.household(services, "46010105", "12")
    other = registry_data.household(services, "46010105", "14", head="มานี มีนา", citizen="310170012345")
    with services.uow() as uow:
        env = Env(session=uow.session, sealer=uow.sealer, now=NOW, rules=services.rules)
        survey = tmp_path / "survey.csv"
        survey.write_text("village_code,house_no,citizen_id,first_name,last_name,relation\n"
                          f"46010105,21,{with_check_digit('110170099999')},Somsak,Dee,head\n", encoding="utf-8")
        world = World(env, lambda: Within(env), survey, ids={"household": record, "other_household": other})
        session = uow.session
        agency = Agency(code="PSDHS-46", name="Kalasin social development office", created_at=NOW)
        other_agency = Agency(code="DOE-46", name="Kalasin employment office", kind="employment", created_at=NOW)
        session.add_all([agency, other_agency])
        session.flush()
        session.add_all([AgencyService(agency_id=agency.id, service="social_work", accept_days=3, complete_days=30),
                         AgencyArea(agency_id=agency.id, area_code="46"),
                         AgencyService(agency_id=other_agency.id, service="employment", accept_days=5,
                                       complete_days=30),
                         AgencyArea(agency_id=other_agency.id, area_code="46")])
        world.ids["agency"] = agency.id
        world.link(world.account("household", "1"), record)
        world.link(world.account("other_household", "2"), other)
        world.account("leader_in", "3", ("leader", "460101"))
        world.account("leader_out", "4", ("leader", "460201"))
        world.account("coordinator_in", "5", ("coordinator", "4601"))
        world.account("coordinator_out", "6", ("coordinator", "4602"))
        world.account("agency", "7", ("agency", "46"), agency_id=agency.id)
        world.account("agency_other", "a", ("agency", "46"), agency_id=other_agency.id)
        world.account("stranger", "8")
        world.account("assessor", "9", ("leader", "46010105"))
        records(world)
        session.flush()
        world.actors = {name: world.actor(name) for name in ACTORS}
        yield world


def records(world: World) -> None:
    """Beside the record household: a check of it submitted by a third leader, a link the
    stranger asked for, a request for help its member opened, and a decision shown at the
    command line."""
    env, household = world.env, world.env.session.get(Household, world.ids["household"])
    form = questionnaire()
    world.ids["assessment"] = registry.submit_assessment(
        env.session, env.sealer, household=household, answers={q.key: 2 for q in form.questions if not q.sensitive},
        questionnaire=form, assessor_id=world.account_id("assessor"), now=env.now,
        skip={q.key for q in form.questions if q.sensitive}).id
    world.ids["link_request"] = registry.request_link(env.session, env.sealer, household,
                                                      world.account_id("stranger"), env.now).id
    world.ids["case"] = cases.open_case(env.session, env.sealer, household=household, need="health",
                                        account_id=world.account_id("household"), now=env.now,
                                        details="The roof leaks").id
    case = env.session.get(Case, world.ids["case"])
    consent.record(env.session, scope=referrals.share_scope(None), decision=consent.ACCEPTED, channel="on_site",
                   now=env.now, household_id=household.id)
    world.ids["referral"] = referrals.make(env.session, env.sealer, case, service="social_work",
                                           by=world.account_id("leader_in"), actor="test", now=env.now).id
    plan = plans.make(env.session, env.sealer, env.rules, household, case=case, by=world.account_id("leader_in"),
                      actor="test", now=env.now, today=env.today)
    env.session.add(PlanItem(plan_id=plan.id, position=9, track="community", need="care", service="social_work",
                             kept=True))
    env.session.flush()
    world.ids["plan"] = plan.id
    world.ids["visit"] = visits.log(env.session, env.sealer, household, case=None, by=world.account_id("leader_in"),
                                    actor="test", now=env.now, note="Roof leaks again").id
    world.ids["person"] = env.session.scalar(select(Person.id).where(Person.household_id == household.id))
    world.ids["plan_item"] = plans.items_of(env.session, plan.id)[-1].id
    (shown, *_) = decisions.judge(env.session, env.sealer, env.rules,
                                  columns_from([PersonRecord(age=72)], [HouseholdRecord()]), on=env.today,
                                  channel="command", shown_to=None, now=env.now)
    world.ids["decision"] = shown.decision_id
    world.ids["task"] = registry.request_change(env.session, env.sealer, household=household,
                                                account_id=world.account_id("household"), kind="correct",
                                                now=env.now, details="My phone changed").id


def _household(world: World) -> dict[str, Any]:
    return {"household_id": world.ids["household"]}


def _check(world: World) -> dict[str, Any]:
    return {**_household(world), "draft": CheckDraft(sensitive=False)}


def _assessment(world: World) -> dict[str, Any]:
    return {"assessment_id": world.ids["assessment"]}


def _request(world: World, **draft: Any) -> dict[str, Any]:
    return {**_household(world), "draft": RequestDraft(need="health", **draft)}


def _case(world: World) -> dict[str, Any]:
    return {"case_id": world.ids["case"]}


def _referral(world: World) -> dict[str, Any]:
    return {"referral_id": world.ids["referral"]}


def _by_leader(**arguments: Any) -> dict[str, Any]:
    return {"by_leader": True, **arguments}


WITH_LINE = frozenset(ACTORS) - {"operator"}
EVERYONE = frozenset(ACTORS)
LINKED = frozenset({"household", "other_household"})  # each to its own household, never another's
HOUSEHOLD = frozenset({"household"})  # the record's own
LEADER = frozenset({"leader_in"})
LEADERS = frozenset({"leader_in", "leader_out"})
IN_SCOPE = frozenset({"leader_in", "coordinator_in"})
COORDINATOR = frozenset({"coordinator_in"})
COORDINATORS = frozenset({"coordinator_in", "coordinator_out"})
STAFF = LEADERS | COORDINATORS  # lists: each sees only their own areas
AGENCY = frozenset({"agency"})  # the staff of the agency the referral was sent to
AGENCIES = frozenset({"agency", "agency_other"})  # queues: each sees only their own agency's
OPERATOR = frozenset({"operator"})
ANSWERS = {"age": 72, "disability_card": None, "children": 1, "household_size": 3, "household_income": 9_000,
           "receives": ["gold_card"]}

Row = tuple[Callable[[World], dict[str, Any]], frozenset[str]]
MATRIX: dict[str, Row] = {
    # Consent, one's own data, joining
    "privacy.notice_due": (lambda w: {}, EVERYONE),
    "privacy.decide": (lambda w: {"accepted": True}, WITH_LINE),
    "privacy.my_data": (lambda w: {}, LINKED),
    "privacy.request_change": (lambda w: {"kind": "erase"}, LINKED),
    "privacy.withdraw_consent": (lambda w: {"confirmed": True}, WITH_LINE),
    "privacy.begin_correction": (lambda w: {}, LINKED),
    "privacy.draft_correction": (lambda w: {**_household(w), "draft": CorrectionDraft(0, "address", "12 Moo 5")},
                                 HOUSEHOLD),
    "privacy.send_correction": (lambda w: {**_household(w), "draft": CorrectionDraft(
        0, "address", "12 Moo 5", photo="777002", photo_asked=True)}, HOUSEHOLD),
    "privacy.erase_household": (_household, COORDINATOR | OPERATOR),
    "privacy.forget_unsent": (lambda w: {"chat_line_id": "U" + "0" * 32, "line_message_id": "1"}, EVERYONE),
    "privacy.last_correction": (lambda w: {}, EVERYONE),  # only ever the actor's own
    "invites.create": (lambda w: {"role": "leader", "area_code": "46010105", "name": "Somsri"}, OPERATOR),
    "invites.redeem": (lambda w: {"code": "KJ-ABCD-EFGH"}, WITH_LINE),
    "links.offer_code": (_household, LEADER),
    "links.redeem_code": (lambda w: {"code": "K7QM-4XPD-9A"}, WITH_LINE),
    "links.approve": (lambda w: {"link_id": w.ids["link_request"]}, LEADER),
    # Registration: oneself needs only the privacy notice accepted (a linked household is
    # told it is linked already, an answer, not a refusal); the command line has no chat.
    "registration.start_self": (lambda w: {}, WITH_LINE),
    "registration.start_by_leader": (lambda w: {}, LEADERS),
    "registration.choose_subdistrict": (lambda w: _by_leader(subdistrict_code="460101"), LEADERS),
    "registration.choose_village": (lambda w: _by_leader(village_code="46010105"), LEADER),
    "registration.submit": (lambda w: _by_leader(village_code="46010105", house_no="77", head="มานะ ใจดี"), LEADER),
    # Verification on site, and the second person's review
    "households.to_check": (lambda w: {}, STAFF),
    "households.find": (lambda w: {"query": "บ้านเลขที่ 12 หมู่ 5"}, STAFF),
    "households.open_card": (_household, IN_SCOPE),
    "households.end": (lambda w: {**_household(w), "kind": "move", "confirmed": True}, COORDINATOR),
    "households.compare": (lambda w: {"keep_id": w.ids["household"], "duplicate_id": w.ids["other_household"]},
                           LEADER),
    "households.merge": (lambda w: {"keep_id": w.ids["household"], "duplicate_id": w.ids["other_household"]},
                         LEADER),
    "registration.standing": (lambda w: {}, EVERYONE),
    "notifications.current": (lambda w: {}, STAFF | AGENCIES),
    "notifications.change": (lambda w: {"wanted": notifications.Change(paused=True)}, STAFF | AGENCIES),
    "checks.begin": (_household, IN_SCOPE),
    "checks.answer": (lambda w: {**_check(w), "key": questionnaire().questions[0].key, "value": 2}, IN_SCOPE),
    "checks.decide_sensitive": (lambda w: {**_check(w), "accepted": True}, IN_SCOPE),
    "checks.redo": (_check, IN_SCOPE),
    "checks.back": (_check, IN_SCOPE),
    "checks.add_note": (lambda w: {**_check(w), "note": "The roof leaks"}, IN_SCOPE),
    "checks.submit": (_check, IN_SCOPE),
    "checks.add_photo": (lambda w: {**_household(w), "line_message_id": "777001"}, IN_SCOPE),
    "checks.set_location": (lambda w: {**_household(w), "latitude": 16.43, "longitude": 103.5}, IN_SCOPE),
    "reviews.waiting": (lambda w: {}, STAFF),
    "reviews.confirm": (_assessment, IN_SCOPE),
    "reviews.begin_return": (_assessment, IN_SCOPE),
    "reviews.open_check": (_assessment, IN_SCOPE),
    "reviews.send_back": (lambda w: {**_assessment(w), "note": "Check the roof again"}, IN_SCOPE),
    "corrections.menu": (_household, IN_SCOPE),
    "corrections.choose": (lambda w: {**_household(w), "field": "debt_baht"}, IN_SCOPE),
    "corrections.set_value": (lambda w: {**_household(w), "field": "land", "value": "none"}, IN_SCOPE),
    "corrections.type_value": (lambda w: {**_household(w), "field": "debt_baht", "text": "12,500"}, IN_SCOPE),
    # Asking for help, words handed to the leader, and leaders handling requests
    "requests.begin": (lambda w: {}, LINKED),
    "requests.choose_need": (lambda w: {**_household(w), "draft": RequestDraft(), "need": "health"}, HOUSEHOLD),
    "requests.add_text": (lambda w: {**_request(w), "text": "The roof leaks"}, HOUSEHOLD),
    "requests.add_photo": (lambda w: {**_request(w), "line_message_id": "777001"}, HOUSEHOLD),
    "requests.set_location": (lambda w: {**_request(w), "latitude": 16.43, "longitude": 103.5}, HOUSEHOLD),
    "requests.send": (lambda w: _request(w, pieces=(("700001", "The roof leaks"),), photos=("777001",)), HOUSEHOLD),
    "requests.mine": (lambda w: {}, LINKED),
    "requests.answer_closing": (lambda w: {**_case(w), "solved": False}, HOUSEHOLD),
    "handoff.offer": (lambda w: {"text": "No rice left"}, LINKED),
    "handoff.add_words": (lambda w: {**_household(w), "offered": "No rice left", "text": "and the child is ill"},
                          HOUSEHOLD),
    "handoff.send": (lambda w: {**_household(w), "text": "No rice left"}, HOUSEHOLD),
    "cases.open_list": (lambda w: {}, STAFF),
    "cases.show": (_case, IN_SCOPE),
    "cases.photos": (_case, IN_SCOPE),
    "cases.take_up": (_case, IN_SCOPE),
    "cases.begin_reply": (_case, IN_SCOPE),
    "cases.reply": (lambda w: {**_case(w), "text": "We come tomorrow", "asked_at": w.env.now.isoformat()}, IN_SCOPE),
    "cases.close": (lambda w: {**_case(w), "confirmed": True, "outcome": "helped"}, IN_SCOPE),
    # Plans, referrals and agency staff
    "plans.propose": (_household, IN_SCOPE),
    "plans.show": (lambda w: {"plan_id": w.ids["plan"]}, IN_SCOPE),
    "plans.keep_item": (lambda w: {"item_id": w.ids["plan_item"], "kept": False}, IN_SCOPE),
    "plans.approve": (lambda w: {"plan_id": w.ids["plan"]}, IN_SCOPE),
    "referrals.queue": (lambda w: {}, AGENCIES),
    "referrals.show": (_referral, IN_SCOPE | AGENCY),
    "referrals.accept": (lambda w: {**_referral(w), "version": None}, AGENCY),
    "referrals.decline": (lambda w: {**_referral(w), "reason": "No budget this year", "version": None}, AGENCY),
    "referrals.update": (lambda w: {**_referral(w), "note": "Visited", "version": None}, AGENCY),
    "referrals.complete": (lambda w: {**_referral(w), "note": None, "version": None}, AGENCY),
    "referrals.register_group": (lambda w: {"group_line_id": "C" + "0" * 32}, AGENCIES),
    "referrals.refer": (lambda w: {**_case(w), "service": "employment"}, IN_SCOPE),
    "referrals.revoke": (lambda w: {**_referral(w), "reason": "Solved by the village fund", "version": None},
                         IN_SCOPE),
    "referrals.in_my_areas": (lambda w: {}, STAFF),
    "referrals.agencies_for": (_referral, COORDINATOR),
    "referrals.route": (lambda w: {**_referral(w), "agency_id": w.ids["agency"], "version": None}, COORDINATOR),
    "referrals.consent_on_site": (lambda w: {**_referral(w), "agreed": True}, IN_SCOPE),
    "referrals.consent_in_chat": (lambda w: {**_referral(w), "agreed": True}, HOUSEHOLD),
    "referrals.expire_overdue": (lambda w: {}, OPERATOR),
    "welfare.of_household": (_household, IN_SCOPE),
    "welfare.of_person": (lambda w: {"person_id": w.ids["person"]}, IN_SCOPE),
    "welfare.record_on_site": (lambda w: {"person_id": w.ids["person"], "programme": "old_age",
                                          "status": "receiving", "since": NOW.date()}, IN_SCOPE),
    "visits.begin": (_household, IN_SCOPE),
    "visits.log": (lambda w: {"draft": VisitDraft(w.ids["household"], note="The roof is fixed"),
                              "next_visit_on": None}, IN_SCOPE),
    "visits.open_need": (lambda w: {"visit_id": w.ids["visit"], "need": "care"}, IN_SCOPE),
    "timeline.of_household": (_household, IN_SCOPE),
    "timeline.of_case": (_case, IN_SCOPE | HOUSEHOLD),
    # Coordinators' oversight and the area's villages; agencies
    "oversight.changes_log": (lambda w: {}, COORDINATORS),
    "oversight.open_tasks": (lambda w: {}, COORDINATORS),
    "oversight.finish_task": (lambda w: {"task_id": w.ids["task"]}, COORDINATOR),
    "villages.begin": (lambda w: {}, COORDINATORS | OPERATOR),
    "villages.add": (lambda w: {"code": "46010107", "name": "Ban Nong Bua"}, COORDINATOR | OPERATOR),
    "agencies.add": (lambda w: {"code": "PSDHS-99", "name": "Another office", "kind": "civil_society"}, OPERATOR),
    "agencies.load": (lambda w: {"specs": [AgencySpec(code="EMP-46", name="Kalasin employment office",
                                                      kind="employment", areas=("46",),
                                                      services=(ServiceLevel("employment", 5, 30),))]}, OPERATOR),
    "agencies.registered": (lambda w: {}, OPERATOR),
    "imports.households": (lambda w: {"path": w.survey, "units": w.units, "dry_run": True}, OPERATOR),
    # Welfare rights, and screening an area for gaps
    "rights.of_household": (lambda w: {}, LINKED),
    "rights.answer_questions": (lambda w: {"answers": dict(ANSWERS)}, EVERYONE),
    "rights.check": (lambda w: {"persons": [PersonRecord(age=72)], "household": HouseholdRecord()}, OPERATOR),
    "rights.explain": (lambda w: {"decision_id": w.ids["decision"]}, OPERATOR),
    "screening.gaps": (lambda w: {"area_code": "46010105", "store": True}, OPERATOR),
}


def test_every_use_case_has_a_row():
    assert sorted(set(USE_CASES) - set(MATRIX)) == [], "add a row to the matrix for each new use case"
    assert sorted(set(MATRIX) - set(USE_CASES)) == [], "the matrix names use cases that no longer exist"


def outcome(world: World, name: str, actor: Actor) -> str:
    arguments, _allowed = MATRIX[name]
    session = world.env.session
    savepoint = session.begin_nested()
    try:
        USE_CASES[name](world.env, actor, **arguments(world))
    except Refused as refusal:
        return "refused" if refusal.reason in FORBIDDEN else "allowed"
    finally:
        savepoint.rollback()
    return "allowed"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_actor_is_allowed_exactly_what_the_table_says(world, name):
    _arguments, allowed = MATRIX[name]
    found = {actor: outcome(world, name, world.actors[actor]) for actor in ACTORS}
    expected = {actor: "allowed" if actor in allowed else "refused" for actor in ACTORS}
    assert found == expected


def reason(world: World, name: str, actor: Actor, arguments: dict[str, Any] | None = None) -> str | None:
    """The reason a use case refuses this actor (None if it does not), its writes rolled back."""
    savepoint = world.env.session.begin_nested()
    try:
        USE_CASES[name](world.env, actor, **(arguments if arguments is not None else MATRIX[name][0](world)))
    except Refused as refusal:
        return refusal.reason
    finally:
        savepoint.rollback()
    return None


OWN = ("checks.begin", "checks.answer", "checks.submit", "checks.add_photo", "reviews.open_check",
       "reviews.confirm", "reviews.begin_return", "reviews.send_back", "links.offer_code", "links.approve")


def test_nobody_checks_confirms_or_links_a_household_they_belong_to(world):
    """The area's leader, linked to the record household (she lives there), meets it only as a member."""
    before = {name: reason(world, name, world.actors["leader_in"]) for name in OWN}
    assert before == {**dict.fromkeys(OWN), "checks.submit": "incomplete", "links.approve": "identity_unproven"}
    world.link(world.account_id("leader_in"), world.ids["household"])
    at_home = world.actor("leader_in")
    assert {name: reason(world, name, at_home) for name in OWN} == dict.fromkeys(OWN, "own_household")


def test_the_second_person_of_a_check_is_never_its_first(world):
    assessor = world.actor("assessor")
    for name in ("reviews.open_check", "reviews.confirm", "reviews.begin_return", "reviews.send_back"):
        assert reason(world, name, assessor) == "own_check"
