"""The household registry's operations: what leaders check, what reviewers confirm,
what a household sees of itself. Each change is audited; callers authorize first."""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from casework import audit, conditions, household_status, thai_input
from casework.accounts import looks_like_invite
from casework.citizen_id import is_thai_national, mask
from casework.crypto import Place, Sealer
from casework.errors import Refused
from casework.locations import Point
from casework.models import Account, Assessment, Attachment, Household, HouseholdLink, Person, Task, Village
from casework.questionnaire import Questionnaire, score
from casework.sealing import open_from, seal_into
from casework.thai_input import age_on
from casework.words import words

LINK_CODE_TTL = timedelta(minutes=15)
LINK_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: nothing that reads as another
LINK_CODE_LENGTH = 10  # 31**10 ≈ 8e14 codes; a few hundred wrong tries an hour service-wide find none
REQUEST_DUE = timedelta(days=30)  # PDPA: answer a data subject's request within 30 days


class RegistryError(Refused):
    """The registry refused a change (a link code expired, a request already made…)."""


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    relation: str
    age: int | None
    masked_id: str | None
    has_disability_card: bool | None


@dataclass(frozen=True)
class HouseholdView:
    id: int
    village_code: str
    address: str
    status: str
    poverty_group: int | None
    members: tuple[Member, ...]
    has_location: bool
    photos: int
    head: str = ""          # the head's name masked (mask_name), as lists show it
    house_no: str = ""
    village_name: str = ""


# Thai vowels written before the consonant they follow in speech (sara e, ae, o, ai maimuan, ai maimalai).
LEADING_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")


def full_name(parts: dict | None) -> str:  # type: ignore[type-arg]
    """A person's name from its opened parts (``{"first": ..., "last": ...}``): first and last."""
    parts = parts or {}
    return " ".join(filter(None, (parts.get("first"), parts.get("last"))))


def mask_name(name: str) -> str:
    """A name as lists and pickers show it: the first name and the surname's first letter, so
    a glance at a phone reveals little (a Thai vowel written before its consonant is kept with it)."""
    first, _space, last = " ".join(name.split()).partition(" ")
    if not last:
        return first
    initial = last[:2] if last[0] in LEADING_VOWELS and len(last) > 1 else last[:1]
    return f"{first} {initial}."


@dataclass(frozen=True)
class NewPerson:
    first_name: str
    last_name: str
    relation: str
    citizen_id: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    income_baht_year: int | None = None
    occupation: str | None = None


def add_household(session: Session, sealer: Sealer, *, village_code: str, house_no: str, address: str,
                  people: list[NewPerson], source: str, status: str, actor: str, now: datetime) -> Household:
    """One household and its people, one by one (imports of many rows use ``casework.importing``)."""
    household = Household(village_code=village_code, address_key=address_key(sealer, village_code, house_no),
                          source=source, status=status, created_at=now, updated_at=now)
    seal_into(sealer, household, "address", {"house_no": house_no, "text": address})
    session.add(household)
    session.flush()
    for new in people:
        person = Person(
            household_id=household.id, relation=new.relation, sex=new.sex, birth_date=new.birth_date,
            citizen_id_hash=sealer.fingerprint(new.citizen_id) if new.citizen_id else None,
            thai=is_thai_national(new.citizen_id) if new.citizen_id else None, occupation=new.occupation,
            income_baht_year=new.income_baht_year, welfare=[], created_at=now, updated_at=now)
        seal_into(sealer, person, "citizen_id", new.citizen_id.encode() if new.citizen_id else None, as_json=False)
        seal_into(sealer, person, "name", {"first": new.first_name, "last": new.last_name})
        session.add(person)
        session.flush()
        from casework import (
            finding,  # finding reads the registry's normalisation: imported here, not above
        )

        finding.index_name(session, sealer, person_id=person.id, household_id=household.id,
                           village_code=village_code, first=new.first_name, last=new.last_name)
    audit.record(session, sealer, actor=actor, action="household.created", entity="household",
                 entity_id=household.id, area_code=village_code, now=now,
                 changes={"status": [None, status], "members": [None, len(people)]})
    session.flush()
    return household


def address_key(sealer: Sealer, village_code: str, house_no: str) -> str:
    return address_keys(sealer, village_code, house_no)[0]


