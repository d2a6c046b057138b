"""Finding a household without reading every sealed name: keyed hashes (``Sealer.fingerprint``)
of each normalised name part in ``name_tokens`` (a blind index), of each phone in
``persons.phone_hash``; citizen IDs and addresses have theirs already. Every lookup searches
the hashes under every lookup key in the ring, so a household stays findable while
``kaejon keys rotate`` re-hashes (casework/rotation.py)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from casework.crypto import Sealer
from casework.importing.rows import RowError, parse_phone
from casework.models import Household, NameToken, Person, Village
from casework.registry import address_keys, bare_name, in_scopes
from casework.thai_input import ascii_digits
from casework.words import words

_NAME = "name|"
_PHONE = "phone|"
_HOUSE_NO = re.compile(r"^\d+(/\d+)?$")
MAX_NAME_WORDS = 6  # a name is a few words; more is not a name (and each word is one more join)


def name_parts(*names: str) -> list[str]:
    """The normalised parts a name is found by: each word without a title,
    case and punctuation, the way ``registry.same_name`` compares names."""
    parts = (bare_name(word) for name in names for word in name.split())
    return list(dict.fromkeys(part for part in parts if part))


def phone_digits(text: str) -> str | None:
    """A Thai phone number as its digits (Thai digits, +66, dashes put right), or None."""
    try:
        return parse_phone(text)
    except RowError:
        return None


def phone_hash(sealer: Sealer, phone: str | None) -> str | None:
    digits = phone_digits(phone) if phone else None
    return sealer.fingerprint(_PHONE + digits) if digits else None


def token_hashes(sealer: Sealer, first: str, last: str) -> list[str]:
    return [sealer.fingerprint(_NAME + part) for part in name_parts(first or "", last or "")]


def index_name(session: Session, sealer: Sealer, *, person_id: int, household_id: int, village_code: str,
               first: str, last: str) -> None:
    """(Re)write one person's name tokens."""
    index_names(session, [(person_id, household_id, village_code, token_hashes(sealer, first, last))])


def index_names(session: Session, people: Iterable[tuple[int, int, str, list[str]]], *,
                replace: bool = True) -> None:
    """(Re)write the name tokens of many people at once: (person, household, village, hashes);
    ``replace=False`` for people just added, who have none yet."""
    people = list(people)
    if not people:
        return
    if replace:
        session.execute(delete(NameToken).where(NameToken.person_id.in_([p for p, *_ in people])))
    rows = [{"person_id": person_id, "household_id": household_id, "village_code": village_code,
             "token_hash": token} for person_id, household_id, village_code, tokens in people for token in tokens]
    if rows:
        session.execute(NameToken.__table__.insert(), rows)


@dataclass(frozen=True)
class Query:
    """What a typed search means: one of citizen ID, phone, address, name words."""

    kind: str  # "citizen_id" | "phone" | "address" | "name"
    words: tuple[str, ...]


def parse(text: str) -> Query | None:
    """13 digits are a citizen ID; 0 and 9 digits (or +66…) a phone; "<house no> <village no
    or name>" an address (with or without the words of casework/data/words.yaml before the
    numbers); anything else the words of a name."""
    text = " ".join(ascii_digits(text or "").split())
    if not text:
        return None
    compact = re.sub(r"[\s\-]", "", text)
    if re.fullmatch(r"\d{13}", compact):
        return Query("citizen_id", (compact,))
    if re.fullmatch(r"(0\d{8,9}|\+66\d{8,9})", compact):
        digits = phone_digits(compact)
        if digits:
            return Query("phone", (digits,))
    rest = words().house_words.sub("", text)
    house, _, village = rest.partition(" ")
    village = words().village_words.sub("", village.strip())
    if _HOUSE_NO.match(house) and village:
        return Query("address", (house, village))
    parts = tuple(name_parts(text))
    return Query("name", parts) if 0 < len(parts) <= MAX_NAME_WORDS else None


def find(session: Session, sealer: Sealer, scopes: tuple[str, ...], query: Query, *, offset: int = 0,
         limit: int = 10) -> tuple[int, list[Household]]:
    """Households in these areas that match, in id order, and how many match in all."""
    if not scopes:
        return 0, []
    matching = _matching(session, sealer, scopes, query)
    if matching is None:
        return 0, []
    # A name's tokens are searched within the areas already (each token keeps its household's
    # village); the households' own area test would lead PostgreSQL to read every household
    # of a sub-district first (it guesses a few dozen) where the name's are a few.
    where = (Household.id.in_(matching),) if query.kind == "name" else (in_scopes(scopes), Household.id.in_(matching))
    total = session.scalar(select(func.count()).select_from(Household).where(*where)) or 0
    rows = session.scalars(select(Household).where(*where).order_by(Household.id).offset(offset).limit(limit))
    return total, list(rows)


def _matching(session: Session, sealer: Sealer, scopes: tuple[str, ...], query: Query):  # type: ignore[no-untyped-def]
    if query.kind == "citizen_id":
        return select(Person.household_id).where(Person.citizen_id_hash.in_(sealer.fingerprints(query.words[0])))
    if query.kind == "phone":
        return select(Person.household_id).where(Person.phone_hash.in_(sealer.fingerprints(_PHONE + query.words[0])))
    if query.kind == "address":
        return _by_address(session, sealer, scopes, *query.words)
    matching = None
    # The tokens of the actor's areas only (ix_name_tokens_token_village): a common first name
    # is had by thousands across the province, a few in a sub-district.
    in_areas = or_(*(NameToken.village_code.startswith(scope, autoescape=True) for scope in scopes))
    for word in query.words:  # every word must be one of a member's name parts (the same member)
        hashes = sealer.fingerprints(_NAME + word)
        people = select(NameToken.person_id, NameToken.household_id).where(NameToken.token_hash.in_(hashes), in_areas)
        matching = people if matching is None else matching.intersect(people)
    if matching is None:
        return None
    return select(matching.subquery().c.household_id)


def _by_address(session: Session, sealer: Sealer, scopes: tuple[str, ...], house_no: str, village: str
                ):  # type: ignore[no-untyped-def]
    """The village by its number within the actor's areas, or by (part of) its name."""
    villages = select(Village.code, Village.name, Village.number).where(
        or_(*(Village.code.startswith(scope, autoescape=True) for scope in scopes)))
    wanted = " ".join(village.split()).casefold()
    codes = [code for code, name, number in session.execute(villages)
             if (wanted.isdigit() and number == int(wanted)) or (not wanted.isdigit() and name
                                                                 and wanted in " ".join(name.split()).casefold())]
    keys = [key for code in codes for key in address_keys(sealer, code, house_no)]
    return select(Household.id).where(Household.address_key.in_(keys)) if keys else None

