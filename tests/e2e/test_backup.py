"""docs/operations.md "Backup and restore", followed step by step while a burst runs."""
from __future__ import annotations

import subprocess
import threading

import pytest
from sqlalchemy import create_engine, select, text

from bot.bootstrap import bootstrap
from bot.config import from_env
from casework import inbox
from casework.models import InboxEvent
from tests.e2e import procs
from tests.e2e.system import System, users

pytestmark = [pytest.mark.e2e, pytest.mark.faults]


def libpq_url(url: str) -> str:
    """pg_dump and pg_restore take libpq's URL, without SQLAlchemy's driver name."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def event_ids(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT webhook_event_id FROM inbox_events")).scalars())
    finally:
        engine.dispose()


def opened_with_the_deployments_keys(system: System, database_url: str) -> str:
    """A restored event's sealed payload, opened as the worker would open it; its event id."""
    services = bootstrap(from_env({**system.env, "DATABASE_URL": database_url}))
    try:
        with services.uow() as uow:
            event = uow.session.scalars(select(InboxEvent).where(InboxEvent.payload.is_not(None)).limit(1)).one()
            return inbox.open_payload(uow.sealer, event)["webhookEventId"]
    finally:
        services.engine.dispose()


def test_a_backup_taken_during_a_burst_restores_everything_acknowledged_before_it(running: System, tmp_path):
    people = users(300)
    events = [running.follow(user) for user in people]
    acknowledged: list[str] = []
    lock = threading.Lock()

    def line(part: list[dict]) -> None:
        for event in part:
            status, _ = running.post(event)
            if status == 200:
                with lock:
                    acknowledged.append(event["webhookEventId"])

    senders = [threading.Thread(target=line, args=(events[i::4],)) for i in range(4)]
    for sender in senders:
        sender.start()
    procs.wait_until(lambda: len(acknowledged) >= 60, 30, what="some events acknowledged")
    with lock:
        before_dump = set(acknowledged)
    dump = tmp_path / "kaejon.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={dump}",
                    libpq_url(running.database_url)], check=True, capture_output=True, timeout=120)
    for sender in senders:
        sender.join()
    assert len(before_dump) < len(events), "the burst was over before the backup; the test proves nothing"

    restored = procs.create_database("kaejon_restore")
    try:
        subprocess.run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", f"--dbname={libpq_url(restored)}",
                        str(dump)], check=True, capture_output=True, timeout=120)
        subprocess.run(["bash", "-c", procs.procfile()["release"]], check=True, capture_output=True, cwd=procs.ROOT,
                       env={**running.env, "DATABASE_URL": restored})
        in_restore = event_ids(restored)
        assert before_dump <= in_restore
        assert opened_with_the_deployments_keys(running, restored) in in_restore
    finally:
        procs.drop_database(restored)
