"""``POST /callback``: verify, store, answer. Handling happens later, in the worker."""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from flask import Blueprint, Response, current_app, request
from linebot.v3.webhook import SignatureValidator

from bot.bootstrap import Services
from bot.logs import log
from casework import inbox
from casework.db import retrying_disconnects

bp = Blueprint("webhook", __name__)


@bp.post("/callback")
def callback() -> Response | tuple[str, int]:
    started = time.perf_counter()
    services: Services = current_app.extensions["kaejon"]
    body = _body(current_app.config["MAX_CONTENT_LENGTH"])
    if body is None:
        log("webhook refused", level=logging.WARNING, reason="body too large", bytes=request.content_length)
        return "body too large", 413
    signature = request.headers.get("X-Line-Signature", "")
    try:
        text = body.decode("utf-8")
        valid = bool(signature) and SignatureValidator(services.settings.channel_secret).validate(text, signature)
    except UnicodeDecodeError:
        valid = False
    if not valid:
        log("webhook refused", level=logging.WARNING, reason="bad or missing signature", bytes=len(body))
        return "bad signature", 400
    events = _events(text)
    if events is None:
        log("webhook refused", level=logging.WARNING, reason="malformed body", bytes=len(body))
        return "malformed body", 400
    summaries = retrying_disconnects(lambda: _store(services, events))
    ack_ms = round((time.perf_counter() - started) * 1000, 2)
    for summary in summaries:
        if not summary.stored:
            log("event", event_id=summary.webhook_event_id, type=summary.event_type,
                outcome="duplicate", redelivery=summary.is_redelivery, latency_ms=ack_ms)
    return Response("{}", status=200, mimetype="application/json")


def _body(limit: int) -> bytes | None:
    """The raw body, or None once it passes ``limit``: checked before it is all read,
    whether or not the request says its length (a chunked body does not)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks, size = [], 0
    while size <= limit:
        chunk = request.stream.read(min(65536, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return None


def _store(services: Services, events: list[dict]) -> list[inbox.EventSummary]:
    """One statement in autocommit: the batch is stored whole or not at all, in one round
    trip, with no session to build; this is what the acknowledgement waits for."""
    with services.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        return inbox.record(connection, services.sealer, events, services.clock())


# LINE's events nest about six levels deep; far deeper is an attack on the parser
# (and on every later json.loads of the sealed payload), not an event.
MAX_DEPTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _events(text: str) -> list[dict] | None:
    """The body's events, or None when the body is not a webhook LINE could have sent.

    NaN and Infinity are not JSON (RFC 8259) and are refused. A lone surrogate
    (``"\\ud800"``) is valid JSON but cannot be stored as UTF-8: it becomes U+FFFD, so
    the rest of the batch, other users' events included, is still handled.
    """
    try:
        payload = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return None
    if not all(isinstance(event, dict) for event in payload["events"]):
        return None
    if _depth(payload["events"]) > MAX_DEPTH:
        return None
    if _SURROGATE_ESCAPE.search(text):
        return _without_surrogates(payload["events"])
    return payload["events"]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep ``value`` nests, counting no further than just past ``limit``."""
    deepest, level = 0, [value]
    while level and deepest <= limit:
        deepest += 1
        level = [child for node in level if isinstance(node, (dict, list))
                 for child in (node.values() if isinstance(node, dict) else node)
                 if isinstance(child, (dict, list))]
    return deepest


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    return value
