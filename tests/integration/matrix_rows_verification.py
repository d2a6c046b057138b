"""Rows of the authorization matrix: checks, households, reviews, links and invites."""
from __future__ import annotations

from casework import accounts, registry
from casework.models import Household
from casework.questionnaire import Draft
from casework.questionnaire import default as questionnaire

IN_SCOPE = frozenset({"leader_in", "coordinator_in"})
STAFF = frozenset({"leader_in", "leader_out", "coordinator_in", "coordinator_out"})
WITH_LINE = frozenset({"household", "other_household", "leader_in", "leader_out", "coordinator_in",
                       "coordinator_out", "agency", "stranger"})


def setup(world) -> None:
    """A check of the record submitted by a third leader, and a link the stranger asked for."""
    env, household = world.env, world.env.session.get(Household, world.ids["household"])
    assessor = accounts.find(env.session, world.line_ids["assessor"])
    form = questionnaire()
    answers = {q.key: 2 for q in form.questions if not q.sensitive}
    world.ids["assessment"] = registry.submit_assessment(
        env.session, env.sealer, household=household, answers=answers, questionnaire=form, assessor_id=assessor.id,
        now=env.now, skip={q.key for q in form.questions if q.sensitive}).id
    stranger = accounts.find(env.session, world.line_ids["stranger"])
    world.ids["link_request"] = registry.request_link(env.session, env.sealer, household, stranger.id, env.now).id


def _household(world) -> dict:
    return {"household_id": world.ids["household"]}


def _draft(world) -> dict:
    return {"household_id": world.ids["household"], "draft": Draft(sensitive=False)}


def _assessment(world) -> dict:
    return {"assessment_id": world.ids["assessment"]}


ROWS = {
    "households.to_check": (lambda w: {}, STAFF),
    "households.open_card": (_household, IN_SCOPE),
    "households.end": (lambda w: {**_household(w), "kind": "move", "confirmed": True}, frozenset({"coordinator_in"})),
    "checks.begin": (_household, IN_SCOPE),
    "checks.answer": (lambda w: {**_draft(w), "key": questionnaire().questions[0].key, "value": 2}, IN_SCOPE),
    "checks.decide_sensitive": (lambda w: {**_draft(w), "accepted": True}, IN_SCOPE),
    "checks.redo": (_draft, IN_SCOPE),
    "checks.submit": (_draft, IN_SCOPE),
    "checks.add_photo": (lambda w: {**_household(w), "line_message_id": "777001"}, IN_SCOPE),
    "checks.set_location": (lambda w: {**_household(w), "latitude": 16.43, "longitude": 103.5}, IN_SCOPE),
    "reviews.waiting": (lambda w: {}, STAFF),
    "reviews.confirm": (_assessment, IN_SCOPE),
    "reviews.begin_return": (_assessment, IN_SCOPE),
    "reviews.send_back": (lambda w: {**_assessment(w), "note": "Check the roof again"}, IN_SCOPE),
    "links.offer_code": (_household, frozenset({"leader_in"})),
    "links.redeem_code": (lambda w: {"code": "123456"}, WITH_LINE),
    "links.approve": (lambda w: {"link_id": w.ids["link_request"]}, frozenset({"leader_in"})),
    "invites.create": (lambda w: {"role": "leader", "area_code": "46010105", "name": "Somsri"},
                       frozenset({"operator"})),
    "invites.redeem": (lambda w: {"code": "KJ-ABCD-EFGH"}, WITH_LINE),
}
