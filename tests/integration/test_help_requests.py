"""The issue's story in chat: a linked household asks for help with words, a photo and its
location, gets a reference number to quote, and follows its requests; its leader is told,
takes the request up and answers; a leader of another area hears nothing and is refused;
words the bot does not understand are handed to the leader instead of being lost."""
from __future__ import annotations

import re
import threading

import pytest
import requests
from sqlalchemy import func, select, update

from bot import worker
from bot.dev import line_events as le
from casework import audit, cases
from casework.models import Attachment, AuditEntry, Case, CaseUpdate, Counter, Household, InboxEvent
from casework.sealing import open_from
from messages.dates import format_date
from tests import registry_data
from tests.conftest import LineUser, drain

STICKER = {"type": "sticker", "id": "9", "packageId": "446", "stickerId": "1988"}
REFUSED = "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"


@pytest.fixture
def household_id(services):
    return registry_data.household(services)


@pytest.fixture
def somchai(client, services, standin, kanya, household_id):
    """A household member whose LINE his leader linked to his household."""
    user = LineUser("U" + "1" * 32, client, services, standin)
    user.taps("a=consent&v=yes")
    user.received()
    kanya.taps(f"a=link&id={household_id}")
    code = kanya.received()[0]["text"].splitlines()[-1]
    user.says(code)
    assert user.received()[0]["text"].startswith("เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")
    assert kanya.received()[0]["altText"] == "ครัวเรือนเชื่อม LINE แล้ว"  # the leader hears it
    return user


@pytest.fixture
def malai(client, services, standin):
    """Someone who agreed to the privacy notice but whose LINE is linked to no household."""
    user = LineUser("U" + "2" * 32, client, services, standin)
    user.taps("a=consent&v=yes")
    user.received()
    return user


def data_of(message, label):
    """The postback data of the quick reply or button with this label."""
    actions = [item["action"] for item in message.get("quickReply", {}).get("items", [])]
    if message.get("type") == "flex":
        actions += [button["action"] for button in message["contents"].get("footer", {}).get("contents", [])]
    return next(action["data"] for action in actions if action.get("label") == label)


def labels(message):
    return [item["action"]["label"] for item in message["quickReply"]["items"]]


def send_photo(user, standin, message_id):
    picture = b"\x89PNG\r\n\x1a\n" + b"flooded-kitchen" * 50
    requests.post(f"{standin.url}/_standin/content/{message_id}", data=picture,
                  headers={"Content-Type": "image/png"}, timeout=5).raise_for_status()
    user.send(le.message(user.source(), user.reply_token(), {"type": "image", "id": message_id}))
    return picture


def send_location(user, latitude=16.4322, longitude=103.5061):
    user.send(le.message(user.source(), user.reply_token(), {"type": "location", "id": "5", "latitude": latitude,
                                                             "longitude": longitude, "address": "x"}))


def ask_for_help(user, need_label="สุขภาพ", words=None):
    """Through the chat: "Ask for help", a need, maybe words, "Send request"; the reference number."""
    user.taps("a=help_request")
    (question,) = user.received()
    user.taps(data_of(question, need_label))
    user.received()
    if words:
        user.says(words)
        user.received()
    user.taps("a=hr&send=1")
    (sent,) = user.received()
    return re.search(r"KJ-\d{4}-\d{6}", sent["text"]).group(0)


