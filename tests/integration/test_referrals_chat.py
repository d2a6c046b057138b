"""The case engine's story in chat (issue 10): a household's request becomes a case, its
plan proposes the old-age allowance at the local administration, the household agrees to
share, the agency's staff accept and complete it, the person is then "receiving" (in "My
rights" and in the next screening), and the household was told at each step; the group
chat hears of it without personal data. Then: declining and taking back need a reason and
return the case to planning; an overdue referral shows to the agency and the coordinator;
two staff tapping at once lose nothing; no agency covering the area goes to the coordinator."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot import clock as clock_process
from bot.dev import line_events as le
from casework import agencies, authorization
from casework.models import Case, Household, Person, Referral
from casework.referrals import ReferralChanged
from casework.thai_time import thai_today
from casework.usecases import referrals as handling
from casework.usecases import screening
from casework.usecases.base import Env
from tests import registry_data
from tests.conftest import LineUser
from tests.integration.test_help_requests import ask_for_help, data_of

ROOT = Path(__file__).resolve().parents[2]
REFUSED = "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"
GROUP = "C" + "5" * 32


@pytest.fixture
def household_id(services):
    """A verified household in hardship whose head, born in 1961, is 65 and not receiving the old-age allowance."""
    home = registry_data.household(services, status="verified")
    with services.uow() as uow:
        uow.session.execute(update(Household).where(Household.id == home).values(poverty_group=1))
        uow.commit()
    return home


@pytest.fixture
def pilot_agencies(services):
    with services.uow() as uow:
        for spec in agencies.read(ROOT / "docs/agencies.example.yaml"):
            agencies.apply(uow.session, uow.sealer, spec, actor="test", now=services.clock())
        uow.commit()


def staff(client, services, standin, digit: str, code: str, name: str, area: str = "460101") -> LineUser:
    with services.uow() as uow:
        from casework import accounts
        invite = accounts.create_invite(uow.session, uow.sealer, role="agency", area_code=area, name=name,
                                        now=services.clock(), created_by="test", agency_code=code)
        uow.commit()
    user = LineUser("U" + digit * 32, client, services, standin)
    user.says(invite)
    user.received()
    return user


@pytest.fixture
def nok(client, services, standin, pilot_agencies):
    """Staff of the Kalasin municipality (local administration, covering 460101)."""
    return staff(client, services, standin, "3", "KLS-MUN", "นก")


@pytest.fixture
def pim(client, services, standin, pilot_agencies):
    """A second officer of the same municipality."""
    return staff(client, services, standin, "b", "KLS-MUN", "พิม")


@pytest.fixture
def somchai(client, services, standin, kanya, household_id):
    user = LineUser("U" + "1" * 32, client, services, standin)
    user.taps("a=consent&v=yes")
    user.received()
    kanya.taps(f"a=link&id={household_id}")
    code = kanya.received()[0]["text"].splitlines()[-1]
    user.says(code)
    user.received()
    return user


@pytest.fixture
def group(client, services, standin, nok):
    """The municipality's group chat, registered by Nok."""
    chat = LineUser(nok.user_id, client, services, standin, group_id=GROUP)
    chat.send(le.event("join", {"type": "group", "groupId": GROUP}, reply_token=chat.reply_token()))
    (hello,) = chat.received()
    chat.taps(data_of(hello, "ลงทะเบียนกลุ่มนี้"))
    assert "เทศบาลเมืองกาฬสินธุ์" in chat.received()[0]["text"]
    return chat


def actions(node):
    """Every action in a message, its quick replies, bubbles and carousels."""
    if isinstance(node, dict):
        if node.get("type") == "postback" and "data" in node:
            yield node
        for value in node.values():
            yield from actions(value)
    elif isinstance(node, list):
        for value in node:
            yield from actions(value)


def flex_data(message, label):
    """The postback data of the button (or quick reply) with this label anywhere in a message."""
    found = [action["data"] for action in actions(message) if action.get("label") == label]
    assert found, f"no button {label!r} among {[action.get('label') for action in actions(message)]}"
    return found[0]


def flexes(messages):
    return [message for message in messages if message.get("type") == "flex"]


def referral_of(services, ref) -> Referral:
    with services.uow() as uow:
        case = uow.session.scalar(select(Case).where(Case.ref == ref))
        referral = uow.session.scalar(select(Referral).where(Referral.case_id == case.id))
        uow.session.expunge(referral)
        return referral


def case_status(services, ref) -> str:
    with services.uow() as uow:
        return uow.session.scalar(select(Case.status).where(Case.ref == ref))


