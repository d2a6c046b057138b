"""Issue 12: agency staff get their referrals digest at their time on working days, exactly
once however the clock is run; a group chat gets counts only; a missed digest goes late
within the grace window and not after it."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from bot import clock as clock_process
from bot.bootstrap import bootstrap
from casework.digests.schedule import Pacing
from casework.models import Account, Case, DigestPreference, Notice, OutboxMessage, Referral
from casework.thai_time import THAILAND
from tests import registry_data
from tests.integration.test_referrals_chat import GROUP, actions, flex_data, group, nok, pilot_agencies, pim  # noqa: F401

# Thursday 3 December 2026 is a working day; Saturday the 5th is not.
THURSDAY = date(2026, 12, 3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), THAILAND)


def account_id(services, user) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(Account.id).where(Account.line_user_id == user.user_id))


def referral(services, by: int, household: int, number: int, *, status: str, accept_due: date,
             complete_due: date, agency: str = "KLS-MUN", service: str = "allowances") -> str:
    from casework.models import Agency
    now = services.clock()
    ref = f"KJ-2569-{number:06d}"
    with services.uow() as uow:
        agency_id = uow.session.scalar(select(Agency.id).where(Agency.code == agency))
        case = Case(ref=ref, household_id=household, village_code="46010105", need="money", status="referred",
                    opened_by=by, created_at=now, updated_at=now)
        uow.session.add(case)
        uow.session.flush()
        uow.session.add(Referral(case_id=case.id, household_id=household, village_code="46010105",
                                 agency_id=agency_id, service=service, status=status, made_by=by, created_at=now,
                                 sent_at=now, accept_due=accept_due, complete_due=complete_due, updated_at=now))
        uow.commit()
    return ref


@pytest.fixture
def fast(services):
    """The services with bulk sends unpaced, so that a test's worker finds every digest due."""
    quick = bootstrap(replace(services.settings, pacing=Pacing(per_second=1e6)))
    yield quick
    quick.engine.dispose()


@pytest.fixture
def referrals(services, nok):  # noqa: F811
    """At the municipality, on 3 December: two overdue, one new, one due this week, one later."""
    by, home = account_id(services, nok), registry_data.household(services, status="verified")
    day = THURSDAY
    return {
        "overdue": [referral(services, by, home, 1, status="sent", accept_due=day - timedelta(days=2),
                             complete_due=day + timedelta(days=20)),
                    referral(services, by, home, 2, status="accepted", accept_due=day - timedelta(days=9),
                             complete_due=day - timedelta(days=1))],
        "new": [referral(services, by, home, 3, status="sent", accept_due=day + timedelta(days=2),
                         complete_due=day + timedelta(days=30))],
        "this_week": [referral(services, by, home, 4, status="in_progress", accept_due=day - timedelta(days=3),
                               complete_due=day + timedelta(days=4))],
        "later": [referral(services, by, home, 5, status="accepted", accept_due=day - timedelta(days=3),
                           complete_due=day + timedelta(days=25))],
    }


def test_an_officer_gets_one_digest_at_eight_with_buttons_that_open_each_referral(fast, nok, referrals):  # noqa: F811
    nok.received()
    assert clock_process.send_digests(fast, at(THURSDAY, 7, 59)).queued == 0
    run = clock_process.send_digests(fast, at(THURSDAY, 8, 0))
    assert (run.queued, run.late) == (1, 0)
    summary, carousel = nok.received()
    assert summary["text"] == "รายการส่งต่อของคุณ วันที่ 3 ธันวาคม 2569: เกินกำหนด 2 รายการ, ใหม่ 1 รายการ, " \
                              "ครบกำหนดในสัปดาห์นี้ 1 รายการ"
    labels = [action["label"] for action in actions(carousel)]
    assert labels == ["KJ-2569-000001", "KJ-2569-000002", "KJ-2569-000003", "KJ-2569-000004", "เปิดรายการของฉัน"]
    assert "KJ-2569-000005" not in str(carousel) and "สมชาย" not in str(carousel)
    nok.taps(flex_data(carousel, "KJ-2569-000003"))
    (card,) = nok.received()
    assert card["altText"] == "KJ-2569-000003" and "รับเรื่อง" in str(card)
    for later in (at(THURSDAY, 8, 0), at(THURSDAY, 8, 30), at(THURSDAY, 11, 0)):
        assert clock_process.send_digests(fast, later).queued == 0
    assert nok.received() == []