def count(services, model) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_a_linked_household_asks_for_help_with_words_a_photo_and_its_location(somchai, kanya, dao, services,
                                                                             standin, household_id):
    somchai.taps("a=help_request")
    (question,) = somchai.received()
    assert question["text"].startswith("ต้องการความช่วยเหลือเรื่องใด")
    assert labels(question) == ["เงินหรืออาหาร", "สุขภาพ", "ที่อยู่อาศัย", "งานและอาชีพ", "การศึกษา",
                                "ดูแลผู้สูงอายุ/พิการ", "เรื่องอื่น", "ยกเลิก"]
    somchai.taps(data_of(question, "สุขภาพ"))
    (details,) = somchai.received()
    assert "เรื่องที่ขอความช่วยเหลือ: สุขภาพ" in details["text"]
    assert [item["action"]["type"] for item in details["quickReply"]["items"]] == [
        "postback", "camera", "cameraRoll", "location", "postback"]

    somchai.says("แม่ป่วยติดเตียง ต้องการรถเข็น")
    assert somchai.received()[0]["text"].startswith("เพิ่มข้อความแล้ว")
    picture = send_photo(somchai, standin, "777001")
    assert somchai.received()[0]["text"].startswith("เพิ่มรูปแล้ว (1 จาก 5 รูป)")
    send_location(somchai)
    assert somchai.received()[0]["text"].startswith("เพิ่มตำแหน่งแล้ว")
    assert count(services, Case) == 0  # nothing is written before "Send request"

    somchai.taps(data_of(details, "ส่งคำขอ"))
    (sent,) = somchai.received()
    year = cases.ref_year(services.clock())
    assert year == services.clock().year + 543
    ref = re.search(rf"KJ-{year}-\d{{6}}", sent["text"]).group(0)
    assert sent["text"].startswith("ส่งคำขอถึงผู้นำชุมชนแล้ว")

    (notice,) = kanya.received()
    assert notice["altText"] == f"คำขอใหม่ {ref}"
    assert "สุขภาพ" in str(notice["contents"]) and "หมู่ 5" in str(notice["contents"])
    assert "รถเข็น" not in str(notice)  # the household's words only in the case, opened on purpose
    assert dao.received() == []

    dao.taps(data_of(notice, "เปิดดู"))
    assert dao.received()[0]["text"] == REFUSED
    kanya.taps(data_of(notice, "เปิดดู"))
    (card,) = kanya.received()
    body = str(card["contents"]["body"])
    assert "แม่ป่วยติดเตียง ต้องการรถเข็น" in body
    assert "ตำแหน่ง: บันทึกแล้ว · รูปถ่าย: 1" in body
    assert "ส่งแล้ว รอผู้นำชุมชนรับเรื่อง" in body

    assert worker.fetch_one_photo(services)
    with services.uow() as uow:
        case = uow.session.scalars(select(Case)).one()
        assert (case.ref, case.need, case.status, case.household_id) == (ref, "health", "new", household_id)
        assert "รถเข็น".encode() not in case.details
        assert open_from(services.sealer, case, "details")["text"] == "แม่ป่วยติดเตียง ต้องการรถเข็น"
        assert open_from(services.sealer, case, "location") == {"lat": 16.4322, "lng": 103.5061}
        photo = uow.session.scalars(select(Attachment)).one()
        assert (photo.case_id, photo.household_id, photo.status) == (case.id, household_id, "stored")
        assert open_from(services.sealer, photo, "content", as_json=False) == picture
        assert [c.action for c in audit.history(uow.session, uow.sealer, entity="case", entity_id=case.id)] == [
            "case.opened"]


def test_my_requests_shows_each_request_with_its_status_and_last_update(somchai, kanya, services):
    first = ask_for_help(somchai, "เงินหรืออาหาร", "ข้าวสารหมด")
    second = ask_for_help(somchai, "การศึกษา")
    assert int(second[-6:]) == int(first[-6:]) + 1
    notices = kanya.received()
    take_up = data_of(notices[0], "เปิดดู").replace("a=case", "a=cack")
    kanya.taps(take_up)
    assert kanya.received()[0]["text"] == f"คุณรับเรื่อง {first} แล้ว แจ้งครัวเรือนให้ทราบแล้ว"
    assert somchai.received()[0]["text"] == f"ผู้นำชุมชนรับเรื่องคำขอ {first} ของคุณแล้ว"

    somchai.taps("a=my_requests")
    (listing,) = somchai.received()
    assert listing["altText"] == "คำขอของคุณ (2)"
    bubbles = {str(b["header"]): b for b in listing["contents"]["contents"]}
    taken, waiting = (next(b for header, b in bubbles.items() if ref in header) for ref in (first, second))
    today = format_date(services.clock().astimezone(cases.THAILAND), "th", short=True)
    assert "สถานะ: ผู้นำชุมชนรับเรื่องแล้ว" in str(taken["body"])
    assert f"อัปเดตล่าสุด: {today} ผู้นำชุมชนรับเรื่องแล้ว" in str(taken["body"])
    assert "เงินหรืออาหาร" in str(taken["body"])
    assert "สถานะ: ส่งแล้ว รอผู้นำชุมชนรับเรื่อง" in str(waiting["body"])
    assert f"อัปเดตล่าสุด: {today} ส่งคำขอแล้ว" in str(waiting["body"])
    assert all([button["action"]["label"] for button in bubble["footer"]["contents"]] == ["ประวัติ"]
               for bubble in bubbles.values())  # read-only: its history, nothing to change


