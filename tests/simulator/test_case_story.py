"""Issue 10's story in the simulator, on the demo's data, tapping only what the bot offers:
Somchai's request becomes a case; his leader's plan proposes the old-age allowance at the
municipality; Somchai agrees to share; the municipality's officer accepts and completes
it; Somchai is then "receiving" in "My rights"; and he was told at each step."""
from __future__ import annotations

import re

from sqlalchemy import select, update

from bot.dev.demo.seed import seed
from casework import registry
from casework.models import Household, Person
from tests.simulator.chat import Chat, bubble_actions, texts
from tests.simulator.test_simulator import CAST, HOUSEHOLD, LEADER

OFFICER = next(p for p in CAST.people if p.key == "agency2")


def test_a_request_is_planned_referred_accepted_and_completed_and_the_household_is_told(client, services):
    seed(services, CAST)
    leader, somchai, officer = (Chat(client, services, person) for person in (LEADER, HOUSEHOLD, OFFICER))
    for chat in (somchai, officer):
        chat.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    with services.uow() as uow:  # verified on site earlier (the check and its confirmation have their own story)
        key = registry.address_key(uow.sealer, "46010105", "12")
        household_id = uow.session.scalar(select(Household.id).where(Household.address_key == key))
        uow.session.execute(update(Household).where(Household.id == household_id)
                            .values(status="verified", poverty_group=2))
        uow.commit()
    (code_message,) = leader.send("postback", data=f"a=link&id={household_id}")
    somchai.send("text", text=code_message["text"].splitlines()[-1])
    leader.new_messages()  # the news that the household linked

    (needs,) = somchai.send("postback", data="a=help_request")
    (details,) = somchai.tap(needs, "เงินหรืออาหาร")
    somchai.send("text", text="ไม่มีเงินซื้อข้าว")
    (sent,) = somchai.tap(details, "ส่งคำขอ")
    ref = re.search(r"KJ-\d{4}-\d{6}", sent["text"]).group(0)

    (notice,) = leader.new_messages()
    (card,) = leader.tap(notice, "เปิดดู")
    (plan_heading, plan) = leader.tap(card, "ทำแผนช่วยเหลือ")
    bubbles = plan["contents"]["contents"]
    allowance = texts(bubbles[0])
    assert "เบี้ยยังชีพผู้สูงอายุ" in allowance and "สมชาย ใจดี" in allowance
    for bubble in bubbles[1:-1]:
        leader.send("postback", data=bubble_actions(bubble)["ตัดออก"])
    (approved,) = leader.send("postback", data=bubble_actions(bubbles[-1])["อนุมัติ"])
    assert ref in approved["text"]

    (asked,) = somchai.new_messages()
    assert "เทศบาลเมืองกาฬสินธุ์" in texts(asked["contents"])
    thanks, told = somchai.tap(asked, "ยินยอมให้ส่งต่อ")
    assert "ส่งต่อถึงเทศบาลเมืองกาฬสินธุ์แล้ว" in told["text"]

    (arrived,) = officer.new_messages()
    assert arrived["altText"] == f"ส่งต่อใหม่ {ref}"
    done, card = officer.tap(arrived, "รับเรื่อง")
    assert "รับเรื่อง" in somchai.new_messages()[0]["text"]
    (prompt,) = officer.tap(card, "เสร็จสิ้น")
    officer.tap(prompt, "ข้ามและเสร็จสิ้น")
    assert "เสร็จแล้ว" in somchai.new_messages()[0]["text"]

    with services.uow() as uow:
        head = uow.session.scalar(select(Person).where(Person.household_id == household_id,
                                                       Person.relation == "head"))
        assert "old_age" in head.welfare
    rights = texts(somchai.send("postback", data="a=rights"))
    assert "ได้รับอยู่แล้ว" in rights
