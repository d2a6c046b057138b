"""LINE-shaped webhook events and their signatures, for the simulator, tests and bench.

Production never builds events; it only receives them. These builders exist so
that everything that imitates LINE (the simulator page, the tests, the
benchmark) imitates it the same way, down to the signature.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any


def sign(body: bytes, channel_secret: str) -> str:
    """``X-Line-Signature``: base64 HMAC-SHA256 of the raw body with the channel secret."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def payload(events: list[dict[str, Any]], destination: str = "Ubot0000000000000000000000000000") -> bytes:
    return json.dumps({"destination": destination, "events": events}, ensure_ascii=False).encode("utf-8")


def source(user_id: str, *, group_id: str | None = None, room_id: str | None = None) -> dict[str, Any]:
    if group_id:
        return {"type": "group", "groupId": group_id, "userId": user_id}
    if room_id:
        return {"type": "room", "roomId": room_id, "userId": user_id}
    return {"type": "user", "userId": user_id}


def event(
    event_type: str,
    src: dict[str, Any],
    *,
    reply_token: str | None = None,
    mode: str = "active",
    redelivery: bool = False,
    event_id: str | None = None,
    timestamp_ms: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A webhook event of any type; ``fields`` are the type's own (``message``, ``postback``...)."""
    body: dict[str, Any] = {
        "type": event_type,
        "mode": mode,
        "timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "source": src,
        "webhookEventId": event_id or new_event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply_token is not None:
        body["replyToken"] = reply_token
    body.update(fields)
    return body


def new_event_id() -> str:
    return "01" + uuid.uuid4().hex[:24].upper()


def text_message(text: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text, "quoteToken": uuid.uuid4().hex}


def postback(data: str, params: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"data": data}
    if params:
        body["params"] = params
    return body


def follow(src: dict[str, Any], reply_token: str | None, **kw: Any) -> dict[str, Any]:
    return event("follow", src, reply_token=reply_token, follow={"isUnblocked": False}, **kw)


def unfollow(src: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return event("unfollow", src, **kw)


def message(src: dict[str, Any], reply_token: str | None, content: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return event("message", src, reply_token=reply_token, message=content, **kw)


def text(src: dict[str, Any], reply_token: str | None, words: str, **kw: Any) -> dict[str, Any]:
    return message(src, reply_token, text_message(words), **kw)


def postback_event(src: dict[str, Any], reply_token: str | None, data: str, *,
                   params: dict[str, str] | None = None, **kw: Any) -> dict[str, Any]:
    return event("postback", src, reply_token=reply_token, postback=postback(data, params), **kw)