def planned_and_referred(somchai, kanya, services) -> tuple[str, str]:
    """Somchai asks for money or food; Kanya opens the request, makes its plan, keeps only
    the old-age allowance and approves. The request's reference and the plan's answer."""
    ref = ask_for_help(somchai, "เงินหรืออาหาร", "ไม่มีเงินซื้อข้าว")
    kanya.received()
    with services.uow() as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.ref == ref))
    kanya.taps(f"a=case&id={case_id}")
    (card,) = kanya.received()
    kanya.taps(flex_data(card, "ทำแผนช่วยเหลือ"))
    heading, plan = kanya.received()
    assert "แผนสำหรับบ้านเลขที่ 12" in heading["text"]
    bubbles = plan["contents"]["contents"]
    assert bubbles[0]["header"]["contents"][0]["text"] == "สิทธิรัฐและสวัสดิการ"  # group 1: welfare first
    assert "เบี้ยยังชีพผู้สูงอายุ" in json.dumps(bubbles[0], ensure_ascii=False)
    assert "สมชาย ใจดี" in json.dumps(bubbles[0], ensure_ascii=False)
    for bubble in bubbles[1:-1]:  # the leader adjusts: only the allowance is kept
        kanya.taps(flex_data(bubble, "ตัดออก"))
        kanya.received()
    kanya.taps(flex_data(bubbles[-1], "อนุมัติ"))
    (approved,) = kanya.received()
    return ref, approved["text"]


def test_a_request_becomes_a_case_whose_allowance_referral_is_accepted_and_completed_in_chat(
        somchai, kanya, nok, group, services):
    ref, approved = planned_and_referred(somchai, kanya, services)
    assert ref in approved and "รอความยินยอมจากครัวเรือน" in approved
    assert case_status(services, ref) == "referred"

    # The household has not agreed to share with a local administration: it is asked first.
    (asked,) = somchai.received()
    assert "เทศบาลเมืองกาฬสินธุ์" in asked["altText"] and ref in asked["altText"]
    assert nok.received() == [] and group.received() == []
    somchai.taps(flex_data(asked, "ยินยอมให้ส่งต่อ"))
    answered, told = somchai.received()
    assert answered["text"].startswith("ขอบคุณ")
    assert told["text"].startswith(f"เรื่อง {ref} ของคุณส่งต่อถึงเทศบาลเมืองกาฬสินธุ์แล้ว")

    # Nok hears of it in her own chat, with the ID masked; the group only that one arrived.
    (arrived,) = nok.received()
    assert arrived["altText"] == f"ส่งต่อใหม่ {ref}"
    shown = json.dumps(arrived, ensure_ascii=False)
    assert "สมชาย ใจดี" in shown and "1-1017-xxxxx-xx-" in shown and "110170012345" not in shown
    (notice,) = group.received()
    in_group = json.dumps(notice, ensure_ascii=False)
    assert "สมชาย" not in in_group and "บ้านเลขที่" not in in_group and "xxxxx" not in in_group
    group.taps(flex_data(notice, "เปิดในแชทของฉัน"))
    assert group.received()[0]["text"] == "ส่งไปที่แชทส่วนตัวของคุณกับแก้จนแล้ว"
    assert "สมชาย ใจดี" in json.dumps(nok.received(), ensure_ascii=False)

    nok.taps("a=referrals")
    heading, queue = nok.received()
    assert heading["text"].startswith("ส่งต่อ 1 รายการ")
    nok.taps(flex_data(queue, "เปิดดู"))
    (card,) = nok.received()
    nok.taps(flex_data(card, "รับเรื่อง"))
    done, card = nok.received()
    assert "รับเรื่องแล้ว" in done["text"]
    assert case_status(services, ref) == "in_progress"
    assert somchai.received()[0]["text"].startswith(f"เทศบาลเมืองกาฬสินธุ์รับเรื่อง {ref}")
    assert any("รับเรื่อง" in (m.get("altText") or "") for m in kanya.received())

    nok.taps(flex_data(card, "เสร็จสิ้น"))
    (prompt,) = nok.received()
    nok.says("ขึ้นทะเบียนแล้ว เริ่มจ่ายเดือนหน้า")
    done, card = nok.received()
    assert "เสร็จสิ้น" in done["text"]
    assert case_status(services, ref) == "resolved"
    nok.taps(f"a=racc&id={referral_of(services, ref).id}")  # an old button, no version: the step no longer fits
    assert nok.received()[0]["text"].startswith("ทำรายการนี้ไม่ได้แล้ว เพราะสถานะเปลี่ยนไปแล้ว")
    (news,) = somchai.received()
    assert news["text"].startswith(f"เทศบาลเมืองกาฬสินธุ์ดำเนินการเรื่อง {ref}")
    assert "สมชาย ใจดี ได้รับเบี้ยยังชีพผู้สูงอายุแล้ว ตั้งแต่" in news["text"]
    assert "ผลการดำเนินการ: ขึ้นทะเบียนแล้ว เริ่มจ่ายเดือนหน้า" in news["text"]  # the agency's words
    somchai.taps(data_of(news, "แก้ไขได้แล้ว"))  # the household says whether its problem is solved
    assert somchai.received()[0]["text"].startswith(f"ขอบคุณค่ะ บันทึกแล้วว่าเรื่อง {ref} แก้ไขได้แล้ว")
    assert case_status(services, ref) == "resolved"

    with services.uow() as uow:
        head = uow.session.scalar(select(Person).where(Person.relation == "head"))
        assert "old_age" in head.welfare
    somchai.taps("a=rights")
    assert "ได้รับอยู่แล้ว" in json.dumps(somchai.received(), ensure_ascii=False)
    with services.uow() as uow:
        env = Env(uow.session, uow.sealer, services.clock(), services.rules)
        result = screening.gaps(env, authorization.operator("cli:test"), "46010105", store=False)
        assert result.result.counts.get("old_age", 0) == 0


