from bot import clock as clock_process
from bot import line_events as le
from bot import worker
from casework import inbox
from casework.models import InboxEvent


def test_the_clock_schedules_housekeeping(fake_services):
    scheduler = clock_process.build_scheduler(fake_services)
    assert [job.id for job in scheduler.get_jobs()] == ["forget_old_payloads"]


def test_housekeeping_forgets_only_old_handled_events(fake_services, clock):
    with fake_services.uow() as uow:
        inbox.record(uow.session, uow.sealer, [le.follow(le.source("U" + "a" * 32), "t")], clock())
        uow.commit()
    worker.handle_one_event(fake_services)
    assert clock_process.forget_old_payloads(fake_services) == 0
    clock.advance(days=fake_services.settings.inbox_retention_days + 1)
    assert clock_process.forget_old_payloads(fake_services) == 1
    with fake_services.uow() as uow:
        assert uow.session.get(InboxEvent, 1).payload is None