def test_a_leader_closes_a_request_after_asking_once(somchai, kanya, services):
    ref = ask_for_help(somchai)
    (notice,) = kanya.received()
    close = data_of(notice, "เปิดดู").replace("a=case", "a=cclose")
    kanya.taps(close)
    (question,) = kanya.received()
    assert question["text"].startswith(f"ปิดเรื่อง {ref} หรือไม่")
    with services.uow() as uow:
        assert uow.session.scalars(select(Case)).one().status == "new"
    kanya.taps(close + "&ok=1")  # no outcome: asked again
    assert kanya.received()[0]["text"].startswith(f"ปิดเรื่อง {ref} หรือไม่")
    kanya.taps(data_of(question, "แก้ไขได้แล้ว"))
    assert kanya.received()[0]["text"].startswith("ปิดเรื่องแล้ว")
    told = somchai.received()[0]["text"]
    assert told.startswith(f"ผู้นำชุมชนปิดเรื่องคำขอ {ref}") and "ผลลัพธ์: ปัญหาของคุณแก้ไขได้แล้ว" in told
    kanya.taps(close + "&ok=1&o=helped")
    assert kanya.received()[0]["text"] == 'ไม่มีการเปลี่ยนแปลง คำขอนี้มีสถานะ "แก้ไขแล้ว" อยู่แล้ว'
    with services.uow() as uow:
        assert (uow.session.scalars(select(Case)).one().status, uow.session.scalars(select(Case)).one().outcome) \
            == ("resolved", "helped")
    somchai.taps("a=my_requests")
    assert "สถานะ: แก้ไขแล้ว" in str(somchai.received())


def test_leaders_find_every_open_request_of_their_area_even_without_the_push(somchai, kanya, dao, prasert,
                                                                             services):
    kanya.taps("a=open_cases")
    assert kanya.received()[0]["text"] == "ไม่มีคำขอความช่วยเหลือที่ยังเปิดอยู่ในพื้นที่ของคุณ"
    first, second = ask_for_help(somchai, "เงินหรืออาหาร"), ask_for_help(somchai, "การศึกษา")
    kanya.received()

    for staff in (kanya, prasert):
        staff.taps("a=open_cases")
        heading, carousel = staff.received()
        assert heading["text"] == "คำขอที่ยังเปิดอยู่ 2 เรื่อง"
        cards = carousel["contents"]["contents"]
        assert [card["header"]["contents"][0]["text"] for card in cards] == [first, second]
    kanya.taps(data_of({"type": "flex", "contents": cards[0]}, "เปิดดู"))
    assert kanya.received()[0]["altText"] == first

    dao.taps("a=open_cases")
    assert dao.received()[0]["text"] == "ไม่มีคำขอความช่วยเหลือที่ยังเปิดอยู่ในพื้นที่ของคุณ"
    somchai.taps("a=open_cases")
    assert somchai.received()[0]["text"] == REFUSED

    with services.uow() as uow:
        case = uow.session.scalars(select(Case).where(Case.ref == first)).one()
        cases.add_update(uow.session, uow.sealer, case, kind="closed", by=case.opened_by, now=services.clock(),
                         outcome="duplicate")
        uow.commit()
    kanya.taps("a=open_cases")
    heading, carousel = kanya.received()
    assert heading["text"] == "คำขอที่ยังเปิดอยู่ 1 เรื่อง" and first not in str(carousel) and second in str(carousel)


