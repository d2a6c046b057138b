"""Issue 11's registration stories in the simulator, on the demo's data: numbers typed in
Thai digits, with spaces and dashes, are the same numbers; a second record of one household
is caught, and the leader merges the two; an old button says what stands; the leader's
registration is the leader's."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.dev.demo.seed import seed
from casework import accounts, registry
from casework.models import AuditEntry, Household, Person
from tests.simulator.chat import Chat, actions, bubble_actions, texts
from tests.simulator.test_simulator import CAST, HOUSEHOLD, LEADER

MALAI = next(p for p in CAST.people if p.key == "household2")
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def households(services) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Household))


def household_at(services, house_no: str) -> int | None:
    with services.uow() as uow:
        return uow.session.scalar(select(Household.id).where(
            Household.address_key == registry.address_key(uow.sealer, "46010105", house_no)))


def register(chat: Chat, start: str, house_no: str, head: str) -> list[dict]:
    chat.send("postback", data=f"a={start}")
    (places,) = chat.send("text", text="กาฬสินธุ์")
    place = next(bubble for bubble in places["contents"]["contents"] if "กาฬสินธุ์" in texts(bubble))
    chat.send("postback", data=bubble_actions(place)["เลือกตำบลนี้"])
    chat.send("text", text="๕")
    chat.send("text", text=house_no)
    (confirm,) = chat.send("text", text=head)
    return chat.tap(confirm, "ลงทะเบียน")


def test_a_link_code_typed_in_thai_digits_lower_case_and_spaced_links_the_household(client, services):
    seed(services, CAST)
    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    (code_message,) = leader.send("postback", data=f"a=link&id={household_at(services, '12')}")
    code = code_message["text"].splitlines()[-1]
    typed = " ".join(code.replace("-", "").lower().translate(THAI)[i:i + 3] for i in range(0, 10, 3))
    assert somchai.send("text", text=typed)[0]["text"].startswith("เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")


def test_an_invite_code_typed_in_thai_digits_lower_case_with_dashes_is_the_code(client, services):
    seed(services, CAST)
    with services.uow() as uow:
        code = accounts.create_invite(uow.session, uow.sealer, role="leader", area_code="46010106", name="มาลัย",
                                      now=services.clock(), created_by="test")
        uow.commit()
    malai = Chat(client, services, MALAI)
    malai.send("follow")
    typed = "-".join(code.lower().translate(THAI)[i:i + 4] for i in range(0, len(code), 4))
    (welcome, *_) = malai.send("text", text=typed)
    assert "46010106" not in welcome["text"] and "ผู้นำชุมชน" in welcome["text"]


def test_a_house_number_in_thai_digits_is_the_same_house_and_an_old_button_says_what_stands(client, services):
    seed(services, CAST)
    malai = Chat(client, services, MALAI)
    malai.send("follow")
    malai.send("postback", data="a=consent&v=yes")
    before = households(services)
    (done,) = register(malai, "register_self", "๑๒", "สมชาย ใจดี")
    assert done["text"].startswith("ลงทะเบียนแล้ว")
    assert households(services) == before, "๑๒ is house 12, already registered"
    (stale,) = malai.send("postback", data="a=reg&ok=1")
    assert "ยกเลิก" not in stale["text"] and "รอผู้นำชุมชน" in stale["text"]


def test_a_second_record_of_one_household_is_caught_and_the_leader_merges_the_two(client, services):
    seed(services, CAST)
    leader = Chat(client, services, LEADER)
    before = households(services)
    (same,) = register(leader, "register", "๔๕ / ๑", "ทองดี มีสุข")
    assert households(services) == before and "เริ่มสอบทาน" in actions(same)
    (card,) = register(leader, "register", "46", "ทองดี  มีสุข")
    assert households(services) == before + 1
    assert "อาจเป็นครัวเรือนเดียวกัน" in texts(card["contents"])
    (pair,) = leader.tap(card, "ครัวเรือนเดียวกัน?")
    keep, duplicate = pair["contents"]["contents"]
    assert "45/1" in texts(keep) and "46" in texts(duplicate)
    (merged,) = leader.send("postback", data=bubble_actions(duplicate)["รวมเป็นหลังเดียว"])
    assert merged["text"].startswith("รวมแล้ว")
    assert households(services) == before
    with services.uow() as uow:
        kept = household_at(services, "45/1")
        assert uow.session.scalar(select(func.count()).select_from(Person).where(Person.household_id == kept)) == 1
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "household.merged", AuditEntry.entity_id == str(kept))) == 1
