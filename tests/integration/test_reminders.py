"""Issue 12: leaders are reminded of follow-up visits on the date set (a date moved is
reminded on the new date, a finished one not at all), of requests nobody took up and of
households waiting for their check; a referral past its service level goes to the agency's
supervisor and the area's coordinator once per stage."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot import clock as clock_process
from casework import accounts
from casework.models import Account, Case, Household, Referral, Visit
from tests import registry_data
from tests.conftest import LineUser
from tests.integration.test_digests import THURSDAY, account_id, at, fast, referral  # noqa: F401
from tests.integration.test_referrals_chat import actions, flex_data, nok, pilot_agencies  # noqa: F401


def visit(services, household: int, by: int, when: datetime, next_on: date | None) -> None:
    with services.uow() as uow:
        uow.session.add(Visit(household_id=household, visited_by=by, visited_at=when, next_visit_on=next_on))
        uow.commit()


def remind(services, when: datetime) -> int:
    return clock_process.send_digests(services, when).queued


@pytest.fixture
def home(services):
    return registry_data.household(services, status="verified")


def test_a_visit_is_reminded_on_its_date_again_on_a_moved_date_and_not_once_done(fast, kanya, prasert, home):  # noqa: F811
    by = account_id(fast, kanya)
    visit(fast, home, by, at(THURSDAY - timedelta(days=14), 10), THURSDAY)
    kanya.received(), prasert.received()
    assert remind(fast, at(THURSDAY - timedelta(days=1), 8)) == 0
    assert remind(fast, at(THURSDAY, 8)) == 1
    summary, cards = kanya.received()
    assert summary["text"] == "เตือนวันนี้: ถึงวันเยี่ยมติดตาม 1"
    assert "บ้านเลขที่ 12" in str(cards) and "สมชาย" not in str(cards)
    kanya.taps(flex_data(cards, "บ้านเลขที่ 12"))
    assert "เยี่ยม" in str(kanya.received())
    assert remind(fast, at(THURSDAY + timedelta(days=1), 8)) == 0, "reminded once for its date"
    next_week = THURSDAY + timedelta(days=6)  # Wednesday 9 December (the 10th is Constitution Day)
    visit(fast, home, by, at(THURSDAY + timedelta(days=1), 15), next_week)  # went, but must go back next week
    assert remind(fast, at(next_week - timedelta(days=1), 8)) == 0
    assert remind(fast, at(next_week, 8)) == 1
    assert "บ้านเลขที่ 12" in str(kanya.received())
    visit(fast, home, by, at(next_week, 11), None)  # done: no date set
    assert remind(fast, at(next_week + timedelta(days=6), 8)) == 0
    assert prasert.received() == [], "reminders are the leader's"


def test_a_request_nobody_took_up_and_a_household_waiting_for_its_check_are_reminded(fast, kanya, dao):  # noqa: F811
    home = registry_data.household(fast, house_no="31", status="pending_check")
    by = account_id(fast, kanya)
    long_ago = at(THURSDAY - timedelta(days=10), 9)
    with fast.uow() as uow:
        uow.session.add(Case(ref="KJ-2569-000077", household_id=home, village_code="46010105", need="money_food",
                             status="new", opened_by=by, created_at=long_ago, updated_at=long_ago))
        uow.session.execute(update(Household).where(Household.id == home).values(updated_at=long_ago))
        uow.commit()
    kanya.received(), dao.received()
    assert remind(fast, at(THURSDAY, 8)) == 1
    summary, cards = kanya.received()
    assert "คำขอที่ยังไม่มีใครรับ 1" in summary["text"] and "รอสอบทาน 1" in summary["text"]
    assert {"KJ-2569-000077", "บ้านเลขที่ 31"} <= {action["label"] for action in actions(cards)}
    assert dao.received() == [], "a leader of another sub-district hears nothing"
    assert remind(fast, at(THURSDAY + timedelta(days=1), 8)) == 0


@pytest.fixture
def supervisor(client, services, standin, pilot_agencies):  # noqa: F811
    with services.uow() as uow:
        code = accounts.create_invite(uow.session, uow.sealer, role="agency", area_code="460101", name="หัวหน้าสุดา",
                                      now=services.clock(), created_by="test", agency_code="KLS-MUN",
                                      supervisor=True)
        uow.commit()
    user = LineUser("U" + "c" * 32, client, services, standin)
    user.says(code)
    user.received()
    return user


def test_a_referral_past_its_service_level_goes_to_the_supervisor_and_coordinator_once_per_stage(
        fast, nok, supervisor, prasert, home):  # noqa: F811
    ref = referral(fast, account_id(fast, nok), home, 9, status="sent", accept_due=THURSDAY - timedelta(days=1),
                   complete_due=THURSDAY + timedelta(days=10))
    nok.received(), supervisor.received(), prasert.received()
    assert clock_process.escalate(fast, at(THURSDAY - timedelta(days=1), 20)).queued == 0
    assert clock_process.escalate(fast, at(THURSDAY, 9)).queued == 2
    for person in (supervisor, prasert):
        summary, cards = person.received()
        assert summary["text"] == "ส่งต่อ 1 รายการเกินระยะเวลาที่กำหนด"
        assert ref in str(cards) and "1 วัน" in str(cards)
    supervisor.taps(flex_data(cards, "เปิดดู"))
    assert ref in str(supervisor.received())
    assert nok.received() == [], "the officer sees it overdue in the digest, not as an escalation"
    assert clock_process.escalate(fast, at(THURSDAY, 10)).queued == 0, "once per stage"
    with fast.uow() as uow:
        uow.session.execute(update(Referral).where(Referral.household_id == home).values(status="accepted"))
        uow.commit()
    assert clock_process.escalate(fast, at(THURSDAY + timedelta(days=5), 9)).queued == 0
    assert clock_process.escalate(fast, at(THURSDAY + timedelta(days=11), 9)).queued == 2, "the next stage"
    assert "ไม่เสร็จภายใน" in str(prasert.received())


def test_the_supervisor_flag_comes_from_the_invite(fast, supervisor):
    from casework.models import RoleGrant
    with fast.uow() as uow:
        assert uow.session.scalar(select(RoleGrant.supervisor).join(Account, Account.id == RoleGrant.account_id)
                                  .where(Account.line_user_id == supervisor.user_id)) is True


def test_a_coordinator_gets_the_area_week_on_its_first_working_day_once(fast, nok, prasert, kanya, home):  # noqa: F811
    """Monday 7 December 2026 is a substitution holiday: the week's digest comes on Tuesday the 8th."""
    from casework.models import Assessment
    by = account_id(fast, kanya)
    with fast.uow() as uow:
        uow.session.execute(update(Household).where(Household.id == home).values(poverty_group=2))
        for group, days_ago in ((1, 200), (2, 2)):
            reviewed = at(date(2026, 12, 8), 7) - timedelta(days=days_ago)
            uow.session.add(Assessment(household_id=home, questionnaire="tpmap-5capitals-v1", answers={}, scores={},
                                       poverty_group=group, status="confirmed", assessed_by=by,
                                       submitted_at=reviewed, reviewed_by=by, reviewed_at=reviewed,
                                       created_at=reviewed))
        uow.commit()
    referral(fast, account_id(fast, nok), home, 21, status="sent", accept_due=date(2026, 12, 1),
             complete_due=date(2026, 12, 30))
    prasert.received(), kanya.received()
    assert remind(fast, at(date(2026, 12, 7), 8)) == 0, "a holiday"
    assert remind(fast, at(date(2026, 12, 8), 8)) == 2, "Prasert's week, and Nok's referrals"
    title, cards = prasert.received()
    assert title["text"] == "พื้นที่ของคุณสัปดาห์นี้ (ตั้งแต่ 8 ธันวาคม 2569)"
    words = str(cards)
    for expected in ("อยู่ยาก 1", "ยืนยันในสัปดาห์นี้: 1", "เลื่อนขึ้นกลุ่ม: 1 · ลง: 0", "ส่งต่อที่ยังเปิด: 1 · เกินกำหนด: 1"):
        assert expected in words
    remind(fast, at(date(2026, 12, 9), 8))
    assert prasert.received() == [], "once a week"
    assert kanya.received() == [], "the leader's is not the coordinator's"
