"""The issue's story in the simulator, on the demo's data, tapping only what the bot
offers: an anonymous person gets their rights by buttons alone; a household its leader
linked asks for help, sees the request under "My requests", and the leader was told."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.dev.demo.seed import seed
from casework import registry
from casework.models import Household
from tests.simulator.chat import Chat, actions, texts
from tests.simulator.test_simulator import CAST, HOUSEHOLD, LEADER

MALAI = next(p for p in CAST.people if p.key == "household2")


def test_anonymous_rights_by_buttons_and_a_linked_household_asks_for_help(client, services):
    seed(services, CAST)
    malai = Chat(client, services, MALAI)
    malai.send("follow")
    (question,) = malai.send("postback", data="a=rights")  # the rich menu's "My rights"
    for label in ("60-69 ปี", "ไม่มี", "ไม่มี", "2 คน"):
        (question,) = malai.tap(question, label)
    (question,) = malai.tap(question, next(iter(actions(question))))  # the lowest income band
    summary, carousel = malai.tap(question, "ไม่ได้รับเลย")
    assert summary["text"].startswith("สิทธิสวัสดิการของคุณ")
    cards = carousel["contents"]["contents"]
    old_age = next(texts(card) for card in cards if texts(card["header"]).startswith("เบี้ยยังชีพผู้สูงอายุ"))
    assert "เดือนละ 600 บาท" in old_age and "องค์การบริหารส่วนตำบล" in old_age

    leader, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)
    somchai.send("follow")
    somchai.send("postback", data="a=consent&v=yes")
    with services.uow() as uow:
        key = registry.address_key(uow.sealer, "46010105", "12")
        household_id = uow.session.scalar(select(Household.id).where(Household.address_key == key))
    (code_message,) = leader.send("postback", data=f"a=link&id={household_id}")
    code = code_message["text"].splitlines()[-1]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", code)
    assert somchai.send("text", text=code)[0]["text"].startswith("เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")
    leader.new_messages()  # the news that the household linked

    (needs,) = somchai.send("postback", data="a=help_request")
    (details,) = somchai.tap(needs, "ที่อยู่อาศัย")
    somchai.send("text", text="หลังคารั่ว ฝนตกน้ำเข้าบ้าน")
    (sent,) = somchai.tap(details, "ส่งคำขอ")
    ref = re.search(r"KJ-\d{4}-\d{6}", sent["text"]).group(0)
    assert ref.startswith(f"KJ-{services.clock().year + 543}-")

    (notice,) = leader.new_messages()
    assert notice["altText"] == f"คำขอใหม่ {ref}"
    listing = texts(somchai.send("postback", data="a=my_requests"))
    assert ref in listing and "ที่อยู่อาศัย" in listing
