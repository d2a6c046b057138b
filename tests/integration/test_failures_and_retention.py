"""Failures made loud (given-up events, dead messages, health, requeue) and retention."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot import clock as clock_process
from bot import worker
from bot.app import create_app
from bot.config import from_env
from bot.dev import line_events as le
from casework import inbox, outbox, photos
from casework.models import Attachment, InboxEvent, OutboxMessage
from casework.outbox import Failed

ALICE = le.source("U" + "a" * 32)


def record(services, *events):
    with services.uow() as uow:
        inbox.record(uow.session.connection(), uow.sealer, list(events), services.clock())
        uow.commit()


def rows(services, model):
    with services.uow() as uow:
        found = list(uow.session.scalars(select(model).order_by(model.id)))
        uow.session.expunge_all()
        return found


def give_up(services, clock):
    for _ in range(inbox.MAX_ATTEMPTS):
        worker.handle_one_event(services, lambda ctx: 1 / 0)
        clock.advance(hours=1)


def test_a_given_up_event_is_apologized_for_once_and_alerted(fake_services, clock, transport, caplog):
    record(fake_services, le.text(ALICE, None, "hello"))
    with caplog.at_level(logging.ERROR, logger="kaejon"):
        give_up(fake_services, clock)
    assert [r for r in caplog.records if r.getMessage() == "event given up" and r.levelno == logging.ERROR]
    while worker.send_one(fake_services):
        pass
    (call,) = transport.calls
    assert call.recipient == ALICE["userId"]
    assert "ลองใหม่" in call.messages[0]["text"]  # Thai by default

    # Requeued and given up again: still only the one apology.
    with fake_services.uow() as uow:
        assert inbox.requeue(uow.session, clock(), ids=[1]) == 1
        assert inbox.requeue(uow.session, clock(), ids=[1]) == 0
        uow.commit()
    give_up(fake_services, clock)
    while worker.send_one(fake_services):
        pass
    assert len(transport.calls) == 1


def test_a_requeued_event_is_handled(fake_services, clock):
    record(fake_services, le.follow(ALICE, None))
    give_up(fake_services, clock)
    with fake_services.uow() as uow:
        assert inbox.requeue(uow.session, clock(), since=clock() - timedelta(days=1)) == 1
        uow.commit()
    worker.handle_one_event(fake_services)
    (event,) = rows(fake_services, InboxEvent)
    assert (event.status, event.outcome) == ("done", "welcomed")


def test_a_dead_message_is_alerted_and_sent_again_after_requeue(fake_services, clock, transport, caplog):
    record(fake_services, le.follow(ALICE, None))
    worker.handle_one_event(fake_services)
    transport.script = [Failed(error="gone", status=400, permanent=True)]
    with caplog.at_level(logging.ERROR, logger="kaejon"):
        worker.send_one(fake_services)
    assert [r for r in caplog.records if r.getMessage() == "message dead"]
    assert [m.status for m in rows(fake_services, OutboxMessage)] == ["dead"]
    with fake_services.uow() as uow:
        assert [m.id for m in outbox.dead(uow.session)] == [1]
        assert outbox.requeue(uow.session, clock(), ids=[1]) == 1
        uow.commit()
    worker.send_one(fake_services)
    assert [m.status for m in rows(fake_services, OutboxMessage)] == ["sent"]
    assert [c.method for c in transport.calls] == ["push", "push"]


def test_health_detail_names_what_is_wrong(fake_services, clock):
    client = create_app(services=fake_services).test_client()
    response = client.get("/healthz/detail")
    assert response.status_code == 503
    assert set(response.json["failed"]) == {"worker_last_seen_s", "clock_last_seen_s"}
    worker.beat(fake_services)
    clock_process.beat(fake_services)
    assert client.get("/healthz/detail").status_code == 200
    record(fake_services, le.follow(ALICE, None))
    give_up(fake_services, clock)
    worker.beat(fake_services)
    clock_process.beat(fake_services)
    response = client.get("/healthz/detail")
    assert response.status_code == 503
    assert "given_up_events_24h" in response.json["failed"]
    assert response.json["checks"]["given_up_events_24h"] == 1


def test_retention_deletes_only_old_finished_rows(fake_services, clock, monkeypatch):
    keep = from_env({"KAEJON_INBOX_KEEP_DAYS": "10", "KAEJON_OUTBOX_KEEP_DAYS": "10"}, demo=True).keep
    monkeypatch.setattr(fake_services, "settings", replace(fake_services.settings, keep=keep))
    record(fake_services, le.follow(ALICE, None))
    worker.handle_one_event(fake_services)
    worker.send_one(fake_services)
    clock.advance(days=11)
    record(fake_services, le.follow(le.source("U" + "b" * 32), None))
    worker.handle_one_event(fake_services)
    worker.send_one(fake_services)
    assert clock_process.purge_old_rows(fake_services, batch=1) == (1, 1)
    assert [e.id for e in rows(fake_services, InboxEvent)] == [2]
    assert [m.id for m in rows(fake_services, OutboxMessage)] == [2]
    assert clock_process.purge_old_rows(fake_services) == (0, 0)


def test_the_operator_lists_and_requeues_failures(fake_services, clock, database_url, monkeypatch):
    from bot.commands import cli

    record(fake_services, le.text(ALICE, None, "my secret words"))
    give_up(fake_services, clock)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    runner = CliRunner()
    listed = runner.invoke(cli, ["failures", "--hours", str(24 * 365)])
    assert listed.exit_code == 0, listed.output
    assert "event 1 message" in listed.output and "secret" not in listed.output
    assert "dead messages: 0" in listed.output
    again = runner.invoke(cli, ["requeue", "events", "--id", "1"])
    assert again.exit_code == 0 and "requeued 1 events" in again.output
    assert [e.status for e in rows(fake_services, InboxEvent)] == ["pending"]
    done = runner.invoke(cli, ["retention", "run"])
    assert done.exit_code == 0, done.output


@pytest.mark.backends("postgresql")
def test_a_statement_longer_than_the_timeout_is_cut(database_url):
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from casework.db import make_engine

    limits = from_env({"KAEJON_DB_STATEMENT_TIMEOUT_MS": "200"}, demo=True).db_limits
    engine = make_engine(database_url, limits=limits)
    try:
        with engine.connect() as connection, pytest.raises(OperationalError, match="statement timeout"):
            connection.execute(text("SELECT pg_sleep(2)"))
    finally:
        engine.dispose()


@pytest.mark.backends("postgresql")
def test_behind_pgbouncer_nothing_needs_a_session_of_its_own(database_url):
    """PgBouncer in transaction mode hands each transaction any server connection: no startup
    options (the time limits are the role's then) and no statements prepared across transactions."""
    from sqlalchemy import text

    from casework.db import make_engine

    settings = from_env({"KAEJON_DB_PGBOUNCER": "1"}, demo=True)
    assert settings.pgbouncer
    engine = make_engine(database_url, limits=settings.db_limits, pgbouncer=settings.pgbouncer)
    try:
        with engine.connect() as connection:
            for _ in range(8):  # psycopg would prepare from the fifth time on
                connection.execute(text("SELECT 1 WHERE 1 = :one"), {"one": 1})
            assert connection.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar() == 0
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "0"
    finally:
        engine.dispose()


def photo_in_a_check(kanya, services, message_id: str) -> None:
    from tests import registry_data

    household_id = registry_data.household(services)
    kanya.taps(f"a=check&id={household_id}")
    kanya.received()
    kanya.send(le.message(kanya.source(), kanya.reply_token(), {"type": "image", "id": message_id}))
    kanya.received()


def test_an_unsent_photo_and_its_event_are_erased(kanya, services, standin):
    import requests

    requests.post(f"{standin.url}/_standin/content/556001", data=b"\x89PNG" + b"roof" * 50,
                  headers={"Content-Type": "image/png"}, timeout=5).raise_for_status()
    photo_in_a_check(kanya, services, "556001")
    assert worker.fetch_one_photo(services)
    kanya.send(le.event("unsend", kanya.source(), unsend={"messageId": "556001"}))
    kanya.received()
    with services.uow() as uow:
        photo = uow.session.scalars(select(Attachment)).one()
        assert (photo.status, photo.content) == ("erased", None)
        events = uow.session.scalars(select(InboxEvent).where(InboxEvent.event_type == "message")).all()
        kept = [inbox.open_payload(uow.sealer, e).get("message", {}).get("id") for e in events]
        assert "556001" not in kept
        assert uow.session.scalars(select(InboxEvent).where(InboxEvent.event_type == "unsend")).one().outcome \
            == "unsent"


def test_photo_downloads_back_off_and_the_leader_hears_when_one_is_lost(kanya, services, monkeypatch):
    from bot.line.content import ContentError

    class Flaky:
        calls = 0

        def fetch(self, message_id):
            Flaky.calls += 1
            raise ContentError("503", permanent=False)

    monkeypatch.setattr(services, "content", Flaky())
    photo_in_a_check(kanya, services, "556002")
    assert worker.fetch_one_photo(services)
    assert not worker.fetch_one_photo(services)  # not due again at once: it backs off
    assert Flaky.calls == 1
    for _ in range(photos.MAX_ATTEMPTS):
        with services.uow() as uow:
            photo = uow.session.scalars(select(Attachment)).one()
            assert photo.next_attempt_at is not None or photo.status == "failed"
            photo.next_attempt_at = None
            uow.commit()
        worker.fetch_one_photo(services)
    assert Flaky.calls == photos.MAX_ATTEMPTS
    with services.uow() as uow:
        assert uow.session.scalars(select(Attachment)).one().status == "failed"
    assert any("กรุณาส่งรูปนั้นอีกครั้ง" in text for text in kanya.received_texts())


def test_every_worker_beats_under_one_name_and_the_latest_beat_counts(fake_services, clock):
    from casework import health
    from casework.models import Heartbeat

    first = clock()
    for minutes in (0, 1):  # two workers, one after the other
        with fake_services.uow() as uow:
            health.beat(uow.session, "worker", first + timedelta(minutes=minutes))
            uow.commit()
    with fake_services.uow() as uow:
        assert [(b.name, b.seen_at) for b in uow.session.scalars(select(Heartbeat))] == [
            ("worker", first + timedelta(minutes=1))]
