"""A household asks for help and follows its requests.

Only a LINE account linked to the household asks for it or sees its requests. A request
is written in one go when the household sends it; until then it is a ``Draft`` that
waits in the chat's (sealed) conversation, each step checked here, and each step asking
again whether this person may still ask for this household.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from casework import authorization, cases
from casework.authorization import Actor
from casework.cases import CaseView
from casework.errors import Refused
from casework.locations import Point, point
from casework.models import Case, Household
from casework.usecases.base import Env, allow, consenting, get, own_household, use_case

MAX_SHOWN = 10  # requests in "My requests", most recently updated first (a carousel takes 12)
MAX_LINE_MESSAGE_ID = 32


@dataclass(frozen=True)
class Draft:
    """A request being written: the need chosen (None until then), the household's words,
    the LINE ids of its photos (the worker fetches them once it is sent), and where it is."""

    need: str | None = None
    pieces: tuple[tuple[str, str], ...] = ()  # (LINE message id, words): an unsent message takes its words back
    photos: tuple[str, ...] = ()
    location: Point | None = None

    @property
    def text(self) -> str:
        return "\n".join(words for _, words in self.pieces)

    def chosen(self, need: str) -> Draft:
        if need not in cases.NEEDS:
            raise Refused("choose_need")
        return replace(self, need=need)

    def with_text(self, words: str, line_message_id: str = "") -> Draft:
        cases.joined(self.text, words)  # refuses what would be too long
        return replace(self, pieces=(*self.pieces, (line_message_id[:MAX_LINE_MESSAGE_ID], words.strip())))

    def without(self, line_message_id: str) -> Draft:
        """The draft as if message ``line_message_id`` (words or a photo) had never been sent."""
        return replace(self, pieces=tuple(piece for piece in self.pieces if piece[0] != line_message_id),
                       photos=tuple(photo for photo in self.photos if photo != line_message_id))

    def with_photo(self, line_message_id: str) -> Draft:
        """The same photo twice is one photo; ``Refused("too_many_photos")`` past ``MAX_PHOTOS``."""
        if len(line_message_id) > MAX_LINE_MESSAGE_ID:
            raise Refused("not_kept")
        if line_message_id in self.photos:
            return self
        if len(self.photos) >= cases.MAX_PHOTOS:
            raise Refused("too_many_photos")
        return replace(self, photos=(*self.photos, line_message_id))

    def located(self, latitude: Any, longitude: Any) -> Draft:
        return replace(self, location=point(latitude, longitude))

    def to_state(self) -> dict[str, Any]:
        return {"need": self.need, "pieces": [list(piece) for piece in self.pieces], "photos": list(self.photos),
                "location": list(self.location) if self.location else None}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Draft:
        location = state.get("location")
        pieces = tuple((str(source), str(words)) for source, words in state.get("pieces") or ())
        if not pieces and state.get("text"):  # a draft stored before words kept their message ids
            pieces = (("", str(state["text"])),)
        return cls(need=state.get("need"), pieces=pieces, photos=tuple(state.get("photos") or ()),
                   location=(location[0], location[1]) if location else None)


@dataclass(frozen=True)
class Sent:
    """The request as opened, and the LINE of the staff to tell."""

    case: CaseView
    notify: tuple[str, ...]


@dataclass(frozen=True)
class Mine:
    total: int
    requests: list[CaseView]


def household_asking(env: Env, actor: Actor, household_id: int | None) -> Household:
    """The household a request is for, if this person's LINE is linked to it and their
    agreement to the privacy notice stands."""
    household = get(env, Household, household_id)
    allow(authorization.is_linked_to(actor, household.id), "not_linked")
    consenting(env, actor)
    return household


@use_case
def begin(env: Env, actor: Actor) -> int:
    """Start asking for help: the id of the household asking."""
    household = own_household(env, actor)
    consenting(env, actor)
    return household.id


@use_case
def choose_need(env: Env, actor: Actor, household_id: int | None, draft: Draft, need: str) -> Draft:
    """``Refused("choose_need")`` for anything but one of ``cases.NEEDS``."""
    household_asking(env, actor, household_id)
    return draft.chosen(need)


@use_case
def add_text(env: Env, actor: Actor, household_id: int | None, draft: Draft, text: str,
             line_message_id: str = "") -> Draft:
    """The household's words, joined to what it wrote before; ``Refused("too_long")`` past ``MAX_DETAILS``."""
    household_asking(env, actor, household_id)
    return draft.with_text(text, line_message_id)


