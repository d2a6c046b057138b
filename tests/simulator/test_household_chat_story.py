"""Issue 11's household stories in the simulator, on the demo's data, tapping only what the
bot offers: a follow-up joins the open request instead of opening another; asking to
correct one's data says what is wrong before it is sent; a closed request says how it
ended and the household says whether it was solved; "My data" speaks plain words and lets
consent be withdrawn; an anonymous "My rights" keeps cards for what may apply."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.dev.demo.seed import seed
from casework import registry
from casework.models import Attachment, AuditEntry, Case, CaseUpdate, Household, Person, Task
from casework.sealing import open_from
from tests.simulator.chat import Chat, actions, texts
from tests.simulator.test_simulator import CAST, HOUSEHOLD, LEADER

MALAI = next(p for p in CAST.people if p.key == "household2")
REF = re.compile(r"KJ-\d{4}-\d{6}")


def household_at(services, house_no: str) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(Household.id).where(
            Household.address_key == registry.address_key(uow.sealer, "46010105", house_no)))


def linked_somchai(client, services) -> tuple[Chat, Chat]:
    """Somchai's household, linked to his LINE by the leader; both chats, read up to now."""
    seed(services, CAST)
    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    (code_message,) = leader.send("postback", data=f"a=link&id={household_at(services, '12')}")
    assert somchai.send("text", text=code_message["text"].splitlines()[-1])[0]["text"].startswith(
        "เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")
    leader.new_messages()
    return leader, somchai


# 7b ------------------------------------------------------------------------------------------

def test_an_anonymous_rights_card_sums_up_in_one_line_the_programmes_the_answers_rule_out(client, services):
    seed(services, CAST)
    malai = Chat(client, services, MALAI)
    malai.send("follow")
    (question,) = malai.send("postback", data="a=rights")
    (question,) = malai.send("text", text="45")
    for label in ("ไม่มี", "ไม่มี", "2 คน"):
        (question,) = malai.tap(question, label)
    (question,) = malai.tap(question, next(iter(actions(question))))  # the lowest income band
    summary, carousel = malai.tap(question, "ไม่ได้รับเลย")
    cards = carousel["contents"]["contents"]
    shown = texts(cards)
    assert "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด" not in shown, "a newborn grant for a 45-year-old"
    assert "เบี้ยยังชีพผู้สูงอายุ" not in shown and "ทุนเสมอภาค" not in shown
    assert "โครงการอื่นอีก 4 รายการไม่ตรงกับคำตอบของคุณ" in summary["text"]
    assert "ไม่มีสิทธิ์" not in summary["text"]
    assert any(texts(card["header"]).startswith("หลักประกันสุขภาพถ้วนหน้า") for card in cards)  # may apply: a card
    assert any(texts(card["header"]).startswith("บัตรสวัสดิการแห่งรัฐ") for card in cards)


# 3 -------------------------------------------------------------------------------------------

def ask_for_help(somchai: Chat, need: str, words: str) -> str:
    (needs,) = somchai.send("postback", data="a=help_request")
    (details,) = somchai.tap(needs, need)
    somchai.send("text", text=words)
    (sent,) = somchai.tap(details, "ส่งคำขอ")
    return REF.search(sent["text"]).group(0)


def test_a_follow_up_while_a_request_is_open_joins_it_instead_of_opening_another(client, services):
    leader, somchai = linked_somchai(client, services)
    ref = ask_for_help(somchai, "ที่อยู่อาศัย", "หลังคารั่ว ฝนตกน้ำเข้าบ้าน")
    leader.new_messages()

    (offer,) = somchai.send("text", text="ขอบคุณครับ พรุ่งนี้อยู่บ้านทั้งวัน")
    assert ref in offer["text"] and "ที่อยู่อาศัย" in offer["text"]
    (added,) = somchai.tap(offer, "เพิ่มในคำขอของฉัน")
    assert ref in added["text"] and added["text"].startswith("เพิ่มในคำขอ")
    assert not re.search(r"KJ-\d{4}-000002", added["text"])

    (notice,) = leader.new_messages()
    assert notice["altText"] == f"ข้อความจากครัวเรือน ({ref})"
    assert "ขอบคุณครับ พรุ่งนี้อยู่บ้านทั้งวัน" in texts(notice["contents"])
    assert "เพิ่มในคำขอ" in texts(notice["contents"])

    listing = texts(somchai.send("postback", data="a=my_requests"))
    assert REF.findall(listing) == [ref], "one request, not a second beside it"
    with services.uow() as uow:
        (case,) = uow.session.scalars(select(Case)).all()
        (note,) = uow.session.scalars(select(CaseUpdate).where(CaseUpdate.case_id == case.id,
                                                               CaseUpdate.kind == "note")).all()
        assert open_from(uow.sealer, note, "note") == {"text": "ขอบคุณครับ พรุ่งนี้อยู่บ้านทั้งวัน"}
        assert note.by == case.opened_by  # the household's own words