def test_no_digest_on_a_weekend_or_before_the_chosen_time_and_a_paused_one_stays_quiet(fast, nok, pim, referrals):  # noqa: F811
    with fast.uow() as uow:
        uow.session.add(DigestPreference(account_id=account_id(fast, pim), send_at=time(9, 30), paused=False,
                                         channel="line", all_clear=True, updated_at=fast.clock()))
        uow.session.add(DigestPreference(account_id=account_id(fast, nok), send_at=time(8, 0), paused=True,
                                         channel="line", all_clear=True, updated_at=fast.clock()))
        uow.commit()
    nok.received(), pim.received()
    assert clock_process.send_digests(fast, at(date(2026, 12, 5), 10, 0)).queued == 0  # a Saturday
    assert clock_process.send_digests(fast, at(THURSDAY, 9, 0)).queued == 0
    assert clock_process.send_digests(fast, at(THURSDAY, 9, 30)).queued == 1
    assert nok.received() == [] and len(pim.received()) == 2


def granted(services, user, when: datetime) -> None:
    from casework.models import RoleGrant
    with services.uow() as uow:
        for grant in uow.session.scalars(select(RoleGrant).where(RoleGrant.account_id == account_id(services, user))):
            grant.granted_at = when
        uow.commit()


def test_a_missed_digest_goes_late_within_the_grace_window_and_not_after_it(fast, nok, referrals):  # noqa: F811
    granted(fast, nok, at(THURSDAY - timedelta(days=7), 9))
    nok.received()
    assert clock_process.send_digests(fast, at(THURSDAY, 12, 30)).queued == 0  # 4 h 30 after 08:00: missed
    run = clock_process.send_digests(fast, at(THURSDAY + timedelta(days=1), 10, 0))
    assert (run.queued, run.late) == (1, 1)
    (summary, _) = nok.received()
    assert "4 ธันวาคม 2569" in summary["text"] and "ส่งช้า" in summary["text"]


def test_a_new_officers_first_digest_after_her_time_has_passed_is_not_called_late(fast, nok, referrals):  # noqa: F811
    """She was made an officer at 09:30; the digest of 08:00 was not owed her then, so the
    one she gets at 10:00 is on time, not "sent late"."""
    granted(fast, nok, at(THURSDAY, 9, 30))
    nok.received()
    run = clock_process.send_digests(fast, at(THURSDAY, 10, 0))
    assert (run.queued, run.late) == (1, 0)
    (summary, _) = nok.received()
    assert "3 ธันวาคม 2569" in summary["text"] and "ส่งช้า" not in summary["text"]


def test_nothing_to_act_on_is_a_short_all_clear_or_nothing_as_the_officer_chose(fast, nok, pim):  # noqa: F811
    with fast.uow() as uow:
        uow.session.add(DigestPreference(account_id=account_id(fast, pim), send_at=time(8, 0), paused=False,
                                         channel="line", all_clear=False, updated_at=fast.clock()))
        uow.commit()
    nok.received(), pim.received()
    run = clock_process.send_digests(fast, at(THURSDAY, 8, 5))
    assert (run.queued, run.nothing) == (1, 1)
    (clear,) = nok.received()
    assert "ไม่มีรายการรอคุณ" in clear["text"]
    assert pim.received() == []
    assert clock_process.send_digests(fast, at(THURSDAY, 8, 6)) == clock_process.DigestRun()