@use_case
def add_photo(env: Env, actor: Actor, household_id: int | None, draft: Draft, line_message_id: str) -> Draft:
    household_asking(env, actor, household_id)
    return draft.with_photo(line_message_id)


@use_case
def set_location(env: Env, actor: Actor, household_id: int | None, draft: Draft, latitude: Any,
                 longitude: Any) -> Draft:
    """``Refused("bad_location")`` for anything that is not a place on Earth."""
    household_asking(env, actor, household_id)
    return draft.located(latitude, longitude)


@use_case
def send(env: Env, actor: Actor, household_id: int | None, draft: Draft) -> Sent:
    """Open the request under its reference number; ``Refused("incomplete")`` before a need is chosen."""
    household = household_asking(env, actor, household_id)
    allow(actor.account_id is not None, "not_linked")
    if draft.need is None:
        raise Refused("incomplete")
    case = cases.open_case(env.session, env.sealer, household=household, need=draft.need,
                           account_id=actor.account_id, now=env.now, details=draft.text, location=draft.location,
                           photos=draft.photos, sources=draft.pieces)
    return Sent(cases.view(env.session, env.sealer, case),
                cases.staff_to_tell(env.session, household, besides=actor.account_id))


@use_case
def mine(env: Env, actor: Actor) -> Mine:
    """The household's requests, most recently updated first, each with its latest update."""
    household = own_household(env, actor)
    total, rows = cases.cases_of(env.session, household.id, limit=MAX_SHOWN)
    return Mine(total, [cases.view(env.session, env.sealer, case, updates=1) for case in rows])


SOLVED, REOPENED, ALREADY, NOT_FINISHED = "solved", "reopened", "already", "not_finished"


@dataclass(frozen=True)
class Verdict:
    """The household's answer to "is your problem solved?" after its request was closed:
    ``solved`` (recorded), ``reopened`` (not solved: the case is open again), ``already``
    (answered before: ``solved`` says how), or ``not_finished`` (the case is open, nothing to
    answer). ``notify``: the staff to tell of a reopened case."""

    case: CaseView
    outcome: str
    solved: bool | None = None
    notify: tuple[str, ...] = ()


@use_case
def answer_closing(env: Env, actor: Actor, case_id: int | None, solved: bool) -> Verdict:
    """A household's own request, closed by its leader (or finished by an agency): the
    household says whether its problem was solved. "Not solved" reopens it (audited with
    the case's update) and its leaders are told; a second answer changes nothing."""
    case = get(env, Case, case_id)
    household = household_asking(env, actor, case.household_id)
    allow(actor.account_id is not None, "not_linked")
    said = cases.verdict(env.session, case)
    if said is not None:
        return Verdict(cases.view(env.session, env.sealer, case), ALREADY, said == "confirmed")
    if case.status not in cases.FINISHED:
        return Verdict(cases.view(env.session, env.sealer, case), NOT_FINISHED)
    cases.add_update(env.session, env.sealer, case, kind="confirmed" if solved else "reopened",
                     by=actor.account_id, now=env.now)
    if solved:
        return Verdict(cases.view(env.session, env.sealer, case), SOLVED, True)
    return Verdict(cases.view(env.session, env.sealer, case), REOPENED, False,
                   cases.staff_to_tell(env.session, household, besides=actor.account_id))