# 5 -------------------------------------------------------------------------------------------

def close_from_card(leader: Chat, ref: str, notice: dict, outcome: str) -> None:
    (card,) = leader.tap(notice, "เปิดดู")
    (question,) = leader.tap(card, "ปิดเรื่อง")
    assert ref in question["text"]
    (done,) = leader.tap(question, outcome)
    assert done["text"].startswith("ปิดเรื่องแล้ว")


def test_a_closed_request_says_how_it_ended_and_the_household_says_whether_it_is_solved(client, services):
    leader, somchai = linked_somchai(client, services)
    ref = ask_for_help(somchai, "ที่อยู่อาศัย", "หลังคารั่ว ฝนตกน้ำเข้าบ้าน")
    (notice,) = leader.new_messages()
    close_from_card(leader, ref, notice, "แก้ไขได้บางส่วน")

    (closed,) = somchai.new_messages()
    assert ref in closed["text"] and "ผลลัพธ์: ปัญหาของคุณแก้ไขได้บางส่วน" in closed["text"]
    assert set(actions(closed)) >= {"แก้ไขได้แล้ว", "ยังไม่ได้แก้ไข"}
    (reopened,) = somchai.tap(closed, "ยังไม่ได้แก้ไข")
    assert reopened["text"].startswith(f"เปิดเรื่อง {ref} ใหม่อีกครั้ง")
    (told,) = leader.new_messages()
    assert told["altText"] == f"เปิดเรื่องใหม่ {ref}" and "ยังไม่ได้รับการแก้ไข" in texts(told["contents"])
    (again,) = somchai.tap(closed, "แก้ไขได้แล้ว")  # a second tap on the same message
    assert again["text"].startswith(f"คุณตอบไว้แล้วว่าเรื่อง {ref} ยังไม่ได้แก้ไข")
    assert leader.new_messages() == []
    with services.uow() as uow:
        case = uow.session.scalars(select(Case)).one()
        assert case.status == "reopened"
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "case.reopened", AuditEntry.entity_id == str(case.id))) == 1

    close_from_card(leader, ref, told, "แก้ไขได้แล้ว")
    (closed,) = somchai.new_messages()
    assert "ผลลัพธ์: ปัญหาของคุณแก้ไขได้แล้ว" in closed["text"]
    (thanks,) = somchai.tap(closed, "แก้ไขได้แล้ว")
    assert thanks["text"].startswith(f"ขอบคุณค่ะ บันทึกแล้วว่าเรื่อง {ref} แก้ไขได้แล้ว")
    (again,) = somchai.tap(closed, "ยังไม่ได้แก้ไข")
    assert again["text"].startswith(f"คุณตอบไว้แล้วว่าเรื่อง {ref} แก้ไขได้แล้ว")
    with services.uow() as uow:
        case = uow.session.scalars(select(Case)).one()
        assert case.status == "resolved"
        assert uow.session.scalar(select(func.count()).select_from(CaseUpdate).where(
            CaseUpdate.case_id == case.id, CaseUpdate.kind == "confirmed")) == 1


# 6 -------------------------------------------------------------------------------------------

def test_my_data_speaks_plain_words_and_consent_can_be_withdrawn_then_is_asked_again(client, services):
    leader, somchai = linked_somchai(client, services)
    with services.uow() as uow:  # the leaders' check placed the household in group 1
        uow.session.get(Household, household_at(services, "12")).poverty_group = 1
        uow.commit()
    (mine,) = somchai.send("postback", data="a=my_data")
    shown = texts(mine["contents"])
    assert "ความยินยอม (personal)" not in shown and "accepted" not in shown
    assert re.search(r"คุณให้ความยินยอมตามประกาศความเป็นส่วนตัวเมื่อ \d{1,2} \S+ 25\d\d", shown)
    assert "อยู่ลำบาก" not in shown and "กลุ่ม" not in shown, "never the poverty-group label"

    (confirm,) = somchai.tap(mine, "ถอนความยินยอม")
    assert confirm["text"].startswith("ต้องการถอนความยินยอมหรือไม่")
    (withdrawn,) = somchai.tap(confirm, "ถอนความยินยอม")
    assert withdrawn["text"].startswith("ถอนความยินยอมและบันทึกไว้แล้ว")
    (again,) = somchai.tap(confirm, "ถอนความยินยอม")  # a second tap
    assert again["text"].startswith("ไม่มีความยินยอมที่ต้องถอน")
    with services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "consent.personal")) == 2  # agreed, then withdrew

    (asked,) = somchai.send("postback", data="a=help_request")
    assert asked["text"] == "ส่วนนี้ต้องได้รับความยินยอมให้เก็บข้อมูลของคุณก่อน"
    (offer,) = somchai.send("text", text="ขอบคุณครับ")  # words for the leader are not passed on either
    assert offer["text"] == "ส่วนนี้ต้องได้รับความยินยอมให้เก็บข้อมูลของคุณก่อน"
    (mine,) = somchai.send("postback", data="a=my_data")  # one's own data is still there to see
    assert "คุณถอนความยินยอมเมื่อ" in texts(mine["contents"])
    (notice,) = somchai.tap(asked, "อ่านและตัดสินใจ")
    somchai.tap(notice, "ยินยอม")
    (needs,) = somchai.send("postback", data="a=help_request")
    assert "ที่อยู่อาศัย" in actions(needs)


