"""A walk through the simulator on the household side, on the demo's data: what Malai and
Somchai notice, and what the coordinator who handles their requests notices."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot import worker
from bot.dev.demo.seed import seed
from casework import accounts
from casework.models import Attachment, Task
from casework.sealing import open_from
from tests.simulator.chat import Chat, actions, texts
from tests.simulator.test_household_chat_story import household_at, linked_somchai
from tests.simulator.test_registration_story import register
from tests.simulator.test_simulator import CAST, HOUSEHOLD, LEADER, drain

MALAI = next(p for p in CAST.people if p.key == "household2")
COORDINATOR = next(p for p in CAST.people if p.key == "coordinator")
BUDDHIST_DATE = re.compile(r"\d{1,2} \S+ 25\d\d")  # 4 ธันวาคม 2569: the Buddhist era
REGISTER = "ลงทะเบียนครัวเรือน"


def offered(messages: list[dict]) -> str:
    """Every word a batch of messages shows: texts, cards and the labels of their buttons."""
    return "\n".join(message.get("text", "") + texts(message.get("contents")) + "\n" + "\n".join(actions(message))
                     for message in messages)


def ask_to_correct_the_phone(somchai: Chat, typed: str) -> dict:
    """Somchai asks to correct Somsri's phone number, no photo; the summary to send."""
    (mine,) = somchai.send("postback", data="a=my_data")
    (whose,) = somchai.tap(mine, "ขอแก้ไขข้อมูล")
    (which,) = somchai.tap(whose, "สมศรี ใจ.")
    somchai.tap(which, "เบอร์โทรศัพท์")
    (document,) = somchai.send("text", text=typed)
    (summary,) = somchai.tap(document, "ข้าม")
    return summary


# ------------------------------------------------------------------ 1. registered, not offered it again


def test_a_household_that_registered_is_not_offered_registration_again(client, services):
    seed(services, CAST)
    malai = Chat(client, services, MALAI)
    malai.send("follow")
    malai.send("postback", data="a=consent&v=yes")
    (registered,) = register(malai, "register_self", "77", "มาลัย ศรีสุข")
    assert registered["text"].startswith("ลงทะเบียนแล้ว")
    assert REGISTER not in offered([registered])
    assert "การลงทะเบียนของฉัน" in actions(registered), "what she can do instead: see where it stands"
    (standing,) = malai.tap(registered, "การลงทะเบียนของฉัน")
    assert "รอผู้นำชุมชน" in standing["text"] and BUDDHIST_DATE.search(standing["text"])

    for shown in (malai.send("postback", data="a=menu"), malai.send("postback", data="a=help"),
                  malai.send("follow"), malai.send("postback", data="a=help_request"),
                  malai.send("postback", data="a=my_requests")):
        assert REGISTER not in offered(shown), offered(shown)
    (help_page,) = malai.send("postback", data="a=help")
    assert "การลงทะเบียนของฉัน" in help_page["text"]
    (asked,) = malai.send("postback", data="a=help_request")  # the rich menu's "Ask for help"
    assert "รอผู้นำชุมชน" in asked["text"]

    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    leader.new_messages()  # the news that Malai registered
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    (code,) = leader.send("postback", data=f"a=link&id={household_at(services, '12')}")
    somchai.send("text", text=code["text"].splitlines()[-1])
    for shown in (somchai.send("postback", data="a=menu"), somchai.send("postback", data="a=help"),
                  somchai.send("follow")):
        assert REGISTER not in offered(shown), offered(shown)


# ------------------------------------------------------------------ 2. a request to correct, sent once


def test_a_second_tap_on_send_says_the_correction_was_already_sent_and_when(client, services):
    _leader, somchai = linked_somchai(client, services)
    summary = ask_to_correct_the_phone(somchai, "๐๘๑-๒๓๔ ๕๖๗๘")
    (sent,) = somchai.tap(summary, "ส่ง")
    assert sent["text"].startswith("ส่งคำขอถึงผู้ประสานงานในพื้นที่แล้ว")
    (again,) = somchai.tap(summary, "ส่ง")
    assert "ไม่ได้ใช้งานแล้ว" not in again["text"] and "ไม่มีสิทธิ์" not in again["text"]
    assert "ส่งคำขอนี้แล้ว" in again["text"] and BUDDHIST_DATE.search(again["text"]), again["text"]
    with services.uow() as uow:
        (task,) = uow.session.scalars(select(Task)).all()  # and nothing was sent twice


