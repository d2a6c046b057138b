"""A walk through the simulator on the staff side, on the demo's data: what the coordinator,
the leader, the agency officer and the agency's group chat notice."""
from __future__ import annotations

import re

from sqlalchemy import update

from bot.dev.demo.seed import seed
from casework import registry
from casework.models import Household
from tests.simulator.chat import Chat, actions, bubble_actions, texts
from tests.simulator.test_simulator import CAST, GROUP, HOUSEHOLD, LEADER

COORDINATOR = next(p for p in CAST.people if p.key == "coordinator")
OFFICER = next(p for p in CAST.people if p.key == "agency2")
AGENCY = next(p for p in CAST.people if p.key == "agency")
MALAI = next(p for p in CAST.people if p.key == "household2")
BUDDHIST_DATE = re.compile(r"\d{1,2} \S+ 25\d\d")


def household_at(services, house_no: str, village: str = "46010105") -> int:
    with services.uow() as uow:
        return registry.find_by_address(uow.session, uow.sealer, village, house_no).id


def verified_and_linked(services, leader: Chat, somchai: Chat, house_no: str = "12") -> int:
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    household_id = household_at(services, house_no)
    with services.uow() as uow:
        uow.session.execute(update(Household).where(Household.id == household_id)
                            .values(status="verified", poverty_group=2))
        uow.commit()
    (code_message,) = leader.send("postback", data=f"a=link&id={household_id}")
    somchai.send("text", text=code_message["text"].splitlines()[-1])
    leader.new_messages()
    return household_id


def request_and_plan(leader: Chat, somchai: Chat, topic: str, words: str) -> tuple[str, dict]:
    """The household asks for help about ``topic``; its leader opens a plan from the request:
    the request's reference and the plan's carousel."""
    (needs,) = somchai.send("postback", data="a=help_request")
    (details,) = somchai.tap(needs, topic)
    somchai.send("text", text=words)
    (sent,) = somchai.tap(details, "ส่งคำขอ")
    ref = re.search(r"KJ-\d{4}-\d{6}", sent["text"]).group(0)
    (notice,) = leader.new_messages()
    (card,) = leader.tap(notice, "เปิดดู")
    (_heading, plan) = leader.tap(card, "ทำแผนช่วยเหลือ")
    return ref, plan


def visible_buttons(messages: list[dict]) -> list[dict[str, str]]:
    """The buttons each message of a batch still shows in LINE: a card's own, and quick replies
    only on the last message (they go when the next message arrives)."""
    return [actions(message) if n == len(messages) - 1
            else bubble_actions(message["contents"]) if message.get("type") == "flex" else {}
            for n, message in enumerate(messages)]


# ------------------------------------------------------------------ 1. the check from the push


def test_the_check_opened_from_the_push_shows_who_checked_when_and_the_answers(client, services):
    from tests.simulator.test_staff_chat_story import check_everything

    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    home = household_at(services, "12")
    check_everything(kanya, home)
    kanya.send("postback", data=f"a=submit&id={home}")
    (news,) = prasert.new_messages()
    (card,) = prasert.tap(news, "เปิดผลสอบทาน")
    shown = texts(card["contents"])
    assert "สอบทานโดย กันยา (ผู้นำชุมชน) เมื่อ" in shown, shown
    assert BUDDHIST_DATE.search(shown.split("สอบทานโดย")[1]), "when, in the Buddhist era"
    assert "สภาพที่อยู่อาศัย:" in shown, "the answers, not only the scores"
    (listed,) = prasert.send("postback", data="a=review")
    assert texts(listed["contents"]) == shown, "the same card as from the list"


# ------------------------------------------------------------------ 2. consent questions


def test_each_consent_question_of_a_plan_comes_with_its_own_buttons(client, services):
    seed(services, CAST)
    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    verified_and_linked(services, leader, somchai)
    _ref, plan = request_and_plan(leader, somchai, "เงินหรืออาหาร", "ไม่มีเงินซื้อข้าว")
    leader.send("postback", data=bubble_actions(plan["contents"]["contents"][-1])["อนุมัติ"])
    asked = somchai.new_messages()
    questions = [(message, buttons) for message, buttons in zip(asked, visible_buttons(asked))
                 if "ยินยอมให้ส่งต่อถึงหน่วยงานประเภทนี้หรือไม่" in message.get("altText", message.get("text", ""))]
    assert len(questions) >= 2, "the plan asks more than one consent"
    for message, buttons in questions:
        ref = re.search(r"KJ-\d{4}-\d{6}", message.get("altText", message.get("text", ""))).group(0)
        assert {"ยินยอมให้ส่งต่อ", "ไม่ยินยอม"} <= set(buttons), f"{ref} has no buttons"
    first, buttons = questions[0]
    (thanks, *_told) = somchai.send("postback", data=buttons["ยินยอมให้ส่งต่อ"])
    assert "ขอบคุณ" in thanks["text"]