# 4 -------------------------------------------------------------------------------------------

def test_asking_to_correct_my_data_says_what_is_wrong_and_sends_it_sealed(client, services, caplog):
    leader, somchai = linked_somchai(client, services)
    (mine,) = somchai.send("postback", data="a=my_data")
    (whose,) = somchai.tap(mine, "ขอแก้ไขข้อมูล")
    assert whose["text"].startswith("ต้องการแก้ไขข้อมูลใด")
    members = list(actions(whose))
    assert "สมศรี ใจ." in members and "ข้อมูลของบ้าน" in members
    assert not any("ใจดี" in name for name in members), "masked names only"
    (which,) = somchai.tap(whose, "สมศรี ใจ.")
    assert "สมศรี ใจ." in which["text"] and "เบอร์โทรศัพท์" in actions(which)
    (value,) = somchai.tap(which, "เบอร์โทรศัพท์")
    assert "เบอร์โทรศัพท์" in value["text"]
    (document,) = somchai.send("text", text="๐๘๑ ๒๓๔ ๕๖๗๘")  # the explanation is not "not understood"
    assert "ข้าม" in actions(document)
    (summary,) = somchai.send("image")
    shown = texts(summary["contents"])
    assert "สมศรี ใจ." in shown and "เบอร์โทรศัพท์" in shown and "0812345678" in shown and "แนบแล้ว" in shown
    (sent,) = somchai.tap(summary, "ส่ง")
    assert sent["text"].startswith("ส่งคำขอถึงผู้ประสานงานในพื้นที่แล้ว")
    (stale,) = somchai.tap(summary, "ส่ง")  # a second tap sends nothing more
    assert "๐๘๑" not in stale["text"] and "081" not in stale["text"]

    with services.uow() as uow:
        (task,) = uow.session.scalars(select(Task)).all()
        assert task.kind == "data_correct" and b"0812345678" not in task.details
        kept = open_from(uow.sealer, task, "details")
        somsri = uow.session.scalar(select(Person.id).where(Person.household_id == task.household_id,
                                                            Person.relation == "spouse"))
        assert (kept["person_id"], kept["field"], kept["value"]) == (somsri, "phone", "0812345678")
        assert uow.session.get(Attachment, kept["photo"]) is not None
    (mine,) = somchai.send("postback", data="a=my_data")  # the household's own details, without a photo
    (whose,) = somchai.tap(mine, "ขอแก้ไขข้อมูล")
    (which,) = somchai.tap(whose, "ข้อมูลของบ้าน")
    (value,) = somchai.tap(which, "ที่อยู่")
    (please, value) = somchai.send("sticker")
    assert please["text"].startswith("กรุณาพิมพ์ข้อมูลที่ถูกต้อง")
    (document,) = somchai.send("text", text="บ้านเลขที่ 12 หมู่ 5")
    (summary,) = somchai.tap(document, "ข้าม")
    assert "ข้อมูลของบ้าน" in texts(summary["contents"]) and "ไม่มี" in texts(summary["contents"])
    somchai.tap(summary, "ส่ง")

    coordinator = Chat(client, services, next(p for p in CAST.people if p.key == "coordinator"))
    *_told, tasks = coordinator.send("postback", data="a=tasks")  # the coordinator sees what is wrong
    assert "สมศรี ใจดี · เบอร์โทรศัพท์: 0812345678" in texts(tasks["contents"])
    assert "ข้อมูลของบ้าน · ที่อยู่: บ้านเลขที่ 12 หมู่ 5" in texts(tasks["contents"])
    assert "๐๘๑" not in caplog.text and "081" not in caplog.text, "what was typed is never logged"