@pytest.mark.parametrize("step, wrong", [
    ("need", "text"), ("need", "sticker"), ("details", "sticker"), ("details", "video")])
def test_the_wrong_kind_of_answer_mid_request_is_said_plainly_and_the_question_asked_again(somchai, services,
                                                                                         step, wrong):
    somchai.taps("a=help_request")
    (question,) = somchai.received()
    if step == "details":
        somchai.taps(data_of(question, "ที่อยู่อาศัย"))
        somchai.received()
    if wrong == "text":
        somchai.says("อยากได้เงินช่วยค่าเทอม")
    elif wrong == "sticker":
        somchai.send(le.message(somchai.source(), somchai.reply_token(), STICKER))
    else:
        somchai.send(le.message(somchai.source(), somchai.reply_token(),
                                {"type": "video", "id": "31", "duration": 1000,
                                 "contentProvider": {"type": "line"}}))
    problem, again = somchai.received()
    if step == "need":
        expected = "กรุณาเลือกเรื่องที่ต้องการความช่วยเหลือจากปุ่มด้านล่าง" if wrong == "text" \
            else "แนบสติกเกอร์หรือข้อความประเภทนี้กับคำขอไม่ได้ค่ะ"
        assert problem["text"] == expected
        assert again["text"].startswith("ต้องการความช่วยเหลือเรื่องใด") and len(labels(again)) == 8
    else:
        assert problem["text"] == "แนบสติกเกอร์หรือข้อความประเภทนี้กับคำขอไม่ได้ค่ะ"
        assert "เรื่องที่ขอความช่วยเหลือ: ที่อยู่อาศัย" in again["text"] and "ส่งคำขอ" in labels(again)
    assert count(services, Case) == 0


def test_a_typed_need_and_a_typed_send_count_as_taps(somchai, kanya):
    somchai.taps("a=help_request")
    somchai.received()
    somchai.says("ที่อยู่อาศัย")
    assert "เรื่องที่ขอความช่วยเหลือ: ที่อยู่อาศัย" in somchai.received()[0]["text"]
    somchai.says("ส่งคำขอ")
    assert "เลขที่อ้างอิง: KJ-" in somchai.received()[0]["text"]
    assert kanya.received()[0]["altText"].startswith("คำขอใหม่ KJ-")


def test_cancelling_sends_nothing(somchai, kanya, services):
    somchai.taps("a=help_request")
    (question,) = somchai.received()
    somchai.taps(data_of(question, "เงินหรืออาหาร"))
    somchai.received()
    somchai.says("ค่าไฟค้าง")
    (details,) = somchai.received()
    somchai.taps(data_of(details, "ยกเลิก"))
    assert somchai.received()[0]["text"] == "ยกเลิกแล้ว ยังไม่ได้ส่งคำขอ"
    somchai.taps("a=hr&send=1")  # an old button
    assert somchai.received()[0]["text"].startswith("ปุ่มนี้ไม่ได้ใช้งานแล้ว")
    assert count(services, Case) == 0 and kanya.received() == []


@pytest.mark.parametrize("action", ["help_request", "my_requests"])
def test_someone_not_linked_is_told_how_to_link_or_register(malai, services, action):
    malai.taps(f"a={action}")
    (answer,) = malai.received()
    assert answer["text"].startswith("การขอความช่วยเหลือหรือติดตามคำขอ ต้องเชื่อม LINE")
    assert "ผู้นำชุมชนจะเชื่อมให้เมื่อพบกัน" in answer["text"]
    assert data_of(answer, "ลงทะเบียนครัวเรือน") == "a=register_self"
    malai.taps("a=hr&need=health")
    malai.taps("a=hr&send=1")
    assert count(services, Case) == 0


