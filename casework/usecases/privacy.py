"""What a person decides about their data and sees of it: the privacy notice answered in
chat, their household's record as Kaejon keeps it, and a request to correct or erase it
(a task for the area's coordinator, answered within 30 days)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from casework import accounts, audit, authorization, cases, consent, erasure, registry, thai_input, unsent
from casework.authorization import Actor
from casework.errors import Refused
from casework.chats import Recipient
from casework.referrals import coordinator_recipients
from casework.models import Case, Household, Task
from casework.registry import HouseholdView
from casework.usecases.base import Env, allow, get, own_household, use_case


@dataclass(frozen=True)
class Decided:
    """A consent decision on record: ``personal`` (this person's answer to the privacy
    notice) or ``sensitive`` (the household's, for health and disability data), and when."""

    scope: str
    decision: str
    at: datetime


@dataclass(frozen=True)
class MyData:
    """The household as its own LINE sees it, and the consent decisions on record."""

    view: HouseholdView
    consents: list[Decided]


ASKED, WITHDRAWN, NOT_GIVEN = "asked", "withdrawn", "not_given"


@use_case
def notice_due(env: Env, actor: Actor) -> bool:
    """True while this person has not answered the current privacy notice (declining is an answer)."""
    return actor.account_id is None or consent.latest(env.session, scope="personal",
                                                      account_id=actor.account_id) is None


@use_case
def decide(env: Env, actor: Actor, accepted: bool) -> bool:
    """Accept or decline the privacy notice from one's own LINE; deciding makes the account
    the decision is kept against. Returns ``accepted``."""
    allow(actor.line_user_id is not None)
    account = accounts.get_or_create(env.session, actor.line_user_id, env.now)
    decision = consent.ACCEPTED if accepted else consent.DECLINED
    if consent.latest(env.session, scope="personal", account_id=account.id) == decision:
        return accepted  # the same answer again (a double tap) is no new decision
    consent.record(env.session, scope="personal", decision=decision, channel="chat", now=env.now,
                   account_id=account.id)
    audit.record(env.session, env.sealer, actor=f"account:{account.id}", action="consent.personal",
                 entity="account", entity_id=account.id, area_code=None, now=env.now,
                 changes={"decision": [None, decision]})
    return accepted


@use_case
def my_data(env: Env, actor: Actor) -> MyData:
    """What Kaejon keeps about the household, and the consent decisions on record. Seeing
    it needs no agreement: a person who withdrew theirs still sees what is kept."""
    household = own_household(env, actor)
    rows = [consent.latest_row(env.session, scope="personal", account_id=actor.account_id),
            consent.latest_row(env.session, scope="sensitive", household_id=household.id)]
    return MyData(view=registry.view(env.session, env.sealer, household, env.today),
                  consents=[Decided(row.scope, row.decision, row.decided_at) for row in rows if row is not None])


@use_case
def withdraw_consent(env: Env, actor: Actor, confirmed: bool) -> str:
    """Withdraw one's agreement to the privacy notice, as the notice promises: ``asked``
    first, then, once ``confirmed``, recorded (``withdrawn``) and audited. From then on
    nothing new is collected or used (``consenting``) until the person agrees again.
    ``not_given`` when there is no agreement standing (already withdrawn, a second tap)."""
    allow(actor.account_id is not None)
    if not consent.given(env.session, scope="personal", account_id=actor.account_id):
        return NOT_GIVEN
    if not confirmed:
        return ASKED
    consent.record(env.session, scope="personal", decision=consent.WITHDRAWN, channel="chat", now=env.now,
                   account_id=actor.account_id)
    audit.record(env.session, env.sealer, actor=f"account:{actor.account_id}", action="consent.personal",
                 entity="account", entity_id=actor.account_id, area_code=None, now=env.now,
                 changes={"decision": [consent.ACCEPTED, consent.WITHDRAWN]})
    return WITHDRAWN


@dataclass(frozen=True)
class ChangeRequested:
    """When the answer is due, and who must act on it: the area's coordinators."""

    due_at: datetime
    kind: str
    village_code: str
    tell: tuple[Recipient, ...]


@use_case
def request_change(env: Env, actor: Actor, kind: str) -> ChangeRequested:
    """Ask the coordinator to correct or erase (``kind``) the household's data; the date
    the answer is due, and the coordinators to tell. ``Refused("bad_request")`` for any other kind."""
    household = own_household(env, actor)
    task = registry.request_change(env.session, env.sealer, household=household, account_id=actor.account_id,
                                   kind=kind, now=env.now)
    return ChangeRequested(task.due_at, kind, household.village_code,
                           tuple(coordinator_recipients(env.session, household.village_code)))


@use_case
def erase_household(env: Env, actor: Actor, household_id: int) -> erasure.Erased:
    """Carry out the household's open erasure request: its personal data is erased
    (docs/privacy.md says what is kept) and the request's task is closed.
    ``Refused("no_request")`` unless the household asked for erasure."""
    household = get(env, Household, household_id)
    allow(authorization.can_erase(actor, household.village_code))
    tasks = list(env.session.scalars(select(Task).where(
        Task.household_id == household.id, Task.kind == "data_erase", Task.status == "open")))
    allow(bool(tasks), "no_request")
    result = erasure.erase_household(env.session, env.sealer, household, actor=actor.label, now=env.now)
    for task in tasks:
        task.status = "done"
        task.resolved_at = env.now
        task.resolved_by = actor.account_id
    return result


@use_case
def forget_unsent(env: Env, actor: Actor, chat_line_id: str, line_message_id: str) -> int:
    """The sender took message ``line_message_id`` back: its stored event, any photo fetched
    from it and its words in the requests of the sender's households are erased; how many
    things were. The event is LINE's, signed, and only the sender can unsend a message; what is
    erased is limited to that chat's events and the actor's own households' requests."""
    erased = unsent.forget(env.session, env.sealer, chat_line_id, line_message_id, env.now)
    for household_id in actor.households:
        household = env.session.get(Household, household_id)
        for case in env.session.scalars(select(Case).where(Case.household_id == household_id,
                                                           Case.details.is_not(None))):
            erased += cases.forget_message(env.session, env.sealer, case, line_message_id[:32],
                                           area_code=household.village_code if household else "", now=env.now)
    return erased


# "Ask to correct my data": what is wrong, asked step by step ------------------------------

# What a household can say is wrong, about one of its members or about the household itself.
PERSON_CORRECTIONS = ("name", "birth_date", "citizen_id", "phone", "income", "occupation", "other")
HOUSEHOLD_CORRECTIONS = ("address", "members", "other")
HOUSEHOLD = 0  # "whose": the household itself, not one member
DIGITS_ONLY = ("phone", "citizen_id")  # kept as plain digits, however they were typed
MAX_VALUE = 200
MAX_LINE_MESSAGE_ID = 32


@dataclass(frozen=True)
class CorrectionDraft:
    """A request to correct being written: whose (a member's person id, or ``HOUSEHOLD``),
    which field, the right value as typed, a photo of a document (its LINE message id) and
    whether the photo step is over. It waits in the chat's sealed conversation until sent."""

    whose: int | None = None
    field: str | None = None
    value: str | None = None
    photo: str | None = None
    photo_asked: bool = False

    @property
    def step(self) -> str:
        """What to ask next: ``whose``, ``field``, ``value``, ``photo`` or ``summary``."""
        if self.whose is None:
            return "whose"
        if self.field is None:
            return "field"
        if self.value is None:
            return "value"
        return "summary" if self.photo_asked else "photo"

    def to_state(self) -> dict[str, Any]:
        return {"whose": self.whose, "field": self.field, "value": self.value, "photo": self.photo,
                "photo_asked": self.photo_asked}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> CorrectionDraft:
        whose = state.get("whose")
        return cls(whose=whose if isinstance(whose, int) else None, field=state.get("field"),
                   value=state.get("value"), photo=state.get("photo"), photo_asked=bool(state.get("photo_asked")))


@dataclass(frozen=True)
class Correcting:
    """The household's members to choose from (person id, masked name), the draft as
    checked, and whose it is in words (the masked name; None for the household itself)."""

    household_id: int
    members: tuple[tuple[int, str], ...]
    draft: CorrectionDraft
    whose_name: str | None = None


def _plain(field: str | None, value: str) -> str:
    """A value as the coordinator will read it: Thai digits as digits, and a phone or ID number
    typed with spaces or dashes as plain digits (other words are kept as typed)."""
    digits = thai_input.compact(value)
    if field in DIGITS_ONLY and digits.isdigit() and digits.isascii():
        return digits
    return thai_input.ascii_digits(value)


def _correcting(env: Env, actor: Actor, household_id: int | None, draft: CorrectionDraft) -> Correcting:
    """Check every part of ``draft`` against the household the actor's LINE is linked to:
    ``Refused("bad_choice")`` for a member or field no button offered, ``Refused("bad_value")``
    for a value empty or too long."""
    household = own_household(env, actor)
    allow(household_id == household.id, "not_linked")
    members = tuple((member.person_id, registry.mask_name(member.name))
                    for member in registry.view(env.session, env.sealer, household, env.today).members)
    names = dict(members)
    if draft.whose is not None and draft.whose != HOUSEHOLD and draft.whose not in names:
        raise Refused("bad_choice")
    fields = HOUSEHOLD_CORRECTIONS if draft.whose == HOUSEHOLD else PERSON_CORRECTIONS
    if draft.field is not None and (draft.whose is None or draft.field not in fields):
        raise Refused("bad_choice")
    if draft.value is not None:
        value = _plain(draft.field, " ".join(draft.value.split()))
        if not 0 < len(value) <= MAX_VALUE or draft.field is None:
            raise Refused("bad_value")
        draft = replace(draft, value=value)
    if draft.photo is not None and (len(draft.photo) > MAX_LINE_MESSAGE_ID or draft.value is None):
        raise Refused("bad_choice")
    return Correcting(household.id, members, draft, names.get(draft.whose) if draft.whose else None)


@use_case
def begin_correction(env: Env, actor: Actor) -> Correcting:
    """"Ask to correct": the household this LINE is linked to and its members to choose from.
    Asking to correct one's data is a right that needs no agreement to the notice."""
    household = own_household(env, actor)
    return _correcting(env, actor, household.id, CorrectionDraft())


@use_case
def draft_correction(env: Env, actor: Actor, household_id: int | None, draft: CorrectionDraft) -> Correcting:
    """One step of the request to correct, checked (see ``_correcting``)."""
    return _correcting(env, actor, household_id, draft)


@use_case
def send_correction(env: Env, actor: Actor, household_id: int | None, draft: CorrectionDraft) -> ChangeRequested:
    """Send the request to the area's coordinator, with what is wrong sealed in its task and
    the photo (if any) fetched from LINE by the worker; when the answer is due, and the
    coordinators to tell.
    ``Refused("incomplete")`` before the value is typed."""
    checked = _correcting(env, actor, household_id, draft).draft
    if checked.step != "summary" or checked.value is None:
        raise Refused("incomplete")
    household = get(env, Household, household_id)
    allow(actor.account_id is not None, "not_linked")
    photo = registry.add_photo(env.session, env.sealer, household, checked.photo, actor.account_id, env.now) \
        if checked.photo else None
    task = registry.request_change(env.session, env.sealer, household=household, account_id=actor.account_id,
                                   kind="correct", now=env.now, correction={
                                       "person_id": checked.whose or None, "field": checked.field,
                                       "value": checked.value, "photo": photo.id if photo is not None else None})
    return ChangeRequested(task.due_at, "correct", household.village_code,
                           tuple(coordinator_recipients(env.session, household.village_code)))


@dataclass(frozen=True)
class CorrectionSent:
    """The latest request to correct sent from this LINE: when, when its answer is due, and
    when it was handled (None while open)."""

    sent_at: datetime
    due_at: datetime
    handled_at: datetime | None


@use_case
def last_correction(env: Env, actor: Actor) -> CorrectionSent | None:
    """The request a second tap on "Send" was for (None if this LINE never sent one)."""
    if actor.account_id is None:
        return None
    task = env.session.scalars(select(Task).where(Task.account_id == actor.account_id, Task.kind == "data_correct")
                               .order_by(Task.created_at.desc(), Task.id.desc()).limit(1)).first()
    return CorrectionSent(task.created_at, task.due_at, task.resolved_at) if task is not None else None
