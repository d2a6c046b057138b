"""``POST /callback``: verify, store, answer. Handling happens later, in the worker."""
from __future__ import annotations

import json
import logging
import time

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
    body = request.get_data(cache=False)
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


def _store(services: Services, events: list[dict]) -> list[inbox.EventSummary]:
    with services.uow() as uow:
        summaries = inbox.record(uow.session, uow.sealer, events, services.clock())
        uow.commit()
    return summaries


def _events(text: str) -> list[dict] | None:
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return None
    if not all(isinstance(event, dict) for event in payload["events"]):
        return None
    return payload["events"]