def test_a_group_gets_counts_only_and_its_button_opens_the_list_in_the_officers_own_chat(fast, nok, group,  # noqa: F811
                                                                                       referrals):
    nok.received(), group.received()
    clock_process.send_digests(fast, at(THURSDAY, 8, 0))
    (counts,) = group.received()
    nok.received()  # Nok's own digest
    assert "KJ-2569" not in str(counts) and "เกินกำหนด 2 รายการ" in str(counts)
    group.taps(flex_data(counts, "เปิดในแชทของฉัน"))
    assert group.received()[0]["text"] == "ส่งไปที่แชทส่วนตัวของคุณกับแก้จนแล้ว"
    listed = nok.received()
    assert listed[0]["text"].startswith("ส่งต่อ 5 รายการ") and "KJ-2569-000001" in str(listed)


def test_digests_leave_paced_at_the_configured_rate(services, nok, pim, referrals):  # noqa: F811
    slow = bootstrap(replace(services.settings, pacing=Pacing(per_second=2)))
    try:
        assert clock_process.send_digests(slow, at(THURSDAY, 8, 0)).queued == 2
        with slow.uow() as uow:
            first, second = uow.session.scalars(select(OutboxMessage.next_attempt_at)
                                                .where(OutboxMessage.dedupe_key.like("digest-staff:%"))
                                                .order_by(OutboxMessage.id))
    finally:
        slow.engine.dispose()
    assert second - first == timedelta(seconds=0.5)


def test_a_run_killed_midway_sends_the_rest_on_restart_and_nothing_twice(fast, nok, pim, referrals, monkeypatch):  # noqa: F811
    nok.received(), pim.received()
    built = clock_process.digest_messages.build

    def dies_on_the_second(tr, language, digest, calls=[]):
        calls.append(digest)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process killed between two batches
        return built(tr, language, digest)

    monkeypatch.setattr(clock_process.digest_messages, "build", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        clock_process.send_digests(fast, at(THURSDAY, 8, 0), batch=1)
    monkeypatch.setattr(clock_process.digest_messages, "build", built)
    assert clock_process.send_digests(fast, at(THURSDAY, 8, 1)).queued == 1
    assert clock_process.send_digests(fast, at(THURSDAY, 8, 2)).queued == 0
    assert len(nok.received()) == 2 and len(pim.received()) == 2


def test_four_clocks_at_once_send_each_digest_once(fast, nok, pim, referrals):  # noqa: F811
    runs: list[clock_process.DigestRun] = []
    start = threading.Barrier(4)

    def clock() -> None:
        start.wait()
        runs.append(clock_process.send_digests(fast, at(THURSDAY, 8, 0), batch=1))

    threads = [threading.Thread(target=clock) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(run.queued for run in runs) == 2
    with fast.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Notice)) == 2
        assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)
                                  .where(OutboxMessage.dedupe_key.like("digest-staff:%"))) == 2


@pytest.fixture
def kaejon(database_url, monkeypatch):
    from click.testing import CliRunner

    from bot.commands import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    return lambda *args: CliRunner().invoke(cli, list(args))


def test_the_command_line_previews_a_digest_and_runs_those_due_once(kaejon, fast, nok, referrals):  # noqa: F811
    nok.received()
    shown = kaejon("digest", "preview", "--to", nok.user_id, "--at", "2026-12-03T06:00")
    assert shown.exit_code == 0, shown.output
    assert "เกินกำหนด 2 รายการ" in shown.output and "[KJ-2569-000001]" in shown.output
    assert nok.received() == [], "a preview sends nothing"
    assert "queued: 1;" in kaejon("digest", "run", "--at", "2026-12-03T08:00").output
    assert "queued: 0;" in kaejon("digest", "run", "--at", "2026-12-03T08:05").output
    assert len(nok.received()) == 2
    assert kaejon("digest", "preview", "--to", "U" + "9" * 32).exit_code != 0


