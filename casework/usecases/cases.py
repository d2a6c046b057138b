"""Leaders (and coordinators) handle their area's requests for help: the open ones listed,
one shown, taken up, answered in the household's chat, and closed.

Only the leaders and coordinators of the household's real area handle its requests;
each step asks again, since a button only says which case it means. A step the case's
status no longer allows (a second tap on "Take it up") changes nothing and says so.
"""
from __future__ import annotations

from dataclasses import dataclass

from casework import authorization, cases
from casework import photos as photo_store
from casework.authorization import Actor
from casework.cases import CaseView
from casework.errors import Refused
from casework.models import Account, Case, Household
from casework.usecases.base import Env, Page, allow, get, use_case

PAGE_SIZE = 10  # open requests per page, leaving room in a carousel for "more"

DONE, UNCHANGED, ASKED, TOO_LATE, UNREACHABLE = "done", "unchanged", "asked", "too_late", "unreachable"


@dataclass(frozen=True)
class Handled:
    """A case after a leader's step, and what came of the step: ``done``; ``unchanged`` when
    the case's status does not allow it (already taken up, or closed); ``asked`` when closing
    waits for a yes; for an answer, ``too_late`` (typed long after "Reply") or ``unreachable``
    (the household's LINE is no longer linked to it, so nothing is relayed).

    ``tell``: the LINE of the household member to tell what was done (None if no longer
    linked); ``leader``: the answering leader's name as the household sees it."""

    case: CaseView
    outcome: str
    tell: str | None = None
    leader: str = ""


def _case(env: Env, actor: Actor, case_id: int | None) -> Case:
    case = get(env, Case, case_id)
    household = get(env, Household, case.household_id)
    allow(actor.account_id is not None and authorization.can_handle_case(actor, household.village_code))
    return case


def _view(env: Env, case: Case) -> CaseView:
    return cases.view(env.session, env.sealer, case)


@use_case
def open_list(env: Env, actor: Actor, page: int = 0) -> Page[CaseView]:
    """Open requests in the leader's or coordinator's areas, the longest untouched first."""
    scopes = actor.areas("leader", "coordinator")
    allow(bool(scopes), "no_role")
    total, found = cases.open_in(env.session, scopes, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    return Page(total, cases.views(env.session, env.sealer, found, updates=0), page)


@use_case
def show(env: Env, actor: Actor, case_id: int | None) -> CaseView:
    return _view(env, _case(env, actor, case_id))


@use_case
def photos(env: Env, actor: Actor, case_id: int | None) -> list[int]:
    """The stored photos of a request, for a leader or coordinator of its area to see."""
    return photo_store.of_case(env.session, _case(env, actor, case_id).id)


@use_case
def take_up(env: Env, actor: Actor, case_id: int | None) -> Handled:
    case = _case(env, actor, case_id)
    if not cases.allowed(case.status, "acknowledged"):
        return Handled(_view(env, case), UNCHANGED)
    cases.acknowledge(env.session, env.sealer, case, by=actor.account_id or 0, now=env.now)
    return Handled(_view(env, case), DONE, cases.opener_to_tell(env.session, case))


@use_case
def begin_reply(env: Env, actor: Actor, case_id: int | None) -> Handled:
    """Before the answer is typed: may this person answer this case, and is it still open?"""
    case = _case(env, actor, case_id)
    return Handled(_view(env, case), DONE if cases.allowed(case.status, "relayed") else UNCHANGED)


@use_case
def reply(env: Env, actor: Actor, case_id: int | None, text: str, asked_at: str | None) -> Handled:
    """The leader's answer, typed after tapping "Reply" (``asked_at``, ISO 8601): relayed to
    the household's chat and kept with the case. ``Refused("too_long")`` past ``MAX_NOTE``,
    while the leader may still shorten it."""
    case = _case(env, actor, case_id)
    answer = text.strip()
    if not cases.recent(asked_at, env.now):
        return Handled(_view(env, case), TOO_LATE)
    if len(answer) > cases.MAX_NOTE:
        raise Refused("too_long")
    if not cases.allowed(case.status, "relayed"):
        return Handled(_view(env, case), UNCHANGED)
    household_line_id = cases.opener_to_tell(env.session, case)
    if household_line_id is None:
        return Handled(_view(env, case), UNREACHABLE)
    cases.relay(env.session, env.sealer, case, by=actor.account_id or 0, text=answer, now=env.now)
    leader = env.session.get(Account, actor.account_id)
    return Handled(_view(env, case), DONE, household_line_id, leader.display_name if leader is not None else "")


@use_case
def close(env: Env, actor: Actor, case_id: int | None, *, confirmed: bool, outcome: str | None = None,
          version: int | None = None) -> Handled:
    """Asked once first, with how it ended (``asked``); once ``confirmed`` with an outcome,
    resolved (the household was helped, fully or partly) or closed (any other outcome), and
    the household to be told."""
    case = _case(env, actor, case_id)
    if not cases.allowed(case.status, "closed"):
        return Handled(_view(env, case), UNCHANGED)
    if not confirmed or outcome not in cases.OUTCOMES:
        return Handled(_view(env, case), ASKED)
    cases.add_update(env.session, env.sealer, case, kind="resolved" if outcome in cases.HELPED else "closed",
                     by=actor.account_id or 0, now=env.now, outcome=outcome, expected=version)
    return Handled(_view(env, case), DONE, cases.opener_to_tell(env.session, case))