def test_words_the_bot_does_not_understand_reach_the_leader_and_the_answer_comes_back(somchai, kanya, dao,
                                                                                     services):
    somchai.says("ข้าวหมดแล้ว")
    (offer,) = somchai.received()
    assert offer["text"].startswith("ขออภัยค่ะ ยังไม่เข้าใจข้อความนี้ ต้องการส่งข้อความนี้ถึงผู้นำชุมชน")
    assert labels(offer) == ["ส่งถึงผู้นำชุมชน", "ไม่ต้องส่ง"]
    somchai.says("ลูกไม่สบายด้วย")  # people write in several bubbles
    (again,) = somchai.received()
    assert again["text"].startswith("เพิ่มในข้อความของคุณแล้ว")
    somchai.taps(data_of(again, "ส่งถึงผู้นำชุมชน"))
    (sent,) = somchai.received()
    ref = re.search(r"KJ-\d{4}-\d{6}", sent["text"]).group(0)
    assert sent["text"].startswith("ส่งถึงผู้นำชุมชนแล้ว")

    (notice,) = kanya.received()
    assert notice["altText"] == f"ข้อความจากครัวเรือน ({ref})"
    assert "ข้าวหมดแล้ว\\nลูกไม่สบายด้วย" in str(notice["contents"]["body"])
    assert dao.received() == []
    dao.taps(data_of(notice, "ตอบกลับ"))
    assert dao.received()[0]["text"] == REFUSED

    kanya.taps(data_of(notice, "ตอบกลับ"))
    assert kanya.received()[0]["text"].startswith(f"พิมพ์คำตอบถึงครัวเรือน ({ref})")
    kanya.says("พรุ่งนี้เช้าจะเอาข้าวสารไปให้ค่ะ")
    assert kanya.received()[0]["text"] == "ส่งถึงครัวเรือนแล้ว"
    (answer,) = somchai.received()
    assert answer["text"] == f"ผู้นำชุมชน กันยา ตอบเรื่อง {ref}:\nพรุ่งนี้เช้าจะเอาข้าวสารไปให้ค่ะ"

    with services.uow() as uow:
        case = uow.session.scalars(select(Case)).one()
        assert (case.need, case.status) == ("message", "triaged")
        relayed = uow.session.scalars(select(CaseUpdate).where(CaseUpdate.kind == "relayed")).one()
        assert "ข้าวสาร".encode() not in relayed.note
        assert open_from(services.sealer, relayed, "note") == {"text": "พรุ่งนี้เช้าจะเอาข้าวสารไปให้ค่ะ"}

    kanya.says("สวัสดีค่ะ")  # the answer was sent: the leader's next words are hers again
    assert kanya.received()[0]["text"].startswith("ขออภัยค่ะ ยังไม่เข้าใจข้อความนี้ กรุณาเลือก")
    assert somchai.received() == []

    somchai.says("ขอบคุณมากครับ")  # a follow-up joins the open conversation
    somchai.received()
    somchai.taps("a=handoff&send=1")
    assert ref in somchai.received()[0]["text"]
    (more,) = kanya.received()
    assert more["altText"] == f"ข้อความจากครัวเรือน ({ref})" and "ขอบคุณมากครับ" in str(more)
    assert count(services, Case) == 1


def test_declining_the_hand_off_keeps_nothing(somchai, kanya, services):
    somchai.says("ฝนตกหนักมาก")
    (offer,) = somchai.received()
    somchai.send(le.message(somchai.source(), somchai.reply_token(), STICKER))
    please, again = somchai.received()
    assert please["text"] == "กรุณาแตะปุ่มเพื่อเลือกว่าจะส่งข้อความถึงผู้นำชุมชนหรือไม่"
    somchai.taps(data_of(again, "ไม่ต้องส่ง"))
    assert somchai.received()[0]["text"].startswith("ได้ค่ะ ไม่ได้ส่งข้อความนี้")
    assert count(services, Case) == 0 and kanya.received() == []