# ------------------------------------------------------------------ 3. a roof is not an allowance


def test_a_request_about_a_leaking_roof_is_referred_for_housing_repair_not_an_allowance(client, services):
    seed(services, CAST)
    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    verified_and_linked(services, leader, somchai)
    ref, plan = request_and_plan(leader, somchai, "ที่อยู่อาศัย", "หลังคารั่ว ฝนตกน้ำเข้าบ้าน")
    bubbles = plan["contents"]["contents"]
    assert "ซ่อมแซมและปรับปรุงที่อยู่อาศัย" in texts(bubbles[0]), "the roof comes first, as housing repair"
    (approved,) = leader.send("postback", data=bubble_actions(bubbles[-1])["อนุมัติ"])
    (line_of_the_request,) = [line for line in approved["text"].splitlines() if line.startswith(ref)]
    assert "ซ่อมแซมและปรับปรุงที่อยู่อาศัย" in line_of_the_request
    assert "เบี้ยยังชีพ" not in line_of_the_request


# ------------------------------------------------------------------ 4. a referral for the whole household


def test_the_agency_sees_whose_household_a_referral_for_the_whole_household_is(client, services):
    seed(services, CAST)
    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    officer = Chat(client, services, OFFICER)
    officer.send("follow")
    verified_and_linked(services, leader, somchai)
    _ref, plan = request_and_plan(leader, somchai, "ที่อยู่อาศัย", "หลังคารั่ว ฝนตกน้ำเข้าบ้าน")
    bubbles = plan["contents"]["contents"]
    housing = next(b for b in bubbles[:-1] if "ซ่อมแซมและปรับปรุงที่อยู่อาศัย" in texts(b))
    for bubble in bubbles[:-1]:
        if bubble is not housing:
            leader.send("postback", data=bubble_actions(bubble)["ตัดออก"])
    leader.send("postback", data=bubble_actions(bubbles[-1])["อนุมัติ"])
    (asked,) = somchai.new_messages()
    somchai.tap(asked, "ยินยอมให้ส่งต่อ")
    (arrived,) = officer.new_messages()
    shown = texts(arrived["contents"])
    assert "ซ่อมแซมและปรับปรุงที่อยู่อาศัย" in shown
    assert "หัวหน้าครัวเรือน: สมชาย ใจ." in shown, shown
    assert "ใจดี" not in shown, "masked as elsewhere"
    assert "ครัวเรือน 1" not in shown


# ------------------------------------------------------------------ 5. a household registered itself


def test_the_leaders_news_that_a_household_registered_has_a_button_to_open_it(client, services):
    from tests.simulator.test_registration_story import register

    seed(services, CAST)
    kanya, malai = Chat(client, services, LEADER), Chat(client, services, MALAI)
    malai.send("follow")
    malai.send("postback", data="a=consent&v=yes")
    register(malai, "register_self", "77", "มาลัย ศรีสุข")
    (news,) = kanya.new_messages()
    assert "ลงทะเบียน" in news.get("altText", news.get("text", ""))
    (opened,) = kanya.tap(news, "เปิดข้อมูลครัวเรือน")
    assert "มาลัย" in texts(opened["contents"])
    assert any(data.startswith("a=check&") for data in actions(opened).values()), "she can check it from there"


# ------------------------------------------------------------------ 6. the changes log speaks plain words


CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\b|\b(?:account|household|case|referral):\d+")


