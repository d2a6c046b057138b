"""Issue 9, holes 1, 2 and 7: link codes that cannot be guessed, link requests that say
who asked, and limits on registering oneself."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from casework import accounts, consent, registry
from casework.authorization import Actor
from casework.errors import Refused
from casework.models import Household, HouseholdLink
from casework.usecases import households, invites, links, registration
from casework.usecases.base import Env
from tests import registry_data

CODE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$")
TO_THAI = str.maketrans({str(value): chr(0x0E50 + value) for value in range(10)})


class People:
    """Accounts acting through the use cases directly, each call in its own transaction."""

    def __init__(self, services) -> None:
        self.services = services

    def account(self, digit: str, *grants: tuple[str, str], consented: bool = True) -> str:
        line_id = "U" + digit * 32
        with self.services.uow() as uow:
            account = accounts.get_or_create(uow.session, line_id, self.services.clock())
            for role, area in grants:
                accounts.grant(uow.session, account.id, role, area, self.services.clock(), by="test")
            if consented:
                consent.record(uow.session, scope="personal", decision=consent.ACCEPTED, channel="chat",
                               now=self.services.clock(), account_id=account.id)
            uow.commit()
        return line_id

    def do(self, line_id: str, use_case, *args, **kwargs):
        with self.services.uow() as uow:
            account = accounts.find(uow.session, line_id)
            actor = Actor(account_id=account.id, grants=accounts.grants_of(uow.session, account.id),
                          households=registry.linked_households(uow.session, account.id), line_user_id=line_id)
            env = Env(session=uow.session, sealer=uow.sealer, now=self.services.clock(), rules=self.services.rules)
            result = use_case(env, actor, *args, **kwargs)
            uow.commit()
            return result


@pytest.fixture
def people(services):
    return People(services)


def linked_count(services) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(HouseholdLink)
                                  .where(HouseholdLink.status == "linked")) or 0


def test_a_code_is_long_grouped_and_typed_however_a_phone_types_it(people, services):
    household_id = registry_data.household(services)
    leader = people.account("3", ("leader", "460101"))
    member = people.account("1")
    offered = people.do(leader, links.offer_code, household_id)
    assert CODE.match(offered.code)
    typed = offered.code.replace("-", " ").lower().translate(TO_THAI)
    linked = people.do(member, links.redeem_code, typed)
    assert linked.problem is None and linked.address
    with services.uow() as uow:
        assert registry.linked_households(uow.session, accounts.find(uow.session, member).id) == (household_id,)


@pytest.mark.parametrize("typed, code", [
    ("K7QM-4XPD-9A", "K7QM4XPD9A"),
    (" k7qm 4xpd 9a ", "K7QM4XPD9A"),
    ("k7qm4xpd๙a", "K7QM4XPD9A"),
    ("K7QM–4XPD–9A", "K7QM4XPD9A"),  # the dash a phone's keyboard makes of two hyphens
    ("strawberry", None),  # a word is not a code
    ("123456", None),  # the old six digits
    ("K7QM-4XPD-9O", None),  # O is not in the alphabet: it reads as 0
    ("K7QM-4XPD-9AB", None),
])
def test_what_is_taken_for_a_link_code(typed, code):
    assert registry.link_code_of(typed) == code


def test_a_new_code_cancels_the_one_offered_before(people, services):
    household_id = registry_data.household(services)
    leader = people.account("3", ("leader", "460101"))
    member = people.account("1")
    first = people.do(leader, links.offer_code, household_id).code
    second = people.do(leader, links.offer_code, household_id).code
    assert people.do(member, links.redeem_code, first).problem == "bad_code"
    assert people.do(member, links.redeem_code, second).problem is None


def test_guessing_link_and_invite_codes_at_speed_gets_nowhere(people, services, monkeypatch):
    household_id = registry_data.household(services)
    leader = people.account("3", ("leader", "460101"))
    code = people.do(leader, links.offer_code, household_id).code
    told: list[str] = []

    def guess(guesser: str, number: int) -> str | None:
        wrong = f"{'QRSTUVWX'[int(guesser[1]) - 1]}{'23456789ABCDEFGHJK'[number % 18]}ZZ-ZZZZ-Z{number % 8 + 2}"
        result = people.do(guesser, links.redeem_code, wrong)
        told.extend(result.tell)
        return result.problem

    # one account: a few wrong codes, then nothing more is even looked up, the real code included
    first = people.account("4")
    problems = [guess(first, number) for number in range(links.FAILURES_PER_ACCOUNT + 3)]
    assert problems == ["bad_code"] * links.FAILURES_PER_ACCOUNT + ["too_many"] * 3
    assert people.do(first, links.redeem_code, code).problem == "too_many"
    for number in range(invites.ATTEMPTS_PER_HOUR + 2):  # invites the same
        last = people.do(first, invites.redeem, f"KJ-ZZZZ-ZZZ{number + 2}").problem
    assert last == "too_many"

    # several accounts at once: the service stops counting past its cap, then everyone waits
    monkeypatch.setattr(links, "FAILURES_PER_SERVICE", links.FAILURES_PER_ACCOUNT + 6)
    others = [people.account(digit) for digit in "567"]
    answers = {other: [guess(other, number) for number in range(4)] for other in others}
    assert sum(found.count("bad_code") for found in answers.values()) == 6
    assert answers[others[-1]] == ["paused"] * 4
    newcomer = people.account("1")
    assert people.do(newcomer, links.redeem_code, code).problem == "paused"

    monkeypatch.setattr(invites, "ATTEMPTS_PER_HOUR_SERVICE", invites.ATTEMPTS_PER_HOUR + 4)
    invite_answers = [people.do(other, invites.redeem, f"KJ-ZZZZ-ZZZ{number + 2}").problem
                      for other in others for number in range(2)]
    assert invite_answers == ["unknown"] * 4 + ["too_many"] * 2  # invites stop across the service too

    assert linked_count(services) == 0  # no guess linked, nor the real code while capped
    assert told == [leader]  # the leader whose code was live heard of it, once


def test_a_link_request_says_who_asked_and_needs_a_matching_name(people, services):
    household_id = registry_data.household(services)  # head: สมชาย ใจดี
    leader = people.account("3", ("leader", "460101"))
    stranger, member = people.account("8"), people.account("1")
    with services.uow() as uow:
        accounts.find(uow.session, stranger).display_name = "Mr. Nobody"
        uow.commit()
    for who, name in ((stranger, "มานี มีนา"), (member, "นาย สมชาย  ใจดี")):
        people.do(who, registration.choose_village, "46010105", False)
        people.do(who, registration.submit, False, "46010105", "12", name)
    card = people.do(leader, households.open_card, household_id)
    by_name = {request.typed_name: request for request in card.link_requests}
    assert set(by_name) == {"มานี มีนา", "นาย สมชาย ใจดี"}
    assert by_name["มานี มีนา"].line_name == "Mr. Nobody" and not by_name["มานี มีนา"].name_matches
    assert by_name["นาย สมชาย ใจดี"].name_matches
    with pytest.raises(Refused) as refusal:
        people.do(leader, links.approve, by_name["มานี มีนา"].id)
    assert refusal.value.reason == "identity_unproven"
    people.do(leader, links.approve, by_name["นาย สมชาย ใจดี"].id)
    card = people.do(leader, households.open_card, household_id)
    assert card.already_linked


@pytest.mark.parametrize("typed, member, same", [
    ("นาย สมชาย  ใจดี", "สมชาย ใจดี", True),
    ("นางสาวมานี มีนา", "มานี มีนา", True),
    ("Mr. Somchai Jaidee", "somchai jaidee", True),
    ("สมชาย ใจร้าย", "สมชาย ใจดี", False),
])
def test_names_are_compared_without_titles_or_spacing(typed, member, same):
    assert (registry.same_name(typed, member)) is same


def test_one_pending_registration_at_a_time_and_a_few_a_month(people, services):
    for village in ("46010105", "46010106"):
        registry_data.village(services, village)
    member = people.account("1")
    people.do(member, registration.submit, False, "46010105", "31", "มานะ ใจดี")
    with pytest.raises(Refused) as refusal:
        people.do(member, registration.submit, False, "46010106", "32", "มานะ ใจดี")
    assert refusal.value.reason == "registration_pending"
    with services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Household)) == 1


def test_a_few_self_registrations_a_month(people, services):
    registry_data.village(services, "46010105")
    member = people.account("1")
    for number in range(registration.SELF_REGISTRATIONS):
        people.do(member, registration.submit, False, "46010105", str(40 + number), "มานะ ใจดี")
        with services.uow() as uow:  # the leader answered it (by a code, on site)
            uow.session.execute(update(HouseholdLink).values(status="cancelled"))
            uow.commit()
    with pytest.raises(Refused) as refusal:
        people.do(member, registration.start_self)
    assert refusal.value.reason == "too_many_registrations"
    with pytest.raises(Refused):
        people.do(member, registration.submit, False, "46010105", "49", "มานะ ใจดี")
    with services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Household)) == registration.SELF_REGISTRATIONS


def test_a_village_kaejon_does_not_know_is_refused(people, services):
    registry_data.village(services, "46010105")
    member = people.account("1")
    with pytest.raises(Refused) as refusal:
        people.do(member, registration.choose_village, "46010199", False)
    assert refusal.value.reason == "bad_area"
    with pytest.raises(Refused):
        people.do(member, registration.submit, False, "46010199", "31", "มานะ ใจดี")


# In chat: what the household, the guesser and the leader see.

def consented(user) -> None:
    user.follow()
    user.received()
    user.taps("a=consent&v=yes")
    user.received()


def register_at(user, house_no: str, head: str) -> None:
    user.taps("a=register_self")
    user.received()
    user.taps("a=reg&sd=460101")
    user.received()
    user.says("5")
    user.received()
    user.says(house_no)
    user.received()
    user.says(head)
    user.received()
    user.taps("a=reg&ok=1")


def test_in_chat_a_guesser_is_stopped_and_the_leader_told_once(kanya, somchai, services):
    household_id = registry_data.household(services)
    kanya.taps(f"a=link&id={household_id}")
    code = kanya.received()[0]["text"].splitlines()[-1]
    assert CODE.match(code)
    consented(somchai)
    for number in range(links.FAILURES_PER_ACCOUNT):
        somchai.says(f"Q{number + 2}ZZ-ZZZZ-Z2")
        assert somchai.received()[0]["text"].startswith("รหัสนี้ไม่ถูกต้อง")
    somchai.says(code.lower().replace("-", ""))  # the real code, too late
    assert somchai.received()[0]["text"].startswith("ส่งรหัสผิดหลายครั้งเกินไป")
    (warning,) = kanya.received()
    assert warning["text"].startswith("มีผู้ส่งรหัสเชื่อม LINE ผิดหลายครั้ง")
    somchai.says("QRZZ-ZZZZ-Z3")
    somchai.received()
    assert kanya.received() == []
    assert linked_count(services) == 0


def test_in_chat_the_leader_sees_who_asks_and_is_told_what_to_do(kanya, somchai, services):
    household_id = registry_data.household(services)  # head: สมชาย ใจดี, at house 12
    consented(somchai)
    register_at(somchai, "12", "มานี มีนา")
    assert somchai.received()[0]["text"].startswith("ลงทะเบียนแล้ว")
    kanya.received()
    kanya.taps(f"a=hh&id={household_id}")
    (card,) = kanya.received()
    body = str(card["contents"]["body"])
    assert "ขอเชื่อมในชื่อ มานี มีนา" in body and "ชื่อนี้ไม่ตรงกับสมาชิก" in body
    approve = next(b["action"]["data"] for b in card["contents"]["footer"]["contents"]
                   if b["action"]["data"].startswith("a=approve"))
    kanya.taps(approve)
    assert kanya.received()[0]["text"].startswith("ยังไม่อนุมัติ")
    assert somchai.received() == [] and linked_count(services) == 0

    somchai.taps("a=register_self")  # another household while the first waits
    assert somchai.received()[0]["text"].startswith("การลงทะเบียนของคุณรอผู้นำชุมชน")
    with services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Household)) == 1

    kanya.taps(f"a=link&id={household_id}")  # they met: the on-site code answers the request
    somchai.says(kanya.received()[0]["text"].splitlines()[-1])
    assert somchai.received()[0]["text"].startswith("เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")
    assert kanya.received()[0]["altText"] == "ครัวเรือนเชื่อม LINE แล้ว"
    kanya.taps(f"a=hh&id={household_id}")
    (card,) = kanya.received()
    assert "a=approve" not in str(card) and "ขอเชื่อมในชื่อ" not in str(card)


def test_in_chat_a_request_on_a_linked_household_is_flagged(kanya, somchai, malai, services):
    household_id = registry_data.household(services)
    kanya.taps(f"a=link&id={household_id}")
    consented(somchai)
    somchai.says(kanya.received()[0]["text"].splitlines()[-1])
    somchai.received()
    consented(malai)
    register_at(malai, "12", "นาย สมชาย ใจดี")  # the head's name, typed with a title
    malai.received()
    kanya.received()
    kanya.taps(f"a=hh&id={household_id}")
    body = str(kanya.received()[0]["contents"]["body"])
    assert "ขอเชื่อมในชื่อ นาย สมชาย ใจดี" in body and "ครัวเรือนนี้เชื่อม LINE ไว้แล้ว" in body
    assert "ชื่อนี้ไม่ตรงกับสมาชิก" not in body


def test_in_chat_an_unknown_village_number_is_asked_again(somchai, services):
    registry_data.village(services, "46010105")
    consented(somchai)
    somchai.taps("a=register_self")
    somchai.received()
    somchai.taps("a=reg&sd=460101")
    somchai.received()
    somchai.says("๙๙")
    problem, again = somchai.received()
    assert problem["text"] == "ไม่พบหมู่ที่นี้ในตำบลนี้ในระบบแก้จน"
    assert [i["action"]["data"] for i in again["quickReply"]["items"]] == ["a=reg&v=46010105"]
    somchai.says("5")
    assert somchai.received()[0]["text"] == "บ้านเลขที่เท่าไร"
