"""Property-based: bodies built from LINE's webhook.yml, spoilt, correctly signed and sent
to /callback. Never a 5xx; a refused body stores nothing; what is stored is handled by the
worker without a crashed handler."""
from __future__ import annotations

import os
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from bot import webhook, worker
from bot.dev import line_events as le
from casework import inbox
from casework.crypto import Place, Sealer
from casework.models import InboxEvent
from tests.badinput import schema
from tests.badinput.conftest import SENT
from tests.conftest import CHANNEL_SECRET

# Per run: PARSE_EXAMPLES through the parse-and-summarize path (no database), and on
# each backend CALLBACK_EXAMPLES through /callback and WORKER_EXAMPLES on to the worker.
SCALE = float(os.environ.get("KAEJON_BADINPUT_SCALE", "1"))
PARSE_EXAMPLES = int(10_000 * SCALE)
CALLBACK_EXAMPLES = int(1_500 * SCALE)
WORKER_EXAMPLES = int(400 * SCALE)
SEALER = Sealer("bad-input-test-key")
SETTINGS = {"derandomize": True, "deadline": None, "database": None,
            "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large]}


def post(client, body: bytes):
    return client.post("/callback", data=body, headers={"X-Line-Signature": le.sign(body, CHANNEL_SECRET)})


def count(services) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(InboxEvent))


@settings(max_examples=PARSE_EXAMPLES, **SETTINGS)
@given(schema.events())
def test_every_body_is_refused_or_read_into_storable_summaries(events):
    SENT["parse"] += 1
    body = schema.body(events)
    parsed = webhook._events(body.decode("utf-8"))
    if parsed is None:
        return
    now = datetime.now(UTC)
    for event in parsed:
        summary = inbox.summarize(event, now)
        plain = [summary.webhook_event_id, summary.event_type, summary.source_type, summary.chat_key, summary.mode]
        for value in filter(None, plain):
            assert "\x00" not in value
            value.encode("utf-8")
        assert summary.occurred_at <= now
        place = Place("inbox_events", "payload", summary.webhook_event_id)
        assert SEALER.open_json(SEALER.seal_json(event, place), place) == event


def test_no_body_built_from_the_schema_gets_a_5xx_or_is_half_stored(fake_client, fake_services):
    @settings(max_examples=CALLBACK_EXAMPLES, **SETTINGS)
    @given(schema.events())
    def send(events):
        before = count(fake_services)
        response = post(fake_client, schema.body(events))
        SENT["callback"] += 1
        assert response.status_code in (200, 400), response.status_code
        added = count(fake_services) - before
        assert added == 0 if response.status_code == 400 else added <= len(events)

    send()


def test_the_worker_handles_every_stored_event_without_a_crash(fake_client, fake_services):
    @settings(max_examples=WORKER_EXAMPLES, **SETTINGS)
    @given(schema.events(max_size=2))
    def send_and_handle(events):
        response = post(fake_client, schema.body(events))
        SENT["callback+worker"] += 1
        assert response.status_code < 500
        while worker.handle_one_event(fake_services):
            pass
        with fake_services.uow() as uow:
            failed = uow.session.execute(
                select(InboxEvent.event_type, InboxEvent.error).where(InboxEvent.error.is_not(None))).all()
        assert failed == []

    send_and_handle()