def test_each_run_of_a_job_is_in_the_run_log(fast, nok, referrals):  # noqa: F811
    from casework import clock_log

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast, "clock", lambda: at(THURSDAY, 8, 0))
        clock_process.logged("digests", clock_process.digests)(fast)

        def broken(services):
            raise RuntimeError("database gone")

        with pytest.raises(RuntimeError):
            clock_process.logged("expire_referrals", broken)(fast)
    with fast.uow() as uow:
        failed, sent = clock_log.recent(uow.session)
        assert (sent.job, sent.sent, sent.failed, sent.ended_at is not None) == ("digests", 1, 0, True)
        assert (failed.job, failed.note) == ("expire_referrals", "RuntimeError: database gone")


def test_an_officer_changes_the_time_pauses_and_chooses_email_in_chat(fast, nok, somchai, referrals):  # noqa: F811
    nok.received()
    nok.taps("a=notify")
    (card,) = nok.received()
    assert "ทุกวันทำการ เวลา 08:00" in str(card)
    nok.taps(flex_data(card, "เปลี่ยนเวลา"))
    (asked,) = nok.received()
    nok.taps(next(item["action"]["data"] for item in asked["quickReply"]["items"]
                  if item["action"]["label"] == "09:00"))
    assert "ทุกวันทำการ เวลา 09:00" in str(nok.received())
    assert clock_process.send_digests(fast, at(THURSDAY, 8, 0)).queued == 0
    assert clock_process.send_digests(fast, at(THURSDAY, 9, 0)).queued == 1
    nok.received()
    nok.taps("a=npause&v=1")
    assert "หยุดไว้" in str(nok.received())
    assert clock_process.send_digests(fast, at(THURSDAY + timedelta(days=1), 9, 0)).queued == 0
    nok.taps("a=nchan&v=email")
    nok.received()
    nok.says("not an address")
    assert "อีเมล" in nok.received()[0]["text"]
    nok.says("nok@kalasin.go.th")
    assert "nok@kalasin.go.th" in str(nok.received())
    with fast.uow() as uow:
        preference = uow.session.get(DigestPreference, account_id(fast, nok))
        assert preference.channel == "email" and b"nok@" not in preference.email
    somchai.taps("a=notify")
    assert somchai.received()[0]["text"] == "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"


def test_near_the_push_quota_only_what_needs_acting_on_goes_and_operators_are_alerted(
        client, standin, fast, nok, pim, group, referrals, caplog):  # noqa: F811
    """Nok and Pim have referrals overdue and new; the hospital's officer has nothing (an all
    clear) and the group would get counts. With 3 of 1,000 pushes left, only Nok's and Pim's go."""
    import requests

    from tests.integration.test_referrals_chat import staff
    doctor = staff(client, fast, standin, "d", "HOSP-4601", "หมอ", area="4601")
    for person in (nok, pim, doctor, group):
        person.received()
    requests.post(f"{standin.url}/_standin/quota", json={"limit": 1000, "used": 997}, timeout=5).raise_for_status()
    run = clock_process.send_digests(fast, at(THURSDAY, 8, 0))
    assert run.queued == 2
    assert any(getattr(record, "fields", {}).get("alert") == "push_quota_low" for record in caplog.records)
    assert len(nok.received()) == 2 and len(pim.received()) == 2
    assert doctor.received() == [] and group.received() == []
    requests.post(f"{standin.url}/_standin/quota", json={"limit": 1000, "used": 0}, timeout=5).raise_for_status()
    assert clock_process.send_digests(fast, at(THURSDAY, 8, 30)).queued == 2, "with quota again, the rest go"


def test_notices_and_the_run_log_are_forgotten_with_the_outbox(fast, nok, referrals):  # noqa: F811
    from casework.models import ClockRun
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast, "clock", lambda: at(THURSDAY, 8, 0))
        clock_process.logged("digests", clock_process.digests)(fast)
        assert clock_process.forget_old_notices(fast) == 0
        patch.setattr(fast, "clock", lambda: at(THURSDAY, 8, 0) + fast.settings.keep.outbox + timedelta(hours=1))
        assert clock_process.forget_old_notices(fast, batch=1) == 2
    with fast.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Notice)) == 0
        assert uow.session.scalar(select(func.count()).select_from(ClockRun)) == 0
