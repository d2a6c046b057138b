"""Follow-up visits and timelines in chat: a leader logs a visit with words, a photo, a
voice note and the place, and when to go back; a later visit moves that day; the
household's history shows it to the leader, and the household sees its request's history
without the leader's notes. Wrong input is answered and the question asked again."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.dev import line_events as le
from casework import visits
from casework.models import Attachment, Case, Visit
from casework.sealing import open_from
from casework.thai_time import thai_today
from tests import registry_data
from tests.integration.test_help_requests import ask_for_help, send_location, send_photo
from tests.integration.test_help_requests import household_id, somchai  # noqa: F401  (fixtures)
from tests.integration.test_referrals_chat import flex_data

REFUSED = "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"
STICKER = {"type": "sticker", "id": "9", "packageId": "446", "stickerId": "1988"}


def quick_data(message, label):
    return next(item["action"]["data"] for item in message["quickReply"]["items"]
                if item["action"].get("label") == label)


def test_a_leader_logs_a_visit_and_a_later_one_moves_the_next_date(kanya, dao, services, standin,
                                                                  household_id):  # noqa: F811
    kanya.taps(f"a=hh&id={household_id}")
    (card,) = kanya.received()
    kanya.taps(flex_data(card, "บันทึกการเยี่ยม"))
    (asked,) = kanya.received()
    assert asked["text"].startswith("บันทึกการเยี่ยม")
    kanya.says("หลังคาซ่อมแล้ว ยายยังไม่ได้เบี้ยผู้สูงอายุ")
    assert kanya.received()[0]["text"].startswith("จดไว้แล้ว")
    send_photo(kanya, standin, "880001")
    assert kanya.received()[0]["text"].startswith("เก็บรูปแล้ว")
    kanya.send(le.message(kanya.source(), kanya.reply_token(), {"type": "audio", "id": "880002", "duration": 4000}))
    assert kanya.received()[0]["text"].startswith("เก็บข้อความเสียงแล้ว")
    send_location(kanya)
    assert kanya.received()[0]["text"].startswith("เก็บตำแหน่งแล้ว")
    kanya.send(le.message(kanya.source(), kanya.reply_token(), STICKER))
    assert kanya.received()[0]["text"].startswith("การเยี่ยมเก็บได้เฉพาะ")

    kanya.taps(quick_data(asked, "เสร็จ"))
    (when,) = kanya.received()
    kanya.taps(quick_data(when, "อีก 2 สัปดาห์"))
    (saved,) = kanya.received()
    assert saved["text"].startswith("บันทึกการเยี่ยมแล้ว เยี่ยมครั้งถัดไป")
    today = thai_today(services.clock())
    with services.uow() as uow:
        visit = uow.session.scalars(select(Visit)).one()
        assert open_from(uow.sealer, visit, "note")["text"].startswith("หลังคาซ่อมแล้ว")
        assert open_from(uow.sealer, visit, "location") is not None
        assert uow.session.scalar(select(Attachment.id).where(Attachment.visit_id == visit.id).limit(1))
        assert len(uow.session.scalars(select(Attachment).where(Attachment.visit_id == visit.id)).all()) == 2
        assert visits.next_visit(uow.session, household_id) == today + timedelta(days=14)

    kanya.taps(f"a=vlog&h={household_id}")
    kanya.received()
    kanya.taps("a=vnext")
    kanya.received()
    kanya.taps("a=vsave&n=30")
    assert kanya.received()[0]["text"].startswith("ยังไม่มีอะไรให้บันทึก")  # nothing told yet
    kanya.says("นัดไปพร้อม อบต. สัปดาห์หน้า")
    kanya.received()
    kanya.send(le.postback_event(kanya.source(), kanya.reply_token(), "a=vsave",
                                 params={"date": (today - timedelta(days=1)).isoformat()}))
    assert kanya.received()[0]["text"] == "วันนั้นผ่านไปแล้ว กรุณาเลือกวันข้างหน้า"
    kanya.send(le.postback_event(kanya.source(), kanya.reply_token(), "a=vsave",
                                 params={"date": (today + timedelta(days=5)).isoformat()}))
    kanya.received()
    with services.uow() as uow:
        assert visits.next_visit(uow.session, household_id) == today + timedelta(days=5)  # moved, not the old one

    kanya.taps(f"a=vtl&h={household_id}")
    (history,) = kanya.received()
    assert history["text"].startswith("ประวัติ ล่าสุดก่อน")
    assert "ลงเยี่ยม" in history["text"] and "นัดไปพร้อม อบต." in history["text"]

    dao.taps(f"a=vlog&h={household_id}")
    assert dao.received()[0]["text"] == REFUSED
    dao.taps(f"a=vtl&h={household_id}")
    assert dao.received()[0]["text"] == REFUSED


def test_the_household_reads_its_requests_history_without_the_leaders_notes(somchai, kanya, services):  # noqa: F811
    ref = ask_for_help(somchai, "สุขภาพ", "ปวดหลัง")
    kanya.received()
    with services.uow() as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.ref == ref))
    kanya.taps(f"a=vlog&c={case_id}")
    kanya.received()
    kanya.says("ลุงดื่มหนัก ต้องคุยกับลูกสาว")
    kanya.received()
    kanya.taps("a=vsave&n=7")
    assert ref in kanya.received()[0]["text"]

    kanya.taps(f"a=vtl&c={case_id}")
    assert "ลุงดื่มหนัก" in kanya.received()[0]["text"]
    somchai.taps("a=my_requests")
    (listing,) = somchai.received()
    somchai.taps(flex_data(listing, "ประวัติ"))
    (history,) = somchai.received()
    assert "ลงเยี่ยม" in history["text"] and "ลุงดื่มหนัก" not in history["text"]


def test_a_visit_for_a_household_of_another_area_is_never_started(dao, services, household_id):  # noqa: F811
    dao.taps(f"a=vlog&h={household_id}")
    assert dao.received()[0]["text"] == REFUSED
    with services.uow() as uow:
        assert uow.session.scalar(select(Visit.id)) is None


def test_visit_note_history_opens_for_a_registry_household(kanya, services):
    home = registry_data.household(services, house_no="99")
    kanya.taps(f"a=vtl&h={home}")
    assert kanya.received()[0]["text"].startswith("ยังไม่มีการบันทึก")
