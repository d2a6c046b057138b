"""One transport per channel; each sends one outbox row and says how it went.

A transport classifies its own errors (permanent or not, possibly delivered or
not); what to do about them is decided once, in ``casework.outbox``.
"""
from __future__ import annotations

import json
from typing import Protocol

from linebot.v3.messaging import MessagingApi, PushMessageRequest, ReplyMessageRequest
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError, NewConnectionError

from casework.outbox import Delivery, Failed, Outcome, ReplyTokenRejected, Sent


class Transport(Protocol):
    def send(self, delivery: Delivery) -> Outcome: ...


class LineTransport:
    """Replies and pushes through the LINE SDK."""

    def __init__(self, api: MessagingApi, timeout: tuple[float, float]) -> None:
        self.api = api
        self.timeout = timeout

    def send(self, delivery: Delivery) -> Outcome:
        try:
            if delivery.method == "reply":
                request = ReplyMessageRequest.from_dict(
                    {"replyToken": delivery.reply_token, "messages": delivery.messages}
                )
                self.api.reply_message_with_http_info(request, _request_timeout=self.timeout)
            else:
                request = PushMessageRequest.from_dict({"to": delivery.recipient, "messages": delivery.messages})
                self.api.push_message_with_http_info(
                    request, x_line_retry_key=delivery.retry_key, _request_timeout=self.timeout
                )
        except ApiException as error:
            return self.classify(error, delivery)
        except HTTPError as error:
            return _network_failure(error)
        except ValueError as error:
            # The SDK's models refused the body: a bug on our side, and retrying
            # would only fail the same way.
            return Failed(error=f"invalid message: {type(error).__name__}", permanent=True)
        return Sent(status=200)

    @staticmethod
    def classify(error: ApiException, delivery: Delivery) -> Outcome:
        status = error.status or 0
        message = _error_message(error)
        if status == 409 and delivery.method == "push":
            return Sent(status=409, note="retry key already accepted")
        if status == 400 and delivery.method == "reply" and "reply token" in message.lower():
            return ReplyTokenRejected(status=400)
        if status == 429:
            return Failed(error=f"429 {message}", status=429, retry_after=_retry_after(error))
        if status >= 500:
            return Failed(error=f"{status} {message}", status=status, uncertain=True)
        if status == 401:
            return Failed(error=f"401 {message}", status=401)
        return Failed(error=f"{status} {message}", status=status, permanent=True)


def _network_failure(error: HTTPError) -> Failed:
    reason = error.reason if isinstance(error, MaxRetryError) else error
    never_arrived = isinstance(reason, (NewConnectionError, ConnectTimeoutError))
    return Failed(error=type(reason).__name__, uncertain=not never_arrived)


def _error_message(error: ApiException) -> str:
    try:
        body = json.loads(error.body or b"{}")
        return str(body.get("message", ""))[:200]
    except (ValueError, AttributeError):
        return str(error.reason or "")[:200]


def _retry_after(error: ApiException) -> float | None:
    headers = {key.lower(): value for key, value in (error.headers or {}).items()}
    try:
        return float(headers["retry-after"])
    except (KeyError, ValueError):
        return None
