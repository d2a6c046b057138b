"""Signed but malformed payloads (issue 9, hole 5): answered 400 or taken as LINE's schema
allows, never a 5xx, and never half-stored."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from bot.dev import line_events as le
from casework.crypto import Place
from casework.models import InboxEvent
from tests.conftest import CHANNEL_SECRET, drain

USER = "U" + "3" * 32


def post(client, body: bytes, **headers: str):
    return client.post("/callback", data=body, headers={"X-Line-Signature": le.sign(body, CHANNEL_SECRET), **headers})


def stored(services) -> list:
    with services.uow() as uow:
        return list(uow.session.execute(select(InboxEvent.__table__)).all())


def with_token(token: bytes, field: str = "timestamp") -> bytes:
    """A text event whose ``field`` is the raw JSON ``token`` (json.dumps cannot write some)."""
    event = le.text(le.source(USER), "rt", "สวัสดี")
    event[field] = "__TOKEN__"
    return le.payload([event]).replace(b'"__TOKEN__"', token)


@pytest.mark.parametrize("depth", [64, 100_000])
def test_deeply_nested_json_is_refused(client, services, depth):
    body = b'{"destination": "U0", "events": [' + b"[" * depth + b"]" * depth + b"]}"
    assert post(client, body).status_code == 400
    assert stored(services) == []


def test_an_event_nested_far_deeper_than_lines_is_refused(client, services):
    assert post(client, with_token(b'{"x": ' * 40 + b"1" + b"}" * 40, "extra")).status_code == 400
    assert post(client, with_token(b'{"x": ' * 8 + b"1" + b"}" * 8, "extra")).status_code == 200
    assert len(stored(services)) == 1


@pytest.mark.parametrize("token", [b"NaN", b"Infinity", b"-Infinity"])
def test_numbers_json_does_not_have_are_refused(client, services, token):
    assert post(client, with_token(token)).status_code == 400
    assert stored(services) == []


@pytest.mark.parametrize("token", [b"1e20", b"1e400", b"-1e308", b"99999999999999999999999", b"-0", b"0"])
def test_a_timestamp_out_of_range_is_taken_with_the_time_it_arrived(client, services, token):
    response = post(client, with_token(token))
    assert response.status_code == 200
    (event,) = stored(services)
    assert event.occurred_at.year >= 2026


def test_a_lone_surrogate_becomes_a_replacement_character_and_the_user_is_answered(client, services, standin):
    body = with_token(b'"\\ud800 \xe0\xb8\x82\\udfff"', "replyToken").replace(b'"text": "', b'"text": "\\udc00')
    assert post(client, body).status_code == 200
    (event,) = stored(services)
    place = Place("inbox_events", "payload", event.webhook_event_id)
    raw = services.sealer.open_json(event.payload, place)
    assert raw["message"]["text"].startswith("\ufffd")
    drain(services)
    assert [e.status for e in stored(services)] == ["done"]


@pytest.mark.parametrize("field", ["type", "mode", "webhookEventId"])
def test_nul_and_surrogates_in_the_plain_columns_are_stored(client, services, field):
    assert post(client, with_token(b'"a\\u0000b\\ud800"', field)).status_code == 200
    assert len(stored(services)) == 1


def test_a_body_over_the_cap_is_refused_before_it_is_read(client, services):
    big = json.dumps({"destination": "U0", "events": [], "pad": "x" * (3 * 1024 * 1024)}).encode()
    assert post(client, big).status_code == 413
    assert stored(services) == []


def test_a_chunked_body_over_the_cap_is_refused(client, services):
    big = json.dumps({"destination": "U0", "events": [], "pad": "x" * (3 * 1024 * 1024)}).encode()
    response = client.post("/callback", input_stream=io.BytesIO(big),
                           headers={"X-Line-Signature": le.sign(big, CHANNEL_SECRET), "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert stored(services) == []
