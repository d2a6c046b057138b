"""Issue 11's stories of leaders and coordinators in the simulator, on the demo's data: a
repeated tap says what was done, by whom and when; every hand-over between people is a push
with a button to act; nobody checks, confirms or links their own household, and a check's
second person is never its first; each message is built in its reader's language, and each
role is welcomed and helped with its own words."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.dev.demo.seed import seed
from casework import accounts, registry
from casework.models import Household
from casework.questionnaire import default as questionnaire
from messages.i18n import translator
from tests.simulator.chat import Chat, actions, texts
from tests.simulator.test_simulator import CAST, HOUSEHOLD, LEADER

COORDINATOR = next(p for p in CAST.people if p.key == "coordinator")
MALAI = next(p for p in CAST.people if p.key == "household2")
AGENCY = next(p for p in CAST.people if p.key == "agency")
BUDDHIST_DATE = re.compile(r"\d{1,2} \S+ 25\d\d")  # 4 ธันวาคม 2569: the Buddhist era
LATIN = re.compile("[A-Za-z]")


def household_at(services, village_code: str, house_no: str) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(Household.id).where(
            Household.address_key == registry.address_key(uow.sealer, village_code, house_no)))


def check_everything(chat: Chat, household_id: int) -> list[dict]:
    """Check a household on site: consent, every question answered 2; the summary."""
    chat.send("postback", data=f"a=check&id={household_id}")
    chat.send("postback", data=f"a=sens&id={household_id}&v=yes")
    summary: list[dict] = []
    for item in questionnaire().questions:
        summary = chat.send("postback", data=f"a=ans&id={household_id}&q={item.key}&v=2")
    return summary


def make_leader(services, chat: Chat, village_code: str, name: str) -> list[dict]:
    with services.uow() as uow:
        code = accounts.create_invite(uow.session, uow.sealer, role="leader", area_code=village_code, name=name,
                                      now=services.clock(), created_by="test")
        uow.commit()
    chat.send("follow")
    chat.send("postback", data="a=consent&v=yes")
    return chat.send("text", text=code)


def link(leader: Chat, household: Chat, household_id: int) -> list[dict]:
    (shown,) = leader.send("postback", data=f"a=link&id={household_id}")
    return household.send("text", text=shown["text"].splitlines()[-1])


# ------------------------------------------------------------------ 8. repeated taps


def test_a_second_tap_on_submit_redo_or_confirm_says_what_was_done_by_whom_and_when(client, services):
    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    home = household_at(services, "46010105", "12")
    check_everything(kanya, home)
    (submitted,) = kanya.send("postback", data=f"a=submit&id={home}")
    assert submitted["text"].startswith("ส่งแล้ว")
    for again in ("submit", "redo"):
        (answer,) = kanya.send("postback", data=f"a={again}&id={home}")
        assert "ไม่มีสิทธิ์" not in answer["text"], "not a permission problem"
        assert "ส่งผลสอบทานนี้แล้ว" in answer["text"] and "คุณ" in answer["text"]
        assert BUDDHIST_DATE.search(answer["text"]), answer["text"]

    prasert.new_messages()
    (waiting,) = prasert.send("postback", data="a=review")
    assessment = actions(waiting)["ยืนยัน"]
    (done,) = prasert.send("postback", data=assessment)
    assert done["text"].startswith("ยืนยันแล้ว")
    (again,) = prasert.send("postback", data=assessment)
    assert "ไม่มีสิทธิ์" not in again["text"]
    assert "ยืนยันผลสอบทานนี้แล้ว" in again["text"] and BUDDHIST_DATE.search(again["text"])
    kanya.new_messages()  # the news that it was confirmed
    (late,) = kanya.send("postback", data=f"a=submit&id={home}")  # her old button, after confirmation
    assert "ส่งผลสอบทานนี้แล้ว" in late["text"]


def test_a_second_person_tapping_confirm_after_another_hears_who_confirmed_it(client, services):
    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    malai = Chat(client, services, MALAI)
    make_leader(services, malai, "46010105", "มาลัย")
    home = household_at(services, "46010105", "45/1")
    check_everything(kanya, home)
    kanya.send("postback", data=f"a=submit&id={home}")
    (waiting,) = malai.send("postback", data="a=review")
    confirm = actions(waiting)["ยืนยัน"]
    prasert.send("postback", data=confirm)
    (late,) = malai.send("postback", data=confirm)
    assert "ยืนยันผลสอบทานนี้แล้ว" in late["text"] and "ประเสริฐ" in late["text"]
    assert BUDDHIST_DATE.search(late["text"])


def test_a_second_tap_on_approve_says_the_household_was_already_linked_and_when(client, services):
    from tests.simulator.test_registration_story import register

    seed(services, CAST)
    kanya, malai = Chat(client, services, LEADER), Chat(client, services, MALAI)
    malai.send("follow")
    malai.send("postback", data="a=consent&v=yes")
    register(malai, "register_self", "77", "มาลัย ศรีสุข")
    kanya.new_messages()
    (card,) = kanya.send("postback", data=f"a=hh&id={household_at(services, '46010105', '77')}")
    approve = next(data for data in actions(card).values() if data.startswith("a=approve&"))
    (approved,) = kanya.send("postback", data=approve)
    assert approved["text"].startswith("อนุมัติแล้ว")
    (again,) = kanya.send("postback", data=approve)
    assert "ไม่มีสิทธิ์" not in again["text"] and "เชื่อมแล้ว" in again["text"]
    assert "คุณ" in again["text"] and BUDDHIST_DATE.search(again["text"])


def test_every_reason_a_refusal_gives_is_said_in_plain_words(client, services):
    """A leader typing a wrong answer where a reason code has no words today: each in Thai."""
    from messages.refusals import REASONS

    tr = translator("th")
    for reason in ("own_household", "merge_verified", "already_submitted", "already_confirmed", "own_check"):
        assert reason in REASONS
        assert tr.gettext(REASONS[reason]) != REASONS[reason]


# ------------------------------------------------------------------ 9. hand-overs are pushed


def test_each_hand_over_is_pushed_to_who_must_act_with_a_button_to_act(client, services):
    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    somchai = Chat(client, services, HOUSEHOLD)
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    home = household_at(services, "46010105", "12")

    link(kanya, somchai, home)
    (linked,) = kanya.new_messages()
    assert "เชื่อม LINE" in texts(linked["contents"]) and "ถนนมิตรภาพ" in texts(linked["contents"])
    (opened,) = kanya.send("postback", data=actions(linked)["เปิดข้อมูลครัวเรือน"])
    assert "สมชาย" in texts(opened["contents"])

    check_everything(kanya, home)
    kanya.send("postback", data=f"a=submit&id={home}")
    (news,) = prasert.new_messages()
    assert "รอคุณยืนยัน" in news["altText"]
    (card,) = prasert.send("postback", data=actions(news)["เปิดผลสอบทาน"])
    (confirmed,) = prasert.tap(card, "ส่งกลับพร้อมหมายเหตุ")
    (returned,) = prasert.send("text", text="หลังคารั่ว ตรวจอีกครั้ง")
    (back,) = kanya.new_messages()
    assert "หลังคารั่ว" in texts(back["contents"])
    (question,) = kanya.send("postback", data=actions(back)["สอบทานอีกครั้ง"])
    assert question["text"]

    check_everything(kanya, home)
    kanya.send("postback", data=f"a=submit&id={home}")
    (news,) = prasert.new_messages()
    (card,) = prasert.send("postback", data=actions(news)["เปิดผลสอบทาน"])
    prasert.tap(card, "ยืนยัน")
    (told,) = kanya.new_messages()
    assert "ยืนยันแล้ว" in told["altText"] or "ยืนยัน" in texts(told["contents"])
    assert "ประเสริฐ" in texts(told["contents"])
    (opened,) = kanya.send("postback", data=actions(told)["เปิดข้อมูลครัวเรือน"])
    assert "สมชาย" in texts(opened["contents"])


# ------------------------------------------------------------------ 10. never one's own


def test_a_leader_neither_links_checks_nor_confirms_her_own_household(client, services):
    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    malai = Chat(client, services, MALAI)
    make_leader(services, malai, "46010106", "มาลัย")
    own = household_at(services, "46010106", "7")

    (refused,) = link(malai, malai, own)  # her own code, typed in her own chat
    assert "ครัวเรือนของคุณเอง" in refused["text"]
    link(kanya, malai, own)  # linked by another leader, after meeting her
    (listing,) = malai.send("postback", data="a=pending")  # her village has her household only
    assert listing["text"] == translator("th").gettext("No households are waiting for a check in your area.")
    (card,) = malai.send("postback", data=f"a=hh&id={own}")
    assert not [data for data in actions(card).values() if data.startswith(("a=check&", "a=link&"))]
    (refused,) = malai.send("postback", data=f"a=check&id={own}")
    assert "ครัวเรือนของคุณเอง" in refused["text"]

    check_everything(kanya, own)
    kanya.send("postback", data=f"a=submit&id={own}")
    prasert.new_messages()
    (waiting,) = prasert.send("postback", data="a=review")
    confirm = actions(waiting)["ยืนยัน"]
    (mine,) = malai.send("postback", data="a=review")  # no news of it, and not in her list
    assert mine["text"] == "ไม่มีรายการรอให้คุณยืนยัน"
    (refused,) = malai.send("postback", data=confirm)
    assert "ครัวเรือนของคุณเอง" in refused["text"]
    (refused,) = kanya.send("postback", data=confirm)  # the assessor is never the second person
    assert "คุณสอบทานเอง" in refused["text"]


def test_a_households_request_to_correct_its_data_is_pushed_to_the_coordinator(client, services):
    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    somchai = Chat(client, services, HOUSEHOLD)
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    link(kanya, somchai, household_at(services, "46010105", "12"))
    somchai.send("postback", data="a=req&k=erase")
    (news,) = prasert.new_messages()
    assert "ลบ" in texts(news["contents"]) and BUDDHIST_DATE.search(texts(news["contents"]))
    (tasks,) = prasert.send("postback", data=actions(news)["เปิดรายการคำขอ"])
    assert "ลบ" in texts(tasks["contents"])


# ------------------------------------------------------------------ 14. each in its own words


THAI_LETTER = re.compile("[\u0e00-\u0e7f]")


def test_each_message_is_built_wholly_in_its_readers_language(client, services):
    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    somchai = Chat(client, services, HOUSEHOLD)
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    somchai.send("postback", data="a=language&set=en")  # the household reads English
    prasert.send("postback", data="a=language&set=en")  # and so does the coordinator; the leader reads Thai
    prasert.new_messages()
    (answer,) = link(kanya, somchai, household_at(services, "46010105", "12"))
    assert not THAI_LETTER.search(answer["text"].split(":")[0])

    (linked,) = kanya.new_messages()
    words = linked["altText"] + "\n" + texts(linked["contents"]) + "\n" + "\n".join(actions(linked))
    assert "จ.กาฬสินธุ์" in words and "Kalasin" not in words
    assert not LATIN.search(words.replace("LINE", "")), words

    somchai.send("postback", data="a=req&k=erase")
    (news,) = prasert.new_messages()
    words = news["altText"] + "\n" + texts(news["contents"]) + "\n" + "\n".join(actions(news))
    assert "Kalasin" in words and not THAI_LETTER.search(words), words
    assert not BUDDHIST_DATE.search(words)


def test_each_role_is_welcomed_and_helped_with_its_own_words(client, services):
    from click.testing import CliRunner

    from bot.commands import cli

    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    nok, somchai = Chat(client, services, AGENCY), Chat(client, services, HOUSEHOLD)
    (household_welcome, *_) = somchai.send("follow")
    assert "สิทธิสวัสดิการ" in household_welcome["text"]
    (leader_welcome, *_) = kanya.send("follow")  # a leader who blocked the bot and came back
    assert "ผู้นำชุมชน" in leader_welcome["text"] and "ยืนยันผลสอบทาน" in leader_welcome["text"]
    assert "สิทธิสวัสดิการที่ควรได้รับ" not in leader_welcome["text"]
    (agency_welcome, *_) = nok.send("follow")
    assert "เรื่องที่ส่งต่อ" in agency_welcome["text"]

    malai = Chat(client, services, MALAI)
    (granted,) = make_leader(services, malai, "46010106", "มาลัย")
    assert "ยืนยันผลสอบทาน" in granted["text"] and "วิธีใช้งาน" in granted["text"]

    helps = {name: chat.send("postback", data="a=help")[0]["text"]
             for name, chat in (("leader", kanya), ("coordinator", prasert), ("agency", nok),
                                ("household", somchai))}
    assert "เริ่มสอบทาน" in helps["leader"] and "คำขอที่ต้องดำเนินการ" not in helps["leader"]
    assert "คำขอที่ต้องดำเนินการ" in helps["coordinator"]
    assert "ลงทะเบียนกลุ่มนี้" in helps["agency"] and "เริ่มสอบทาน" not in helps["agency"]
    assert "ลงทะเบียนครัวเรือน" in helps["household"] and "เริ่มสอบทาน" not in helps["household"]
    assert all("1300" in words for words in helps.values())

    operator = CliRunner().invoke(cli, ["how-to-use"])
    assert operator.exit_code == 0 and "kaejon invite" in operator.output and "ผู้ดูแลระบบ" in operator.output
