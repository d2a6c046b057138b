from bot import clock as clock_process
from bot.dev import line_events as le
from bot import worker
from casework import conversations, inbox
from casework.models import InboxEvent


def test_the_clock_schedules_digests_and_housekeeping(fake_services):
    scheduler = clock_process.build_scheduler(fake_services)
    assert [job.id for job in scheduler.get_jobs()] == ["digests", "forget_old_payloads", "let_go_of_idle_flows",
                                                      "purge_old_rows", "forget_old_notices", "expire_referrals", "escalate",
                                                      "heartbeat"]
    assert all(job.coalesce and job.misfire_grace_time for job in scheduler.get_jobs())


def test_housekeeping_forgets_only_old_handled_events(fake_services, clock):
    with fake_services.uow() as uow:
        inbox.record(uow.session.connection(), uow.sealer, [le.follow(le.source("U" + "a" * 32), "t")], clock())
        uow.commit()
    worker.handle_one_event(fake_services)
    assert clock_process.forget_old_payloads(fake_services) == 0
    clock.advance(days=fake_services.settings.inbox_retention_days + 1)
    assert clock_process.forget_old_payloads(fake_services) == 1
    with fake_services.uow() as uow:
        assert uow.session.get(InboxEvent, 1).payload is None



def keep(uow, chat_id: str, clock, *frames: tuple[str, dict]) -> None:
    conversations.store(uow.session, uow.sealer, chat_id,
                        conversations.Conversation([conversations.Frame(*frame) for frame in frames]), clock())


def top(services, chat_id: str) -> conversations.Frame | None:
    with services.uow() as uow:
        return conversations.load(uow.session, uow.sealer, chat_id).top


def test_half_answered_short_flows_are_let_go_after_a_day_and_what_they_interrupted_comes_back(fake_services, clock):
    paused, idle, busy = "U" + "b" * 32, "U" + "c" * 32, "U" + "d" * 32
    with fake_services.uow() as uow:
        keep(uow, paused, clock, ("assess", {"household": 7}), ("rights", {"answers": {"age": 72}}))
        keep(uow, idle, clock, ("rights", {"answers": {"age": 40}}))
        uow.commit()
    clock.advance(hours=23)
    with fake_services.uow() as uow:
        keep(uow, busy, clock, ("help", {"need": "health"}))
        uow.commit()
    assert clock_process.let_go_of_idle_flows(fake_services) == 0
    clock.advance(hours=2)
    assert clock_process.let_go_of_idle_flows(fake_services) == 2
    assert top(fake_services, paused) == conversations.Frame("assess", {"household": 7})
    assert top(fake_services, idle) is None
    assert top(fake_services, busy) == conversations.Frame("help", {"need": "health"})
    clock.advance(days=30)
    assert clock_process.let_go_of_idle_flows(fake_services) == 1  # the leader's paused check stays
    assert top(fake_services, paused) == conversations.Frame("assess", {"household": 7})