def address_keys(sealer: Sealer, village_code: str, house_no: str) -> list[str]:
    """The address key under every lookup key (current first): what to search during a rotation."""
    return sealer.fingerprints(f"{village_code}|{thai_input.house_number(house_no)}")


def address_text(address: dict[str, Any]) -> str:
    return " ".join(str(part) for part in (address.get("house_no"), address.get("street"), address.get("text"))
                    if part)


def in_scopes(scopes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """Households in any of these areas (a scope covers every code it prefixes)."""
    return or_(*(Household.village_code.startswith(scope, autoescape=True) for scope in scopes))


def _own(account_id: int | None) -> Select:
    """The households an account is linked to or asked to be linked to: checked and confirmed by others."""
    return select(HouseholdLink.household_id).where(HouseholdLink.account_id == account_id,
                                                    HouseholdLink.status.in_(("requested", "linked")))


def to_check(session: Session, scopes: tuple[str, ...], *, offset: int = 0, limit: int = 10,
             checker_id: int | None = None) -> tuple[int, list[Household]]:
    """Households in these areas waiting for an on-site check, oldest first; not those the
    checker (``checker_id``) is linked to or asked to be linked to."""
    if not scopes:
        return 0, []
    where = (in_scopes(scopes), Household.status.in_(household_status.TO_CHECK), Household.id.not_in(_own(checker_id)))
    total = session.scalar(select(func.count()).select_from(Household).where(*where)) or 0
    rows = session.scalars(select(Household).where(*where).order_by(Household.id).offset(offset).limit(limit))
    return total, list(rows)


def to_review(session: Session, scopes: tuple[str, ...], reviewer_id: int, *, offset: int = 0, limit: int = 10
              ) -> tuple[int, list[tuple[Household, Assessment]]]:
    """Submitted assessments in these areas that this person did not make, of households
    they are not linked to (nor asked to be)."""
    if not scopes:
        return 0, []
    where = (in_scopes(scopes), Household.status == household_status.AWAITING_REVIEW,
             Assessment.status == "submitted", Assessment.assessed_by != reviewer_id,
             Household.id.not_in(_own(reviewer_id)))
    joined = select(Household, Assessment).join(Assessment, Assessment.household_id == Household.id)
    total = session.scalar(select(func.count()).select_from(joined.where(*where).subquery())) or 0
    rows = session.execute(joined.where(*where).order_by(Assessment.submitted_at).offset(offset).limit(limit))
    return total, [(household, assessment) for household, assessment in rows]


def view(session: Session, sealer: Sealer, household: Household, today: date, *,
         people: Sequence[Person] | None = None, photos: int | None = None, village_name: str | None = None
         ) -> HouseholdView:
    if people is None:
        people = session.scalars(select(Person).where(Person.household_id == household.id).order_by(Person.id)).all()
    members = []
    for person in people:
        name = open_from(sealer, person, "name")
        sealed_digits = open_from(sealer, person, "citizen_id", as_json=False)
        digits = sealed_digits.decode() if sealed_digits else None
        members.append(Member(
            person_id=person.id, name=full_name(name),
            relation=person.relation, age=age_on(person.birth_date, today) if person.birth_date else None,
            masked_id=mask(digits) if digits else None, has_disability_card=person.has_disability_card))
    if photos is None:
        photos = photo_counts(session, [household.id]).get(household.id, 0)
    if village_name is None:
        village = session.get(Village, household.village_code)
        village_name = village.name if village is not None else ""
    address = open_from(sealer, household, "address")
    head = next((member.name for member in members if member.relation == "head"), "")
    return HouseholdView(id=household.id, village_code=household.village_code,
                         address=address_text(address), status=household.status,
                         poverty_group=household.poverty_group, members=tuple(members),
                         has_location=household.location is not None, photos=photos, head=mask_name(head),
                         house_no=str(address.get("house_no") or ""), village_name=village_name)


def views(session: Session, sealer: Sealer, households: Sequence[Household], today: date) -> list[HouseholdView]:
    """``view`` of each of a page of households, their members and photo counts read in two
    queries, not two a household."""
    if not households:
        return []
    ids = [household.id for household in households]
    people: dict[int, list[Person]] = {household_id: [] for household_id in ids}
    for person in session.scalars(select(Person).where(Person.household_id.in_(ids)).order_by(Person.id)):
        people[person.household_id].append(person)
    photos = photo_counts(session, ids)
    names = dict(session.execute(select(Village.code, Village.name).where(
        Village.code.in_({household.village_code for household in households}))).all())
    return [view(session, sealer, household, today, people=people[household.id], photos=photos.get(household.id, 0),
                 village_name=names.get(household.village_code, ""))
            for household in households]


def photo_counts(session: Session, household_ids: Sequence[int]) -> dict[int, int]:
    """How many photos of its checks each household has (not those of its requests or visits);
    0 is left out."""
    return dict(session.execute(select(Attachment.household_id, func.count()).where(
        Attachment.household_id.in_(household_ids), Attachment.case_id.is_(None), Attachment.visit_id.is_(None))
        .group_by(Attachment.household_id)).all())


def _move(session: Session, sealer: Sealer, household: Household, action: str, actor: str, now: datetime,
          **extra: Any) -> None:
    before = household.status
    household.status = household_status.next_status(before, action)
    household.updated_at = now
    audit.record(session, sealer, actor=actor, action=f"household.{action}", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now,
                 changes={"status": [before, household.status], **extra})


def submit_assessment(session: Session, sealer: Sealer, *, household: Household, answers: dict[str, int],
                      questionnaire: Questionnaire, assessor_id: int, now: datetime,
                      skip: set[str] | frozenset[str] = frozenset(), notes: Sequence[str] = ()) -> Assessment:
    """A leader's on-site check: scores stored, the household waits for a second person.
    The assessor's field notes are sealed with it (in ``review_note``, beside the reviewer's
    note to come: ``{"field_notes": [...], "note": ...}``)."""
    if not household_status.allowed(household.status, "submit"):
        raise RegistryError("not_checkable")
    result = score(questionnaire, answers, skip=skip)
    assessment = Assessment(household_id=household.id, questionnaire=questionnaire.ref, answers=answers,
                            scores=result.scores, mean_score=result.mean_score, poverty_group=result.group,
                            status="submitted", assessed_by=assessor_id, submitted_at=now, created_at=now)
    seal_into(sealer, assessment, "review_note", {"field_notes": list(notes)} if notes else None)
    session.add(assessment)
    session.flush()
    changed: dict[str, list[Any]] = {"field_note": [None, "(sealed)"]} if notes else {}
    for field, code in conditions.from_answers(answers).items():
        if getattr(household, field) != code:
            changed[field] = [getattr(household, field), code]
            setattr(household, field, code)
    _move(session, sealer, household, "submit", f"account:{assessor_id}", now,
          assessment=[None, assessment.id], group=[None, result.group], **changed)
    return assessment


def field_notes(sealer: Sealer, assessment: Assessment) -> list[str]:
    """The notes the assessor typed during the check."""
    return [str(note) for note in (open_from(sealer, assessment, "review_note") or {}).get("field_notes") or ()]


def review(session: Session, sealer: Sealer, *, assessment: Assessment, household: Household, confirm: bool,
           reviewer_id: int, now: datetime, note: str | None = None) -> None:
    """The second person's decision: confirmed → verified with its group; else returned with a note."""
    if assessment.status != "submitted" or household.status != household_status.AWAITING_REVIEW:
        raise RegistryError("not_awaiting_review")
    if reviewer_id == assessment.assessed_by:
        raise RegistryError("own_assessment")
    assessment.status = "confirmed" if confirm else "returned"
    assessment.reviewed_by, assessment.reviewed_at = reviewer_id, now
    if note:
        seal_into(sealer, assessment, "review_note", {**(open_from(sealer, assessment, "review_note") or {}),
                                                      "note": note})
    if confirm:
        before = household.poverty_group
        household.poverty_group = assessment.poverty_group
        _move(session, sealer, household, "confirm", f"account:{reviewer_id}", now,
              poverty_group=[before, household.poverty_group])
    else:
        _move(session, sealer, household, "return", f"account:{reviewer_id}", now, note=[None, note])


def set_location(session: Session, sealer: Sealer, household: Household, place: Point, actor_id: int,
                 now: datetime) -> None:
    had = household.location is not None
    seal_into(sealer, household, "location", {"lat": place[0], "lng": place[1]})
    household.updated_at = now
    audit.record(session, sealer, actor=f"account:{actor_id}", action="household.location", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now,
                 changes={"location": ["(set)" if had else None, "(set)"]})


def add_photo(session: Session, sealer: Sealer, household: Household, line_message_id: str, actor_id: int,
              now: datetime, *, case_id: int | None = None, visit_id: int | None = None) -> Attachment:
    """Record a photo (or a visit's voice note) to fetch from LINE: of a check, of a request
    for help (``case_id``) or of a visit (``visit_id``); the same message twice is one."""
    existing = session.scalar(select(Attachment).where(Attachment.line_message_id == line_message_id))
    if existing is not None:
        return existing
    photo = Attachment(household_id=household.id, case_id=case_id, visit_id=visit_id,
                       line_message_id=line_message_id[:32],
                       status="pending", attempts=0, created_at=now, created_by=actor_id)
    session.add(photo)
    session.flush()
    changes: dict[str, list[Any]] = {"photo": [None, photo.id]}
    if case_id is not None:
        changes["case"] = [None, case_id]
    if visit_id is not None:
        changes["visit"] = [None, visit_id]
    audit.record(session, sealer, actor=f"account:{actor_id}", action="household.photo", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now, changes=changes)
    return photo


def link_code_of(text: str) -> str | None:
    """The link code in what someone typed (``k7qm 4xpd 9a``, ``K7QM-4XPD-9A``, Thai digits too), or None."""
    cleaned = thai_input.compact(text)
    if len(cleaned) != LINK_CODE_LENGTH or not set(cleaned) <= set(LINK_ALPHABET):
        return None
    return cleaned if _mixed(cleaned) else None


def _mixed(code: str) -> bool:
    """A digit and a letter in it, so that a typed word is not taken for a code."""
    return any(ch.isdigit() for ch in code) and any(ch.isalpha() for ch in code)


def create_link_code(session: Session, sealer: Sealer, household: Household, leader_id: int, now: datetime) -> str:
    """A code the leader's chat shows (``K7QM-4XPD-9A``); the household sends it from its own
    LINE. Codes offered before for this household stop working."""
    cancelled = session.execute(update(HouseholdLink).where(HouseholdLink.household_id == household.id,
                                                            HouseholdLink.status == "offered")
                                .values(status="cancelled", code_hash=None, decided_at=now)).rowcount
    code = ""
    while not _mixed(code) or looks_like_invite(code):  # an invite is KJ and eight more
        code = "".join(secrets.choice(LINK_ALPHABET) for _ in range(LINK_CODE_LENGTH))
    session.add(HouseholdLink(household_id=household.id, status="offered", code_hash=sealer.fingerprint(
        f"link|{code}"), code_expires_at=now + LINK_CODE_TTL, created_at=now, created_by=leader_id))
    session.flush()
    audit.record(session, sealer, actor=f"account:{leader_id}", action="household.link_offered", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now,
                 changes={"codes_cancelled": [None, cancelled]} if cancelled else None)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def redeem_link_code(session: Session, sealer: Sealer, code: str, account_id: int, now: datetime) -> Household:
    """Spend a code as typed; ``RegistryError("bad_link_code")`` for one that is wrong, spent or expired."""
    normalized = link_code_of(code)
    if normalized is None:
        raise RegistryError("bad_link_code")
    link = session.scalar(select(HouseholdLink).where(
        HouseholdLink.code_hash.in_(sealer.fingerprints(f"link|{normalized}")), HouseholdLink.status == "offered"))
    if link is None or link.code_expires_at is None or link.code_expires_at <= now:
        raise RegistryError("bad_link_code")
    if link.created_by == account_id:  # a leader's own household is linked by someone else
        raise Refused("own_household")
    spent = session.execute(update(HouseholdLink).where(HouseholdLink.id == link.id,
                                                        HouseholdLink.status == "offered")
                            .values(status="linked", account_id=account_id, decided_at=now, code_hash=None))
    if spent.rowcount != 1:
        raise RegistryError("bad_link_code")
    session.execute(update(HouseholdLink).where(  # the request it made, if any, is answered by the code
        HouseholdLink.household_id == link.household_id, HouseholdLink.account_id == account_id,
        HouseholdLink.status == "requested").values(status="cancelled", decided_at=now))
    household = session.get(Household, link.household_id)
    assert household is not None
    audit.record(session, sealer, actor=f"account:{link.created_by}", action="household.link", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now,
                 changes={"linked_account": [None, account_id]})
    return household


def warn_of_guessing(session: Session, now: datetime) -> tuple[str, ...]:
    """The LINE of each leader with a live code not yet warned about guessing; each code is
    marked warned, so a leader hears of it once per code, not once per wrong try."""
    claimed = session.execute(update(HouseholdLink).where(  # one statement: another process may warn too
        HouseholdLink.status == "offered", HouseholdLink.code_expires_at > now, HouseholdLink.warned_at.is_(None))
        .values(warned_at=now).returning(HouseholdLink.created_by).execution_options(synchronize_session=False))
    leader_ids = {leader_id for (leader_id,) in claimed if leader_id is not None}
    if not leader_ids:
        return ()
    return tuple(session.scalars(select(Account.line_user_id).where(Account.id.in_(leader_ids))
                                 .order_by(Account.id)))


def find_by_address(session: Session, sealer: Sealer, village_code: str, house_no: str) -> Household | None:
    return session.scalar(select(Household).where(Household.address_key.in_(address_keys(sealer, village_code,
                                                                                           house_no))))


def request_link(session: Session, sealer: Sealer, household: Household, account_id: int, now: datetime, *,
                 typed_name: str | None = None) -> HouseholdLink:
    """The household asks for its LINE to be linked, with the head's name as it typed it;
    a leader of the area approves on site."""
    existing = session.scalar(select(HouseholdLink).where(
        HouseholdLink.household_id == household.id, HouseholdLink.account_id == account_id,
        HouseholdLink.status.in_(("requested", "linked"))))
    if existing is not None:
        return existing
    link = HouseholdLink(household_id=household.id, account_id=account_id, status="requested", created_at=now)
    seal_into(sealer, link, "requested_name", {"name": typed_name} if typed_name else None)
    session.add(link)
    session.flush()
    audit.record(session, sealer, actor=f"account:{account_id}", action="household.link_requested",
                 entity="household", entity_id=household.id, area_code=household.village_code, now=now)
    return link


def link_requests(session: Session, household_id: int) -> list[HouseholdLink]:
    return list(session.scalars(select(HouseholdLink).where(
        HouseholdLink.household_id == household_id, HouseholdLink.status == "requested").order_by(HouseholdLink.id)))


@dataclass(frozen=True)
class LinkRequest:
    """A request as the leader sees it: the requester's LINE name, the name they typed, and
    whether that name is one of the household's members."""

    id: int
    line_name: str
    typed_name: str
    name_matches: bool


def bare_name(name: str) -> str:
    """A name without its title (casework/data/words.yaml), spacing, case and punctuation."""
    text = " ".join(name.split()).casefold()
    for title in words().name_titles:
        if text.startswith(title):
            text = text[len(title):]
            break
    return "".join(ch for ch in text if ch.isalnum() or "\u0e00" <= ch <= "\u0e7f")


def same_name(typed: str, member: str) -> bool:
    """The same person's name, whatever the spacing and the title."""
    bare = bare_name(typed)
    return bool(bare) and bare == bare_name(member)


def member_names(session: Session, sealer: Sealer, household_id: int) -> list[str]:
    names = []
    for person_id, sealed in session.execute(select(Person.id, Person.name).where(Person.household_id == household_id)):
        name = sealer.open_json(sealed, Place("persons", "name", person_id))
        names.append(full_name(name))
    return names


def describe_request(session: Session, sealer: Sealer, link: HouseholdLink) -> LinkRequest:
    typed = str((open_from(sealer, link, "requested_name") or {}).get("name") or "")
    account = session.get(Account, link.account_id) if link.account_id is not None else None
    return LinkRequest(id=link.id, line_name=account.display_name if account is not None else "", typed_name=typed,
                       name_matches=any(same_name(typed, member)
                                        for member in member_names(session, sealer, link.household_id)))


def is_linked(session: Session, household_id: int) -> bool:
    return session.scalar(select(HouseholdLink.id).where(HouseholdLink.household_id == household_id,
                                                         HouseholdLink.status == "linked").limit(1)) is not None


def approve_link(session: Session, sealer: Sealer, link: HouseholdLink, leader_id: int, now: datetime) -> Household:
    if link.status != "requested":
        raise RegistryError("not_requested")
    link.status, link.decided_at, link.created_by = "linked", now, leader_id
    household = session.get(Household, link.household_id)
    assert household is not None
    audit.record(session, sealer, actor=f"account:{leader_id}", action="household.link", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now,
                 changes={"linked_account": [None, link.account_id]})
    return household


def linked_households(session: Session, account_id: int) -> tuple[int, ...]:
    return tuple(session.scalars(select(HouseholdLink.household_id).where(
        HouseholdLink.account_id == account_id, HouseholdLink.status == "linked").order_by(HouseholdLink.id)))


def request_change(session: Session, sealer: Sealer, *, household: Household, account_id: int, kind: str,
                   now: datetime, details: str = "", correction: dict[str, Any] | None = None) -> Task:
    """A household asks to correct or erase its data: a task for its area's coordinator.
    ``correction``: what the household said is wrong (``person_id``, ``field``, ``value``,
    ``photo``: an attachment id), sealed with the task; the audit names the field only."""
    if kind not in ("correct", "erase") or (correction is not None and kind != "correct"):
        raise RegistryError("bad_request")
    task = Task(kind=f"data_{kind}", area_code=household.village_code, household_id=household.id,
                account_id=account_id, status="open", created_at=now, due_at=now + REQUEST_DUE)
    kept = {**({"text": details} if details else {}), **(correction or {})}
    seal_into(sealer, task, "details", kept or None)
    session.add(task)
    session.flush()
    changes: dict[str, list[Any]] | None = None
    if correction is not None:
        changes = {"field": [None, correction.get("field")], "person": [None, correction.get("person_id")],
                   "value": [None, "(sealed)"], "photo": [None, 1 if correction.get("photo") else 0]}
    audit.record(session, sealer, actor=f"account:{account_id}", action=f"request.{kind}", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now, changes=changes)
    return task


def open_tasks(session: Session, scopes: tuple[str, ...], limit: int = 20) -> list[Task]:
    if not scopes:
        return []
    where = or_(*(Task.area_code.startswith(scope, autoescape=True) for scope in scopes))
    return list(session.scalars(select(Task).where(where, Task.status == "open").order_by(Task.due_at).limit(limit)))


AMOUNT_FIELDS = {"debt_baht": 99_999_999, "savings_baht": 99_999_999, "income_baht_year": 9_999_999}
PERSON_FIELDS = ("income_baht_year", "occupation", "phone", "has_disability_card", "health")
HOUSEHOLD_FIELDS = ("debt_baht", "savings_baht", "housing_condition", "land", "water")
SEALED_FIELDS = ("phone", "health")
SENSITIVE_FIELDS = ("has_disability_card", "health")  # recorded only with the household's explicit consent


def correct(session: Session, sealer: Sealer, *, household: Household, field: str, value: Any, actor_id: int,
            now: datetime, person: Person | None = None) -> None:
    """A leader corrects one field on site; the audit keeps old → new (sealed fields unshown)."""
    target: Household | Person = person if person is not None else household
    if person is not None and (field not in PERSON_FIELDS or person.household_id != household.id):
        raise RegistryError("bad_field")
    if person is None and field not in HOUSEHOLD_FIELDS:
        raise RegistryError("bad_field")
    if field in SEALED_FIELDS:
        before, after = "(sealed)" if getattr(target, field) else None, "(sealed)"
        seal_into(sealer, target, field, {"value": value})
        if field == "phone" and person is not None:
            from casework import finding

            person.phone_hash = finding.phone_hash(sealer, str(value or ""))
    else:
        before, after = getattr(target, field), value
        setattr(target, field, value)
    target.updated_at = now
    household.updated_at = now
    label = f"person {person.id} {field}" if person is not None else field
    audit.record(session, sealer, actor=f"account:{actor_id}", action="household.correct", entity="household",
                 entity_id=household.id, area_code=household.village_code, now=now, changes={label: [before, after]})


def end(session: Session, sealer: Sealer, *, household: Household, action: str, actor: str, now: datetime) -> None:
    """The household moved away or no longer exists (``action``: move or close)."""
    if action not in ("move", "close") or not household_status.allowed(household.status, action):
        raise RegistryError("not_open")
    _move(session, sealer, household, action, actor, now)


def add_village(session: Session, sealer: Sealer, *, code: str, name: str, actor: str, now: datetime) -> bool:
    """A village under a known sub-district; False if it was already there."""
    if session.get(Village, code) is not None:
        return False
    session.add(Village(code=code, subdistrict_code=code[:6], number=int(code[6:]), name=name[:120],
                        created_at=now, created_by=actor[:64]))
    audit.record(session, sealer, actor=actor, action="village.created", entity="village", entity_id=code,
                 area_code=code, now=now, changes={"name": [None, name]})
    return True
