"""One transport per channel; each sends one outbox row and says how it went.

A transport classifies its own errors (permanent or not, possibly delivered or
not); what to do about them is decided once, in ``casework.outbox``.
"""
from __future__ import annotations

import json
from typing import Any, Protocol

from linebot.v3.messaging import MessagingApi
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError, NewConnectionError

from casework.outbox import Delivery, Failed, Outcome, ReplyTokenRejected, Sent


_JSON = {"Content-Type": "application/json", "Accept": "application/json"}


class Transport(Protocol):
    def send(self, delivery: Delivery) -> Outcome: ...


class LineTransport:
    """Replies and pushes through the LINE SDK's client: its connection pool, its
    authentication and its errors, with the body passed as the JSON it already is.

    The messages were built as LINE's JSON by ``messages/``; parsing them into the
    SDK's models only to serialize them again cost more CPU than the rest of a send,
    and a body LINE would refuse is refused by LINE with a 400, which is as
    permanent as a model's error.
    """

    def __init__(self, api: MessagingApi, timeout: tuple[float, float]) -> None:
        self.api = api
        self.timeout = timeout

    def send(self, delivery: Delivery) -> Outcome:
        if delivery.method == "reply":
            path, headers = "/v2/bot/message/reply", {}
            body: dict[str, Any] = {"replyToken": delivery.reply_token, "messages": delivery.messages}
        else:
            path, headers = "/v2/bot/message/push", {"X-Line-Retry-Key": delivery.retry_key}
            body = {"to": delivery.recipient, "messages": delivery.messages}
        try:
            self.api.api_client.call_api(
                path, "POST", header_params={**_JSON, **headers}, body=body, auth_settings=["Bearer"],
                response_types_map={}, _request_timeout=self.timeout, _host=self.api.line_base_path)
        except ApiException as error:
            return self.classify(error, delivery)
        except HTTPError as error:
            return _network_failure(error)
        return Sent(status=200)

    @staticmethod
    def classify(error: ApiException, delivery: Delivery) -> Outcome:
        status = error.status or 0
        message = _error_message(error)
        if status == 409 and delivery.method == "push":
            return Sent(status=409, note="retry key already accepted")
        if status == 400 and delivery.method == "reply" and "reply token" in message.lower():
            return ReplyTokenRejected(status=400)
        return classify_line_error(error)


def classify_line_error(error: ApiException) -> Failed:
    """What any LINE API error means for retrying: back off on 429, maybe done on 5xx,
    retry on 401 (a token being rotated), give up on any other refusal."""
    status = error.status or 0
    message = _error_message(error)
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


def link_messages(rich_menu_id: str | None) -> list[dict[str, Any]]:
    """The ``line-richmenu`` outbox messages that give a user this rich menu, or (None) take
    them back to the default (household) menu. Enqueue them when a role is granted:
    ``outbox.enqueue(session, sealer, channel="line-richmenu", recipient=user_id, messages=...)``."""
    return [{"richMenuId": rich_menu_id}]


class LineRichMenuTransport:
    """The ``line-richmenu`` channel: link a user to a role's rich menu, or unlink them.

    Each message of a row is ``{"richMenuId": "richmenu-..."}`` (link) or
    ``{"richMenuId": None}`` (unlink, so the user sees the default menu again);
    they are applied in order. Both calls are idempotent, so a retry after an
    uncertain failure is safe.
    """

    def __init__(self, api: MessagingApi, timeout: tuple[float, float]) -> None:
        self.api = api
        self.timeout = timeout

    def send(self, delivery: Delivery) -> Outcome:
        try:
            for message in delivery.messages:
                if not isinstance(message, dict) or set(message) != {"richMenuId"}:
                    return Failed(error="invalid rich menu message", permanent=True)
                menu_id = message["richMenuId"]
                if menu_id is None:
                    self.api.unlink_rich_menu_id_from_user_with_http_info(
                        delivery.recipient, _request_timeout=self.timeout
                    )
                else:
                    self.api.link_rich_menu_id_to_user_with_http_info(
                        delivery.recipient, menu_id, _request_timeout=self.timeout
                    )
        except ApiException as error:
            return classify_line_error(error)
        except HTTPError as error:
            return _network_failure(error)
        except ValueError as error:  # the SDK refused an argument (not a string id)
            return Failed(error=f"invalid rich menu message: {type(error).__name__}", permanent=True)
        return Sent(status=200)
