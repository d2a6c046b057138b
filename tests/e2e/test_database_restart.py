"""PostgreSQL restarted during a burst, on a private cluster (never the shared server).

LINE redelivers what the webhook did not acknowledge with a 200; the test does the
same. Nothing acknowledged may be lost, nothing handled twice, and the workers must
come back on their own.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e import procs
from tests.e2e.cluster import Cluster, bin_dir, private_cluster
from tests.e2e.system import System, launched, logs_naming, users

pytestmark = [pytest.mark.e2e, pytest.mark.faults]


@pytest.fixture(scope="module")
def restartable(request, tmp_path_factory) -> Iterator[tuple[System, Cluster]]:
    if "postgresql" not in request.config.getoption("databases"):
        pytest.skip("the end-to-end tests run on PostgreSQL, which --databases left out")
    if bin_dir() is None:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    with private_cluster() as cluster, launched(tmp_path_factory.mktemp("logs"), admin_url=cluster.admin_url,
                                                LINE_READ_TIMEOUT="3") as system:
        yield system, cluster


def deliver(system: System, event: dict) -> int:
    """One delivery attempt, as LINE makes it; 0 when no HTTP answer came back."""
    try:
        return system.post(event)[0]
    except requests.RequestException:
        return 0


def stored_event_ids(system: System) -> set[str]:
    return set(system.scalar("SELECT array_agg(webhook_event_id) FROM inbox_events") or [])


def settled(system: System) -> bool:
    return system.scalar("SELECT count(*) FROM inbox_events WHERE status = 'pending'") == 0 and \
        system.scalar("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0


def test_a_database_restart_mid_burst_loses_nothing_acknowledged_and_doubles_nothing(restartable):
    system, cluster = restartable
    workers = [system.start_worker(), system.start_worker()]
    people = users(200)
    events = [system.follow(user) for user in people]
    with ThreadPoolExecutor(8) as pool:
        futures = []
        for index, event in enumerate(events):
            futures.append(pool.submit(deliver, system, event))
            if index == 50:
                cluster.stop("immediate")
                restart = pool.submit(lambda: (time.sleep(1.5), cluster.start()))
            time.sleep(0.02)
        restart.result()
        statuses = [future.result() for future in futures]

    print("statuses during the restart:", dict(Counter(statuses)))
    acknowledged = {event["webhookEventId"] for event, status in zip(events, statuses) if status == 200}
    assert len(acknowledged) < len(events), "no request met the restart; the test proves nothing"
    assert set(statuses) <= {0, 200, 500, 502, 503}
    assert acknowledged <= stored_event_ids(system), "a 200 was given for an event not stored"

    # LINE redelivers whatever was not acknowledged.
    unacknowledged = [event for event, status in zip(events, statuses) if status != 200]
    deadline = time.monotonic() + 30
    while unacknowledged and time.monotonic() < deadline:
        unacknowledged = [event for event in unacknowledged if deliver(system, event) != 200]
        time.sleep(0.2)
    assert not unacknowledged

    answers = system.wait_for_answers(set(people), timeout=60)
    procs.wait_until(lambda: settled(system), 60, interval=0.5, what="inbox and outbox settled")
    answers = system.wait_for_answers(set(people), timeout=5)
    assert len(answers) == 200 and set(answers.values()) == {1}
    assert system.scalar("SELECT count(*) FROM inbox_events") == 200
    assert all(worker.poll() is None for worker in workers), "a worker died with the database"
    assert logs_naming(system, set(people)) == set(), "a user id reached the logs with the errors"