def test_declining_needs_a_reason_and_returns_the_case_to_planning(somchai, kanya, nok, services):
    ref, _ = planned_and_referred(somchai, kanya, services)
    (asked,) = somchai.received()
    somchai.taps(data_of(asked, "ยินยอมให้ส่งต่อ"))
    somchai.received()
    (arrived,) = nok.received()
    nok.taps(flex_data(arrived, "ปฏิเสธ"))
    (prompt,) = nok.received()
    assert ref in prompt["text"]
    nok.send(le.message(nok.source(), nok.reply_token(), {"type": "sticker", "id": "9", "packageId": "446",
                                                          "stickerId": "1988"}))
    assert nok.received()[0]["text"] == "ต้องระบุเหตุผล กรุณาพิมพ์เหตุผล"
    assert referral_of(services, ref).status == "sent"
    nok.says("ผู้สูงอายุย้ายทะเบียนบ้านไปอำเภออื่น")
    nok.received()
    assert referral_of(services, ref).status == "declined"
    assert case_status(services, ref) == "planned"
    told = json.dumps(kanya.received(), ensure_ascii=False)
    assert "ย้ายทะเบียนบ้านไปอำเภออื่น" in told
    assert "ผู้นำจะวางแผนช่วยเหลือทางอื่น" in somchai.received()[0]["text"]


def test_taking_a_referral_back_needs_a_reason_and_returns_the_case_to_planning(somchai, kanya, nok, services):
    ref, _ = planned_and_referred(somchai, kanya, services)
    referral = referral_of(services, ref)
    kanya.taps(f"a=ref&id={referral.id}")
    (card,) = kanya.received()
    kanya.taps(flex_data(card, "ถอนเรื่องคืน"))
    kanya.received()
    kanya.says("   ")
    assert referral_of(services, ref).status == "consent"
    kanya.says("กองทุนหมู่บ้านช่วยแล้ว")
    kanya.received()
    assert referral_of(services, ref).status == "revoked"
    assert case_status(services, ref) == "planned"
    assert nok.received() == []  # it never reached the agency: nothing to tell it


def test_taking_back_a_referral_the_agency_had_tells_its_staff(somchai, kanya, nok, services):
    ref, _ = planned_and_referred(somchai, kanya, services)
    (asked,) = somchai.received()
    somchai.taps(data_of(asked, "ยินยอมให้ส่งต่อ"))
    somchai.received()
    nok.received()
    kanya.taps(f"a=ref&id={referral_of(services, ref).id}")
    (card,) = kanya.received()
    kanya.taps(flex_data(card, "ถอนเรื่องคืน"))
    kanya.received()
    kanya.says("กองทุนหมู่บ้านช่วยแล้ว")
    kanya.received()
    (told,) = nok.received()
    assert ref in told["text"] and "กองทุนหมู่บ้านช่วยแล้ว" in told["text"]


def test_a_referral_past_its_service_level_shows_as_overdue_to_the_agency_and_the_coordinator(
        somchai, kanya, nok, prasert, services):
    ref, _ = planned_and_referred(somchai, kanya, services)
    (asked,) = somchai.received()
    somchai.taps(data_of(asked, "ยินยอมให้ส่งต่อ"))
    somchai.received()
    nok.received()
    referral = referral_of(services, ref)
    with services.uow() as uow:  # sent long enough ago that its acceptance date has passed
        uow.session.execute(update(Referral).where(Referral.id == referral.id).values(
            accept_due=referral.accept_due - timedelta(days=30), complete_due=referral.complete_due + timedelta(days=30)))
        uow.commit()
    nok.taps("a=referrals")
    heading, queue = nok.received()
    assert "เกินกำหนด 1 รายการในหน้านี้" in heading["text"]
    assert "เกินกำหนด" in json.dumps(queue, ensure_ascii=False)
    prasert.taps("a=area_referrals")
    heading, listing = prasert.received()
    assert "เกินกำหนด" in json.dumps(listing, ensure_ascii=False)

    # Never accepted by its completion date either: the clock's sweep expires it, the case is planned again.
    with services.uow() as uow:
        uow.session.execute(update(Referral).where(Referral.id == referral.id).values(
            complete_due=thai_today(services.clock()) - timedelta(days=1)))
        uow.commit()
    assert clock_process.expire_referrals(services) == 1
    assert clock_process.expire_referrals(services) == 0
    assert referral_of(services, ref).status == "expired"
    assert case_status(services, ref) == "planned"


