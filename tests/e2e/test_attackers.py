"""Forged, replayed and oversized webhooks under gunicorn, refused cheaply."""
from __future__ import annotations

import statistics
import time

import pytest
import requests

from bot.dev import line_events as le
from tests.e2e import attacks
from tests.e2e.system import SECRET, post_all, users

pytestmark = [pytest.mark.e2e, pytest.mark.faults]


def test_forged_and_missing_signatures_are_refused_and_store_nothing(system):
    before = system.scalar("SELECT count(*) FROM inbox_events")
    (user,) = users(1)
    event = system.follow(user)
    body = le.payload([event])
    forged = [system.post(event, signature=attacks.forged_signature(body)) for _ in range(3)]
    missing = requests.post(f"{system.web_url}/callback", data=body, timeout=10,
                            headers={"Content-Type": "application/json"})
    assert {status for status, _ in forged} == {400}
    assert missing.status_code == 400
    assert system.scalar("SELECT count(*) FROM inbox_events") == before
    assert system.sent_to({user}) == []


def test_a_replayed_body_is_stored_once_and_answered_once(running):
    (user,) = users(1)
    event = running.follow(user)
    assert running.post(event)[0] == 200
    assert running.wait_for_answers({user}, timeout=20) == {user: 1}
    replays = post_all(running, [event] * 20, concurrency=4)
    assert {status for status, _ in replays} == {200}
    time.sleep(1.5)
    assert running.wait_for_answers({user}, timeout=5) == {user: 1}
    assert running.scalar(f"SELECT count(*) FROM inbox_events WHERE webhook_event_id = "
                          f"'{event['webhookEventId']}'") == 1


def test_a_10_mb_body_is_refused_with_413_before_it_is_read(system):
    status, sent, seconds = attacks.oversized(system.web_url)
    assert status == 413
    assert sent < attacks.MEGABYTE
    assert seconds < 2.0
    assert system.post(system.follow(users(1)[0]))[0] == 200, "the web process still answers"


def test_a_correctly_signed_chunked_body_over_the_cap_is_never_stored(system):
    """No length announced, so the cap cannot be checked up front; whatever the
    answer (413, or 400 for a body cut at the cap), nothing of it is stored."""
    before = system.scalar("SELECT count(*) FROM inbox_events")
    (user,) = users(1)
    event = le.text(le.source(user), None, "ก" * 1000)
    body = le.payload([event] * 1200)  # about 3.6 MB
    assert len(body) > 3 * attacks.MEGABYTE
    status, seconds = attacks.chunked(system.web_url, body, le.sign(body, SECRET))
    assert status in {400, 413}
    assert seconds < 5.0
    assert system.scalar("SELECT count(*) FROM inbox_events") == before


def test_a_forged_request_costs_no_more_than_a_valid_one(system):
    (user,) = users(1)
    event = system.follow(user)
    body = le.payload([event])
    signature = attacks.forged_signature(body)
    forged = [system.post(event, signature=signature)[1] for _ in range(100)]
    valid = [system.post(system.follow(user))[1] for _ in range(30)]
    assert statistics.median(forged) <= statistics.median(valid) * 1.5