def test_someone_not_linked_keeps_todays_answer_to_words_not_understood(malai, services):
    malai.says("ข้าวหมดแล้ว")
    (answer,) = malai.received()
    assert answer["text"] == "ขออภัยค่ะ ยังไม่เข้าใจข้อความนี้ กรุณาเลือกจากปุ่มด้านล่าง"
    malai.taps("a=handoff&send=1")
    assert malai.received()[0]["text"].startswith("ปุ่มนี้ไม่ได้ใช้งานแล้ว")
    assert count(services, Case) == 0


def test_a_leader_of_another_area_and_other_households_are_refused_everything(somchai, kanya, dao, malai,
                                                                              services, caplog):
    ask_for_help(somchai, "สุขภาพ", "ปวดหลัง")
    with services.uow() as uow:
        case_id = uow.session.scalars(select(Case.id)).one()
    for user in (dao, malai):
        for data in (f"a=case&id={case_id}", f"a=cack&id={case_id}", f"a=creply&id={case_id}",
                     f"a=cclose&id={case_id}&ok=1&o=helped"):
            user.taps(data)
            assert user.received()[0]["text"] == REFUSED
    refusals = [r for r in caplog.records if r.getMessage() == "refused"]
    assert len(refusals) == 8
    with services.uow() as uow:
        case = uow.session.get(Case, case_id)
        assert case.status == "new"
        assert uow.session.scalar(select(func.count()).select_from(CaseUpdate)) == 1  # "opened" only


def test_a_group_chat_never_opens_a_request(kanya, somchai, services, client, standin):
    ask_for_help(somchai)
    with services.uow() as uow:
        case_id = uow.session.scalars(select(Case.id)).one()
    in_group = LineUser(kanya.user_id, client, services, standin, group_id="C" + "5" * 32)
    in_group.taps(f"a=case&id={case_id}")
    assert in_group.received()[0]["text"].startswith("ข้อมูลส่วนบุคคลแสดงเฉพาะในแชตส่วนตัว")


def test_a_failure_while_sending_saves_nothing_and_spends_no_number(somchai, kanya, services, standin,
                                                                    monkeypatch):
    from casework import registry

    somchai.taps("a=help_request")
    (question,) = somchai.received()
    somchai.taps(data_of(question, "ที่อยู่อาศัย"))
    somchai.received()
    send_photo(somchai, standin, "777009")
    somchai.received()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "add_photo", broken)
    somchai.taps("a=hr&send=1")
    drain(services)
    assert count(services, Case) == 0 and count(services, Attachment) == 0 and count(services, Counter) == 0
    assert kanya.received() == []
    monkeypatch.undo()

    with services.uow() as uow:  # the worker's retry comes now rather than after its back-off
        uow.session.execute(update(InboxEvent).where(InboxEvent.status == "pending")
                            .values(next_attempt_at=services.clock()))
        uow.commit()
    (sent,) = somchai.received()  # the request in progress was kept: the retry sends it
    assert f"KJ-{cases.ref_year(services.clock())}-000001" in sent["text"]
    assert count(services, Case) == 1 and count(services, Attachment) == 1


def test_reference_numbers_are_unique_and_sequential_when_opened_at_once(services):
    """Eight workers opening requests at the same moment never share a number and skip none."""
    household_id = registry_data.household(services)
    registry_data.village(services)
    from casework import accounts

    with services.uow() as uow:
        account_id = accounts.get_or_create(uow.session, "U" + "3" * 32, services.clock()).id
        uow.commit()
    start = threading.Barrier(8)
    refs: list[str] = []
    errors: list[BaseException] = []

    def open_some() -> None:
        try:
            start.wait()
            for _ in range(5):
                with services.uow() as uow:
                    household = uow.session.get(Household, household_id)
                    case = cases.open_case(uow.session, uow.sealer, household=household, need="other",
                                           account_id=account_id, now=services.clock())
                    uow.commit()
                    refs.append(case.ref)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_some) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    year = cases.ref_year(services.clock())
    assert sorted(refs) == [f"KJ-{year}-{n:06d}" for n in range(1, 41)]