def test_the_changes_log_after_a_whole_walk_shows_sentences_and_no_codes(client, services):
    from tests.simulator.test_cards_story import answer_all, start_check

    seed(services, CAST)
    kanya, prasert = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    somchai, officer = Chat(client, services, HOUSEHOLD), Chat(client, services, OFFICER)
    officer.send("follow")
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    home = household_at(services, "12")
    (code_message,) = kanya.send("postback", data=f"a=link&id={home}")
    somchai.send("text", text=code_message["text"].splitlines()[-1])
    kanya.tap(answer_all(kanya, start_check(kanya, home), choice=1), "ส่งให้ยืนยัน")
    (news,) = [m for m in prasert.new_messages() if "เปิดผลสอบทาน" in actions(m)]
    (card,) = prasert.tap(news, "เปิดผลสอบทาน")
    prasert.tap(card, "ยืนยัน")
    kanya.new_messages()
    ref, plan = request_and_plan(kanya, somchai, "ที่อยู่อาศัย", "หลังคารั่ว")
    bubbles = plan["contents"]["contents"]
    for bubble in bubbles[1:-1]:
        kanya.send("postback", data=bubble_actions(bubble)["ตัดออก"])
    kanya.send("postback", data=bubble_actions(bubbles[-1])["อนุมัติ"])
    (asked,) = somchai.new_messages()
    somchai.tap(asked, "ยินยอมให้ส่งต่อ")
    (arrived,) = officer.new_messages()
    officer.tap(arrived, "รับเรื่อง")

    prasert.new_messages()
    (log,) = prasert.send("postback", data="a=audit")
    shown = log["text"]
    for done in ("ยืนยันผลสอบทาน", "อนุมัติแผน", "รับเรื่องส่งต่อ"):
        assert done in shown
    (approval,) = [entry for entry in shown.split("\n\n") if "อนุมัติแผน" in entry]
    assert approval.endswith(": คำขอที่เปิด: 1, เรื่องที่ส่งต่อ: 1"), "the approval says what it made"
    assert "ความต้องการ: ที่อยู่อาศัย" in shown, "a request's need in words, given once"
    assert "หน่วยงาน: เทศบาลเมืองกาฬสินธุ์" in shown, "a referral's agency by its name"
    assert "ข้อมูลอื่น" not in shown and "- →" not in shown, shown
    assert "เพิ่มรายละเอียดแล้ว" in shown, "a new request's own words: added, not shown"
    assert not CODE.findall(shown), CODE.findall(shown)
    assert "ครัวเรือน (ผ่านแชตของตนเอง) ยินยอม" in shown, shown
    assert "ระบบ" not in shown, "the household's own consent is the household's, not the system's"
    assert "เลขที่อ้างอิง: KJ-" in shown, "a request's reference number, as the household was given it"
    plain = re.sub(r"KJ-\d{4}-\d{6}", "", shown.replace("LINE", ""))
    assert not re.search("[A-Za-z]", plain), "every entry in the reader's language"


# ------------------------------------------------------------------ 7. registering the agency's group chat


def in_group(client, services, person, kind: str, **fields) -> list[dict]:
    """``person`` does something in the demo's agency group chat; what the bot answered there."""
    from tests.simulator.test_simulator import deliver, drain, sent_to, signed

    before = sent_to(client, GROUP.line_group_id)
    seen = before[-1]["seq"] if before else 0
    response = deliver(client, signed(client, **{"as": person.key, "group": GROUP.key, "kind": kind, **fields}))
    assert response.status_code == 200
    drain(services)
    return [message for item in sent_to(client, GROUP.line_group_id, after=seen) for message in item["messages"]]


def test_someone_not_staff_asking_to_register_the_group_is_told_who_can(client, services):
    seed(services, CAST)
    (welcome,) = in_group(client, services, AGENCY, "join")
    register = actions(welcome)["ลงทะเบียนกลุ่มนี้"]
    for person in (HOUSEHOLD, LEADER):
        (answer,) = in_group(client, services, person, "postback", data=register)
        assert "เจ้าหน้าที่" in answer["text"] and "หน่วยงาน" in answer["text"], answer["text"]
        assert "ไม่มีสิทธิ์" not in answer["text"]
    (registered,) = in_group(client, services, AGENCY, "postback", data=register)
    assert "สำนักงานพัฒนาสังคม" in registered["text"]


# ------------------------------------------------------------------ 8. a second plan


def what_for(bubble: dict) -> tuple[str, ...]:
    """A plan item as the leader reads it: the service, the programme and the person."""
    return tuple(line for line in texts(bubble).splitlines() if line.startswith(("ส่งต่อเพื่อ", "สวัสดิการ", "สำหรับ")))


def test_a_second_plan_does_not_propose_again_what_is_already_referred_and_open(client, services):
    seed(services, CAST)
    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    verified_and_linked(services, leader, somchai)
    _ref, first = request_and_plan(leader, somchai, "เงินหรืออาหาร", "ไม่มีเงินซื้อข้าว")
    bubbles = first["contents"]["contents"]
    referred = {what_for(bubble) for bubble in bubbles[:-1]}
    (approved,) = leader.send("postback", data=bubble_actions(bubbles[-1])["อนุมัติ"])
    assert "รอความยินยอม" in approved["text"], "referred, still open"
    somchai.new_messages()

    _ref, second = request_and_plan(leader, somchai, "สุขภาพ", "ปวดหลังมาก")
    again = [what_for(bubble) for bubble in second["contents"]["contents"][:-1]]
    assert again, "the health request still has its item"
    assert not referred & set(again), referred & set(again)