def test_two_officers_tapping_at_once_lose_nothing(somchai, kanya, nok, pim, services):
    ref, _ = planned_and_referred(somchai, kanya, services)
    (asked,) = somchai.received()
    somchai.taps(data_of(asked, "ยินยอมให้ส่งต่อ"))
    somchai.received()
    (for_nok,) = nok.received()
    (for_pim,) = pim.received()
    nok.taps(flex_data(for_nok, "รับเรื่อง"))
    nok.received()
    pim.taps(flex_data(for_pim, "ปฏิเสธ"))  # on the card as it was before Nok accepted
    pim.received()
    pim.says("ไม่ใช่งานของเรา")
    changed, card = pim.received()
    assert changed["text"].startswith("ไม่มีการเปลี่ยนแปลง: นก")
    assert "รับเรื่องแล้ว" in json.dumps(card, ensure_ascii=False)
    assert referral_of(services, ref).status == "accepted"


@pytest.mark.backends("postgresql")  # SQLite takes its write lock at BEGIN: two writers never overlap there
def test_two_writers_at_once_one_wins_and_the_other_is_told(somchai, kanya, nok, pim, services):
    """Below the chat: two units of work read the same version; the second to write is refused."""
    from sqlalchemy.orm.exc import StaleDataError
    ref, _ = planned_and_referred(somchai, kanya, services)
    (asked,) = somchai.received()
    somchai.taps(data_of(asked, "ยินยอมให้ส่งต่อ"))
    somchai.received()
    referral = referral_of(services, ref)
    actors = {}
    for name, user in (("nok", nok), ("pim", pim)):
        with services.uow() as uow:
            from casework import actors as made
            actors[name] = made.of_line_user(uow.session, user.user_id)
    first, second = services.uow(), services.uow()
    with first as one, second as two:
        env_one = Env(one.session, one.sealer, services.clock(), services.rules)
        env_two = Env(two.session, two.sealer, services.clock(), services.rules)
        handling.show(env_two, actors["pim"], referral.id)  # Pim has it open
        handling.accept(env_one, actors["nok"], referral.id, referral.version)
        one.commit()
        with pytest.raises((ReferralChanged, StaleDataError)):  # re-read and told, or caught writing
            handling.decline(env_two, actors["pim"], referral.id, "ไม่ใช่งานของเรา", referral.version)
            two.session.flush()
    assert referral_of(services, ref).status == "accepted"


def test_where_no_agency_covers_the_area_the_coordinator_is_told_and_picks_one(
        client, somchai, kanya, prasert, services, standin, pilot_agencies):
    ref = ask_for_help(somchai, "การศึกษา", "ลูกไม่มีเงินค่าเทอม")
    kanya.received()
    with services.uow() as uow:
        from casework import accounts, actors
        from casework.agencies import AgencySpec, ServiceLevel
        agencies.apply(uow.session, uow.sealer, AgencySpec("EDU-47", "สำนักงานการศึกษาสกลนคร", "education",
                                                           (ServiceLevel("education", 5, 30),), ("47",)),
                       actor="test", now=services.clock())
        case = uow.session.scalar(select(Case).where(Case.ref == ref))
        leader = actors.of_line_user(uow.session, kanya.user_id)
        sent = handling.refer(Env(uow.session, uow.sealer, services.clock(), services.rules), leader, case.id,
                              "education")
        assert sent.referral.status == "routing" and [r.line_id for r in sent.coordinators] == [prasert.user_id]
        uow.commit()
        del accounts
    prasert.send(le.postback_event(prasert.source(), prasert.reply_token(), f"a=rroute&id={sent.referral.id}"))
    heading, choices = prasert.received()
    (card,) = [bubble for bubble in choices["contents"]["contents"]
               if "สำนักงานการศึกษาสกลนคร" in json.dumps(bubble, ensure_ascii=False)]
    prasert.taps(flex_data(card, "เลือก"))
    prasert.received()
    assert referral_of(services, ref).status == "consent"
    assert "สำนักงานการศึกษาสกลนคร" in somchai.received()[-1]["altText"]
