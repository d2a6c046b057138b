"""LINE failing (429, 500, down, hanging) and worker and clock SIGKILLed mid-burst:
every event is answered once LINE is back, and never twice."""
from __future__ import annotations

import random
import threading
import time

import pytest

from tests.e2e import procs
from tests.e2e.system import System, logs_naming, post_all, users

pytestmark = [pytest.mark.e2e, pytest.mark.faults]

SENDS = ["/v2/bot/message/reply", "/v2/bot/message/push"]


def settled(system: System) -> bool:
    return system.scalar("SELECT count(*) FROM inbox_events WHERE status = 'pending'") == 0 and \
        system.scalar("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')") == 0


def answered_once(system: System, people: list[str], timeout: float = 60) -> None:
    system.wait_for_answers(set(people), timeout=timeout)
    procs.wait_until(lambda: settled(system), timeout, interval=0.5, what="inbox and outbox settled")
    answers = system.wait_for_answers(set(people), timeout=5)
    assert len(answers) == len(people)
    assert set(answers.values()) == {1}, {user: n for user, n in answers.items() if n != 1}


def statuses_seen(system: System) -> list[int]:
    items = system.session.get(f"{system.standin_url}/_standin/requests", timeout=10).json()["items"]
    return [item["status"] for item in items if item["path"] in SENDS]


def test_rate_limited_with_retry_after_then_everything_arrives_once(running):
    running.fault(status=429, retry_after=1, times=8, paths=SENDS)
    people = users(8)
    assert {status for status, _ in post_all(running, [running.follow(user) for user in people])} == {200}
    answered_once(running, people)
    assert statuses_seen(running).count(429) == 8


def test_line_down_then_back_delivers_everything_once(running):
    """The connection is dropped without an answer: the sender cannot know whether
    LINE acted, so replies are checked through the token and pushes carry a retry key."""
    running.fault(down=True, times=10, paths=SENDS)
    people = users(8)
    assert {status for status, _ in post_all(running, [running.follow(user) for user in people])} == {200}
    answered_once(running, people)
    assert running.scalar("SELECT count(*) FROM outbox WHERE status = 'dead'") == 0


def test_line_refusing_connections_then_back_delivers_everything_once(system):
    """Nothing listens where LINE should be; once it is reachable again, all arrives once."""
    system.clear_faults()
    system.start_worker(LINE_API_ENDPOINT=f"http://127.0.0.1:{procs.free_port()}")
    try:
        people = users(6)
        assert {status for status, _ in post_all(system, [system.follow(user) for user in people])} == {200}
        procs.wait_until(lambda: system.scalar(
            "SELECT count(*) FROM outbox WHERE attempts >= 2 AND last_error LIKE '%Connection%'") >= len(people),
            30, what="sends refused twice")
        assert system.sent_to(set(people)) == []
        system.stop_workers()
        system.start_worker()
        answered_once(system, people)
    finally:
        system.stop_workers()


def test_line_hanging_past_the_read_timeout_then_back_delivers_everything_once(system):
    """LINE takes 3 s while the worker waits 1 s: each call times out, although LINE
    may act on it afterwards; once LINE is quick again every answer is there, once."""
    system.clear_faults()
    retried = "SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts >= 2"
    retried_before = system.scalar(retried)
    system.fault(delay=3.0, paths=SENDS)
    procs.wait_for_log(system.start_worker(LINE_READ_TIMEOUT="1"), "worker started")
    try:
        people = users(6)
        results = post_all(system, [system.follow(user) for user in people])
        assert {status for status, _ in results} == {200}
        assert max(elapsed for _, elapsed in results) < 2.0
        time.sleep(4)
        system.clear_faults()
        answered_once(system, people)
        assert system.scalar(retried) > retried_before, "no call timed out and was tried again"
    finally:
        system.clear_faults()
        system.stop_workers()


def paced(system: System, events: list[dict], per_second: float) -> list[int]:
    """Deliver events one by one at a steady rate, as a burst spread over a few seconds."""
    statuses = []
    for event in events:
        statuses.append(system.post(event)[0])
        time.sleep(1 / per_second)
    return statuses


def test_worker_and_clock_sigkilled_at_random_points_mid_burst(system):
    """Three rounds of SIGKILL at random moments while events arrive, each followed by a restart."""
    system.clear_faults()
    system.fault(delay=0.02, paths=SENDS)
    chance = random.Random()
    clock = procs.start_process("clock", system.env, system.log_dir)
    system.start_worker(KAEJON_SEND_THREADS="4")
    system.start_worker(KAEJON_SEND_THREADS="4")
    people = users(240)
    statuses: list[int] = []
    burst = threading.Thread(target=lambda: statuses.extend(
        paced(system, [system.follow(user) for user in people], per_second=80)))
    try:
        burst.start()
        answered_at_kills = []
        for _ in range(3):
            time.sleep(chance.uniform(0.2, 0.9))
            victim = chance.choice(system.workers)
            procs.kill(victim)
            system.workers.remove(victim)
            procs.kill(clock)
            answered_at_kills.append(len(system.sent_to(set(people))))
            system.start_worker(KAEJON_SEND_THREADS="4")
            clock = procs.start_process("clock", system.env, system.log_dir)
        burst.join()
        assert answered_at_kills[-1] < len(people), "the kills came after the burst; the test proves nothing"
        assert set(statuses) == {200}
        answered_once(system, people, timeout=90)
        procs.wait_for_log(clock, "clock started")
        assert logs_naming(system, set(people)) == set()
    finally:
        burst.join()
        procs.stop(clock)
        system.clear_faults()
        system.stop_workers()


def test_a_worker_stops_promptly_on_sigterm(system):
    """A platform sends SIGTERM and, some seconds later, SIGKILL: an idle worker must
    not sit out its longest poll interval before leaving."""
    worker = system.start_worker()
    procs.wait_for_log(worker, "worker started")
    started = time.monotonic()
    assert procs.stop(worker) == 0
    system.workers.remove(worker)
    assert time.monotonic() - started < 5.0