def test_a_phone_number_typed_in_thai_digits_with_spaces_and_dashes_is_kept_as_digits(client, services):
    _leader, somchai = linked_somchai(client, services)
    summary = ask_to_correct_the_phone(somchai, "๐๘๑-๒๓๔ ๕๖๗๘")
    assert "0812345678" in texts(summary["contents"])
    somchai.tap(summary, "ส่ง")
    with services.uow() as uow:
        (task,) = uow.session.scalars(select(Task)).all()
        assert open_from(uow.sealer, task, "details")["value"] == "0812345678"


# ------------------------------------------------------------------ 3. the household hears it was handled


def test_the_household_hears_its_correction_was_handled_and_a_second_tap_says_by_whom(client, services):
    _leader, somchai = linked_somchai(client, services)
    somchai.send("postback", data="a=language&set=en")  # Somchai reads English; the coordinator Thai
    somchai.new_messages()
    (mine,) = somchai.send("postback", data="a=my_data")
    (whose,) = somchai.tap(mine, "Ask to correct")
    (which,) = somchai.tap(whose, "สมศรี ใจ.")
    somchai.tap(which, "Phone number")
    (document,) = somchai.send("text", text="0812345678")
    (summary,) = somchai.tap(document, "Skip")
    somchai.tap(summary, "Send")

    prasert = Chat(client, services, COORDINATOR)
    *_news, tasks = prasert.send("postback", data="a=tasks")
    done = actions(tasks)["ทำเสร็จแล้ว"]
    (marked,) = prasert.send("postback", data=done)
    assert marked["text"].startswith("บันทึกว่าดำเนินการเสร็จแล้ว")
    (told,) = somchai.new_messages()
    words = offered([told])
    assert "correct" in words and "handled" in words, words
    assert not re.search("[\u0e00-\u0e7f]", words), "in the household's language"
    (again,) = prasert.send("postback", data=done)
    assert "ไม่มีสิทธิ์" not in again["text"] and "บันทึกว่าดำเนินการเสร็จแล้ว" in again["text"]
    assert "คุณ" in again["text"] and BUDDHIST_DATE.search(again["text"]), again["text"]
    malai = Chat(client, services, MALAI)  # another coordinator of the district, with the old card
    with services.uow() as uow:
        code = accounts.create_invite(uow.session, uow.sealer, role="coordinator", area_code="4601", name="มาลัย",
                                      now=services.clock(), created_by="test")
        uow.commit()
    malai.send("follow")
    malai.send("postback", data="a=consent&v=yes")
    malai.send("text", text=code)
    (late,) = malai.send("postback", data=done)
    assert "ประเสริฐ" in late["text"] and BUDDHIST_DATE.search(late["text"]), late["text"]
    assert somchai.new_messages() == [], "told once"


# ------------------------------------------------------------------ 4. a photo from the simulator


def fetch_photos(services) -> None:
    while worker.fetch_one_photo(services):
        pass
    drain(services)


def test_a_photo_sent_in_the_simulator_is_fetched_by_the_bot_from_line(client, services):
    _leader, somchai = linked_somchai(client, services)
    (mine,) = somchai.send("postback", data="a=my_data")
    (whose,) = somchai.tap(mine, "ขอแก้ไขข้อมูล")
    (which,) = somchai.tap(whose, "สมศรี ใจ.")
    somchai.tap(which, "เบอร์โทรศัพท์")
    somchai.send("text", text="0812345678")
    (summary,) = somchai.send("image")
    somchai.tap(summary, "ส่ง")
    fetch_photos(services)
    with services.uow() as uow:
        (photo,) = uow.session.scalars(select(Attachment)).all()
        assert photo.status == "stored" and photo.size and photo.content_type.startswith("image/")
    assert somchai.new_messages() == [], "nothing lost, nothing to say"


def test_a_photo_that_cannot_be_fetched_is_asked_for_again_in_plain_words(client, services, standin_server):
    _leader, somchai = linked_somchai(client, services)
    (needs,) = somchai.send("postback", data="a=help_request")
    somchai.tap(needs, "ที่อยู่อาศัย")
    somchai.send("text", text="หลังคารั่ว")
    (details,) = somchai.send("image")
    somchai.tap(details, "ส่งคำขอ")
    standin_server.state.add_fault(status=404, times=1, paths=["/v2/bot/message/*/content"])
    fetch_photos(services)
    (told,) = somchai.new_messages()
    assert "ส่งรูป" in told["text"] and "อีกครั้ง" in told["text"], told["text"]
    assert "ขอให้ครัวเรือน" not in told["text"], "said to the household itself, not to a leader"
    assert "ดาวน์โหลด" not in told["text"], "plain words"