@pytest.mark.backends("postgresql")
def test_two_processes_creating_the_years_first_number_at_once_get_one_and_two(services):
    """The year's counter does not exist yet and two transactions both find it missing."""
    first = services.uow().__enter__()
    try:
        assert cases.next_ref(first.session, services.clock()).endswith("-000001")  # inserted, not committed
        result: list[str] = []
        second = threading.Thread(target=lambda: result.append(_next_ref_in_own_transaction(services)))
        second.start()
        second.join(1.0)
        assert second.is_alive()  # waits on the first one's insert
        first.commit()
        second.join(10)
        assert result and result[0].endswith("-000002")
    finally:
        first.__exit__(None, None, None)


def _next_ref_in_own_transaction(services) -> str:
    with services.uow() as uow:
        ref = cases.next_ref(uow.session, services.clock())
        uow.commit()
        return ref


def test_a_leaders_words_long_after_tapping_reply_are_not_relayed(somchai, kanya, services):
    from datetime import timedelta

    from casework import conversations

    somchai.says("น้ำท่วมบ้าน")
    somchai.received()
    somchai.taps("a=handoff&send=1")
    somchai.received()
    (notice,) = kanya.received()
    kanya.taps(data_of(notice, "ตอบกลับ"))
    kanya.received()
    with services.uow() as uow:  # an hour passes before she types
        conversation = conversations.load(uow.session, uow.sealer, kanya.user_id)
        conversation.top.state["at"] = (services.clock() - timedelta(hours=1)).isoformat()
        conversations.store(uow.session, uow.sealer, kanya.user_id, conversation, services.clock())
        uow.commit()
    kanya.says("ไปกินข้าวกันไหม")
    (answer,) = kanya.received()
    assert answer["text"].startswith("ยังไม่ได้ส่งถึงครัวเรือน")
    assert somchai.received() == []
    with services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(CaseUpdate)
                                  .where(CaseUpdate.kind == "relayed")) == 0


def test_a_request_carries_at_most_five_photos(somchai, standin, services):
    somchai.taps("a=help_request")
    (question,) = somchai.received()
    somchai.taps(data_of(question, "ที่อยู่อาศัย"))
    somchai.received()
    for number in range(5):
        send_photo(somchai, standin, f"77710{number}")
        somchai.received()
    send_photo(somchai, standin, "777199")
    problem, again = somchai.received()
    assert problem["text"] == "แนบรูปได้สูงสุด 5 รูปต่อคำขอ" and "ส่งคำขอ" in labels(again)
    somchai.taps("a=hr&send=1")
    somchai.received()
    with services.uow() as uow:
        case_id = uow.session.scalars(select(Case.id)).one()
        assert uow.session.scalar(select(func.count()).select_from(Attachment)
                                  .where(Attachment.case_id == case_id)) == 5


def test_an_unsent_message_takes_its_words_out_of_the_request(somchai, services):
    """A household that takes a message back in LINE takes its words out of its request for
    help, while the request is being written and after it was sent."""
    def words(text: str, message_id: str):
        content = {**le.text_message(text), "id": message_id}
        somchai.send(le.message(somchai.source(), somchai.reply_token(), content))
        somchai.received()

    def unsend(message_id: str):
        somchai.send(le.event("unsend", somchai.source(), unsend={"messageId": message_id}))
        somchai.received()

    def details() -> dict:
        with services.uow() as uow:
            case = uow.session.scalars(select(Case)).one()
            return open_from(uow.sealer, case, "details") if case.details else {}

    somchai.taps("a=help_request")
    (question,) = somchai.received()
    somchai.taps(data_of(question, "สุขภาพ"))
    somchai.received()
    words("แม่ป่วยติดเตียง", "700001")
    words("พิมพ์ผิดไปแล้ว", "700002")
    unsend("700002")
    words("ต้องการรถเข็น", "700003")
    somchai.taps("a=hr&send=1")
    somchai.received()
    assert details()["text"] == "แม่ป่วยติดเตียง\nต้องการรถเข็น"

    unsend("700003")
    assert details()["text"] == "แม่ป่วยติดเตียง"
    unsend("700001")
    assert details() == {}
    with services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "case.details_unsent")) == 2
