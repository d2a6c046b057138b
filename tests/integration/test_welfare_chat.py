"""A leader records a member's welfare status on site from the household's card: the
programme, "receiving", today or a day picked in LINE's date picker; "My rights" and
screening then read it. The disability allowance waits for the household's consent to
sensitive data; a leader of another area is refused."""
from __future__ import annotations

import json

from sqlalchemy import select

from bot.dev import line_events as le
from casework.models import Person, WelfareStatus
from tests import registry_data
from tests.integration.test_referrals_chat import flex_data

REFUSED = "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"


def head_of(services, household_id):
    with services.uow() as uow:
        person = uow.session.scalar(select(Person).where(Person.household_id == household_id,
                                                         Person.relation == "head"))
        uow.session.expunge(person)
        return person


def test_a_leader_records_receiving_on_site_and_rights_read_it(kanya, dao, services):
    household_id = registry_data.household(services, status="verified")
    kanya.taps(f"a=hh&id={household_id}")
    (card,) = kanya.received()
    kanya.taps(flex_data(card, "สถานะสวัสดิการ"))
    heading, members = kanya.received()
    assert "ยังไม่มีการบันทึก" in json.dumps(members, ensure_ascii=False)
    kanya.taps(flex_data(members, "บันทึกสถานะ"))
    (programmes,) = kanya.received()
    (old_age,) = [item["action"] for item in programmes["quickReply"]["items"]
                  if item["action"]["displayText"] == "เบี้ยยังชีพผู้สูงอายุ"]  # the label is cut to 20
    kanya.taps(old_age["data"])
    (statuses,) = kanya.received()
    kanya.taps(flex_data(statuses, "ได้รับแล้ว"))
    (days,) = kanya.received()
    picker = next(item["action"] for item in days["quickReply"]["items"] if item["action"]["type"] == "datetimepicker")
    kanya.send(le.postback_event(kanya.source(), kanya.reply_token(), picker["data"], params={"date": "2026-10-01"}))
    saved, heading, members = kanya.received()
    assert saved["text"] == "บันทึกแล้ว"
    assert "เบี้ยยังชีพผู้สูงอายุ: ได้รับแล้ว ตั้งแต่ 1 ต.ค. 2569" in json.dumps(members, ensure_ascii=False)
    assert head_of(services, household_id).welfare == ["old_age"]

    dao.taps(picker["data"] + "&d=today")  # a leader of another sub-district
    assert dao.received()[0]["text"] == REFUSED


def test_the_disability_allowance_waits_for_consent_to_sensitive_data(kanya, services):
    household_id = registry_data.household(services, status="verified")
    person = head_of(services, household_id)
    kanya.taps(f"a=wfok&id={person.id}&g=disability&s=receiving&d=today")
    assert "ยินยอม" in kanya.received()[0]["text"]
    with services.uow() as uow:
        assert uow.session.scalar(select(WelfareStatus.id)) is None


def test_a_day_to_come_or_a_forged_day_is_answered_not_saved(kanya, services):
    household_id = registry_data.household(services, status="verified")
    person = head_of(services, household_id)
    data = f"a=wfok&id={person.id}&g=old_age&s=receiving"
    kanya.send(le.postback_event(kanya.source(), kanya.reply_token(), data, params={"date": "2099-01-01"}))
    assert "ยังมาไม่ถึง" in kanya.received()[0]["text"]
    kanya.send(le.postback_event(kanya.source(), kanya.reply_token(), data, params={"date": "31-31-2026"}))
    assert kanya.received()
    assert head_of(services, household_id).welfare == []
