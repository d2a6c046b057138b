"""Rows of the authorization matrix: a household asking for help, words handed to its
leader, and leaders handling requests."""
from __future__ import annotations

from casework import accounts, cases
from casework.models import Household
from casework.usecases.requests import Draft

HOUSEHOLDS = frozenset({"household", "other_household"})  # each for its own household
RECORD_HOUSEHOLD = frozenset({"household"})
IN_SCOPE = frozenset({"leader_in", "coordinator_in"})
STAFF = frozenset({"leader_in", "leader_out", "coordinator_in", "coordinator_out"})


def setup(world) -> None:
    """A request of the record household, opened by its linked account."""
    env, household = world.env, world.env.session.get(Household, world.ids["household"])
    member = accounts.find(env.session, world.line_ids["household"])
    world.ids["case"] = cases.open_case(env.session, env.sealer, household=household, need="health",
                                        account_id=member.id, now=env.now, details="The roof leaks").id


def _draft(world, draft: Draft = Draft()) -> dict:
    return {"household_id": world.ids["household"], "draft": draft}


def _case(world) -> dict:
    return {"case_id": world.ids["case"]}


ROWS = {
    "requests.begin": (lambda w: {}, HOUSEHOLDS),
    "requests.choose_need": (lambda w: {**_draft(w), "need": "health"}, RECORD_HOUSEHOLD),
    "requests.add_text": (lambda w: {**_draft(w, Draft(need="health")), "text": "The roof leaks"},
                          RECORD_HOUSEHOLD),
    "requests.add_photo": (lambda w: {**_draft(w, Draft(need="health")), "line_message_id": "777001"},
                           RECORD_HOUSEHOLD),
    "requests.set_location": (lambda w: {**_draft(w, Draft(need="health")), "latitude": 16.43, "longitude": 103.5},
                              RECORD_HOUSEHOLD),
    "requests.send": (lambda w: _draft(w, Draft(need="health", text="The roof leaks", photos=("777001",))),
                      RECORD_HOUSEHOLD),
    "requests.mine": (lambda w: {}, HOUSEHOLDS),
    "handoff.offer": (lambda w: {"text": "No rice left"}, HOUSEHOLDS),
    "handoff.add_words": (lambda w: {"household_id": w.ids["household"], "offered": "No rice left",
                                     "text": "and the child is ill"}, RECORD_HOUSEHOLD),
    "handoff.send": (lambda w: {"household_id": w.ids["household"], "text": "No rice left"}, RECORD_HOUSEHOLD),
    "cases.open_list": (lambda w: {}, STAFF),
    "cases.show": (_case, IN_SCOPE),
    "cases.take_up": (_case, IN_SCOPE),
    "cases.begin_reply": (_case, IN_SCOPE),
    "cases.reply": (lambda w: {**_case(w), "text": "We come tomorrow", "asked_at": w.env.now.isoformat()}, IN_SCOPE),
    "cases.close": (lambda w: {**_case(w), "confirmed": True}, IN_SCOPE),
}
