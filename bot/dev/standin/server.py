"""A local stand-in for LINE's Messaging API, used by the tests, the benchmark and the demo.

It answers the bot's real LINE SDK (`Configuration(host=standin.url)`) on LINE's
own paths, with LINE's bodies, status codes and error shapes, and checks every
request body against LINE's OpenAPI document. It keeps rich menus (with their
images and the users linked to them) and serves the content of messages users
sent. Endpoints under `/_standin/` are not LINE's: they issue reply tokens
(standing in for webhook events), show what was sent and received, register
profiles and message content, show the rich menus and inject faults (errors,
429s, slow answers). Everything lives in memory: it is a test double.

It is longer than the project's modules usually are because it mirrors one API, path
for path, over one in-memory state that every endpoint shares; it is development
tooling (``bot/dev/``), never imported by the production processes.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import re
import secrets
import signal
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from bot.dev.standin import faults
from bot.dev.standin.faults import Fault
from bot.dev.standin.openapi_check import RequestChecker

CONTROL_PREFIX = "/_standin/"
_EXTENSION = "kaejon_standin"
_RETRY_KEY = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_RICH_MENU_IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}
MAX_RICH_MENU_IMAGE_BYTES = 1024 * 1024
MAX_RICH_MENUS = 1000
_QUOTABLE_TYPES = frozenset({"text", "textV2", "sticker", "image", "video"})
_BOT_INFO = {
    "userId": "U" + "5" * 32,
    "basicId": "@000stand",
    "displayName": "Kaejon (LINE stand-in)",
    "chatMode": "bot",
    "markAsReadMode": "auto",
}


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class SendResult:
    """What LINE answered for a send; `duplicate` when its retry key had been accepted before."""

    sent_messages: list[dict[str, str]]
    request_id: str
    duplicate: bool = False


@dataclass
class _ReplyToken:
    to: str
    issued_monotonic: float
    used: bool = False


@dataclass
class RichMenu:
    """A rich menu as created, and the image uploaded to it (LINE allows one, ever)."""

    id: str
    definition: dict[str, Any]
    image: bytes | None = None
    content_type: str | None = None
    image_size: tuple[int, int] | None = None

    def as_line_json(self) -> dict[str, Any]:
        return {"richMenuId": self.id, **self.definition}

    def as_json(self) -> dict[str, Any]:
        image = None
        if self.image is not None and self.image_size is not None:
            image = {
                "contentType": self.content_type,
                "width": self.image_size[0],
                "height": self.image_size[1],
                "bytes": len(self.image),
                "sha256": hashlib.sha256(self.image).hexdigest(),
            }
        return {"richMenuId": self.id, "definition": self.definition, "image": image}


class StandInState:
    """What the stand-in has issued, sent and been asked; every method holds the lock."""

    def __init__(self, *, reply_token_ttl: float) -> None:
        self.reply_token_ttl = reply_token_ttl
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._reply_tokens: dict[str, _ReplyToken] = {}
            self._sent: list[dict[str, Any]] = []
            self._requests: list[dict[str, Any]] = []
            self._accepted_retry_keys: dict[str, SendResult] = {}
            self._faults: list[Fault] = []
            self._profiles: dict[str, dict[str, Any]] = {}
            self._rich_menus: dict[str, RichMenu] = {}
            self._user_rich_menus: dict[str, str] = {}
            self._default_rich_menu: str | None = None
            self._rich_menu_batches: dict[str, dict[str, Any]] = {}
            self._contents: dict[str, tuple[bytes, str]] = {}
            self._seq = 0
            self._next_message_id = 10**17
            self._next_fault_id = 1

    def issue_reply_token(self, to: str) -> dict[str, Any]:
        token = secrets.token_hex(16)
        with self.lock:
            self._reply_tokens[token] = _ReplyToken(to, time.monotonic())
        return {"replyToken": token, "issuedAt": _now_ms()}

    def use_reply_token(self, token: str) -> str | None:
        """The chat a valid token was issued for, marking it used; None if LINE would refuse it."""
        with self.lock:
            issued = self._reply_tokens.get(token)
            if issued is None or issued.used:
                return None
            if time.monotonic() - issued.issued_monotonic > self.reply_token_ttl:
                return None
            issued.used = True
            return issued.to

    def send(
        self,
        kind: str,
        recipients: Sequence[str],
        messages: list[dict[str, Any]],
        *,
        request_id: str,
        retry_key: str | None = None,
        reply_token: str | None = None,
    ) -> SendResult:
        """Record a successful send, or return the earlier one if `retry_key` was accepted."""
        with self.lock:
            if retry_key is not None and retry_key in self._accepted_retry_keys:
                earlier = self._accepted_retry_keys[retry_key]
                return SendResult(earlier.sent_messages, earlier.request_id, duplicate=True)
            sent_messages = []
            for message in messages:
                self._next_message_id += 1
                sent = {"id": str(self._next_message_id)}
                if message.get("type") in _QUOTABLE_TYPES:
                    sent["quoteToken"] = secrets.token_urlsafe(48)
                sent_messages.append(sent)
            for to in recipients:
                self._seq += 1
                self._sent.append(
                    {
                        "seq": self._seq,
                        "kind": kind,
                        "to": to,
                        "messages": messages,
                        "sentMessages": sent_messages,
                        "retryKey": retry_key,
                        "replyToken": reply_token,
                        "requestId": request_id,
                        "at": _now_ms(),
                    }
                )
            result = SendResult(sent_messages, request_id)
            if retry_key is not None:
                self._accepted_retry_keys[retry_key] = result
            return result

    def sent(self, *, to: str | None = None, after: int = 0) -> list[dict[str, Any]]:
        with self.lock:
            return [
                item
                for item in self._sent
                if item["seq"] > after and (to is None or item["to"] == to)
            ]

    def record_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self._requests.append(entry)

    def requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self._requests)

    def add_fault(self, **settings: Any) -> Fault:
        with self.lock:
            fault = Fault(id=self._next_fault_id, **settings)
            self._next_fault_id += 1
            self._faults.append(fault)
            return fault

    def clear_faults(self) -> int:
        with self.lock:
            cleared = len(self._faults)
            self._faults = []
            return cleared

    def faults(self) -> list[Fault]:
        with self.lock:
            return list(self._faults)

    def delay_for(self, path: str) -> float:
        with self.lock:
            return max((f.delay for f in self._faults if f.matches(path)), default=0.0)

    def take_fault(self, path: str) -> Fault | None:
        """The first matching fault with an error left to give, counting one use of it."""
        with self.lock:
            for fault in self._faults:
                if fault.fails() and fault.matches(path):
                    fault.times -= 1
                    return fault
            return None

    def set_profile(self, profile: dict[str, Any]) -> None:
        with self.lock:
            self._profiles[profile["userId"]] = profile

    def profile(self, user_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self._profiles.get(user_id)

    def create_rich_menu(self, definition: dict[str, Any]) -> str | None:
        """The new menu's id, or None when the channel already has LINE's maximum."""
        with self.lock:
            if len(self._rich_menus) >= MAX_RICH_MENUS:
                return None
            menu = RichMenu("richmenu-" + secrets.token_hex(16), definition)
            self._rich_menus[menu.id] = menu
            return menu.id

    def rich_menu(self, menu_id: str) -> RichMenu | None:
        with self.lock:
            menu = self._rich_menus.get(menu_id)
            return dataclasses.replace(menu) if menu is not None else None

    def rich_menus(self) -> list[RichMenu]:
        with self.lock:
            return [dataclasses.replace(menu) for menu in self._rich_menus.values()]

    def delete_rich_menu(self, menu_id: str) -> bool:
        """Delete a menu; its users (and the channel, if it was the default) lose it."""
        with self.lock:
            if self._rich_menus.pop(menu_id, None) is None:
                return False
            self._user_rich_menus = {
                user: linked for user, linked in self._user_rich_menus.items() if linked != menu_id
            }
            if self._default_rich_menu == menu_id:
                self._default_rich_menu = None
            return True

    def set_rich_menu_image(
        self, menu_id: str, image: bytes, content_type: str, size: tuple[int, int]
    ) -> str | None:
        """None when set, else why not: `not-found` or `already-uploaded`."""
        with self.lock:
            menu = self._rich_menus.get(menu_id)
            if menu is None:
                return "not-found"
            if menu.image is not None:
                return "already-uploaded"
            menu.image, menu.content_type, menu.image_size = image, content_type, size
            return None

    def _applicable(self, menu_id: str) -> str | None:
        menu = self._rich_menus.get(menu_id)
        if menu is None:
            return "not-found"
        return "no-image" if menu.image is None else None

    def link_rich_menu(self, user_id: str, menu_id: str) -> str | None:
        """None when linked, else why not: `not-found` or `no-image`."""
        with self.lock:
            problem = self._applicable(menu_id)
            if problem is None:
                self._user_rich_menus[user_id] = menu_id
            return problem

    def unlink_rich_menu(self, user_id: str) -> None:
        with self.lock:
            self._user_rich_menus.pop(user_id, None)

    def linked_rich_menu(self, user_id: str) -> str | None:
        """The menu linked to this user (not the default, as LINE answers)."""
        with self.lock:
            return self._user_rich_menus.get(user_id)

    def set_default_rich_menu(self, menu_id: str) -> str | None:
        with self.lock:
            problem = self._applicable(menu_id)
            if problem is None:
                self._default_rich_menu = menu_id
            return problem

    def default_rich_menu(self) -> str | None:
        with self.lock:
            return self._default_rich_menu

    def clear_default_rich_menu(self) -> None:
        with self.lock:
            self._default_rich_menu = None

    def rich_menu_batch(self, operations: list[dict[str, Any]], request_id: str) -> str | None:
        """Apply a batch at once (LINE does it within seconds); None, or why it is refused."""
        with self.lock:
            for operation in operations:
                if operation["type"] == "link" and (problem := self._applicable(operation["to"])):
                    return problem
            for operation in operations:
                kind, source = operation["type"], operation.get("from")
                for user, linked in list(self._user_rich_menus.items()):
                    if kind == "link" and linked == source:
                        self._user_rich_menus[user] = operation["to"]
                    elif kind == "unlinkAll" or (kind == "unlink" and linked == source):
                        del self._user_rich_menus[user]
            accepted = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            self._rich_menu_batches[request_id] = {
                "phase": "succeeded",
                "acceptedTime": accepted,
                "completedTime": accepted,
            }
            return None

    def rich_menu_batch_progress(self, request_id: str) -> dict[str, Any] | None:
        with self.lock:
            progress = self._rich_menu_batches.get(request_id)
            return dict(progress) if progress is not None else None

    def rich_menu_snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "richmenus": [menu.as_json() for menu in self._rich_menus.values()],
                "links": dict(self._user_rich_menus),
                "default": self._default_rich_menu,
            }

    def put_content(self, message_id: str, content: bytes, content_type: str) -> None:
        with self.lock:
            self._contents[message_id] = (content, content_type)

    def content(self, message_id: str) -> tuple[bytes, str] | None:
        with self.lock:
            return self._contents.get(message_id)


def standin_state(app: Flask) -> StandInState:
    state: StandInState = app.extensions[_EXTENSION]["state"]
    return state


def _state() -> StandInState:
    return standin_state(current_app)


def _checker() -> RequestChecker:
    checker: RequestChecker = current_app.extensions[_EXTENSION]["checker"]
    return checker


def line_error(
    status: int,
    message: str,
    *,
    reason: str,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """An error response shaped like LINE's: `{"message": ..., "details": [...]}`."""
    g.standin_reason = reason
    body: dict[str, Any] = {"message": message}
    if details:
        body["details"] = details
    response = jsonify(body | extra)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _is_line_request() -> bool:
    return not request.path.startswith(CONTROL_PREFIX)


def _before_line_request() -> Response | None:
    """Slow down, authenticate and fail LINE requests as configured, before any view."""
    if not _is_line_request():
        return None
    g.standin_request_id = str(uuid.uuid4())
    g.standin_retry_key = request.headers.get("X-Line-Retry-Key")
    g.standin_errors = []
    g.standin_reason = None
    delay = _state().delay_for(request.path)
    if delay > 0:
        time.sleep(delay)
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not token:
        return line_error(
            401,
            "Authorization header required. Must follow the scheme, "
            "'Authorization: Bearer <ACCESS TOKEN>'",
            reason="auth",
        )
    expected = current_app.extensions[_EXTENSION]["channel_access_token"]
    if expected is not None and not secrets.compare_digest(token, expected):
        return line_error(
            401,
            "Authentication failed. Confirm that the access token in the authorization header is valid.",
            reason="auth",
        )
    fault = _state().take_fault(request.path)
    if fault is not None and fault.down:
        faults.drop_connection(request.environ)
    if fault is not None and fault.status is not None:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        message = faults.MESSAGES.get(fault.status) or HTTP_STATUS_CODES.get(fault.status, "Error")
        return line_error(fault.status, message, reason="fault", headers=headers)
    return None


def _after_line_request(response: Response) -> Response:
    if not _is_line_request() or "standin_request_id" not in g:
        return response
    response.headers["x-line-request-id"] = g.standin_request_id
    _state().record_request(
        {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "retryKey": g.standin_retry_key,
            "errors": g.standin_errors,
            "reason": g.standin_reason,
            "requestId": g.standin_request_id,
            "at": _now_ms(),
        }
    )
    return response


def _checked_body() -> dict[str, Any] | Response:
    """The JSON body if LINE would accept it for this request, else LINE's 400."""
    body = request.get_json(force=True, silent=True)
    if body is None and request.get_data():
        return line_error(400, "The request body could not be parsed as JSON", reason="invalid-body")
    problems = _checker().problems(request.method, request.path, body)
    if problems:
        g.standin_errors = [str(problem) for problem in problems]
        details = [{"message": p.message, "property": p.property} for p in problems]
        message = f"The request body has {len(problems)} error(s)"
        return line_error(400, message, reason="invalid-body", details=details)
    return body if isinstance(body, dict) else {}


def _checked_retry_key() -> Response | None:
    key = g.standin_retry_key
    if key is not None and not _RETRY_KEY.match(key):
        return line_error(
            400, "The value for the 'X-Line-Retry-Key' header is invalid", reason="invalid-retry-key"
        )
    return None


line_api = Blueprint("line_api", __name__)


@line_api.post("/v2/bot/message/reply")
def reply() -> Response | dict[str, Any]:
    body = _checked_body()
    if isinstance(body, Response):
        return body
    token = body["replyToken"]
    to = _state().use_reply_token(token)
    if to is None:
        return line_error(400, "Invalid reply token", reason="invalid-reply-token")
    result = _state().send(
        "reply", [to], body["messages"], request_id=g.standin_request_id, reply_token=token
    )
    return {"sentMessages": result.sent_messages}


def _send_once(kind: str) -> Response | SendResult:
    """Push or multicast, honouring `X-Line-Retry-Key` as LINE does."""
    if (error := _checked_retry_key()) is not None:
        return error
    body = _checked_body()
    if isinstance(body, Response):
        return body
    recipients = [body["to"]] if isinstance(body["to"], str) else body["to"]
    result = _state().send(
        kind,
        recipients,
        body["messages"],
        request_id=g.standin_request_id,
        retry_key=g.standin_retry_key,
    )
    if not result.duplicate:
        return result
    extra = {"sentMessages": result.sent_messages} if kind == "push" else {}
    return line_error(
        409,
        "The retry key is already accepted",
        reason="duplicate-retry-key",
        headers={"x-line-accepted-request-id": result.request_id},
        **extra,
    )


@line_api.post("/v2/bot/message/push")
def push() -> Response | dict[str, Any]:
    outcome = _send_once("push")
    return outcome if isinstance(outcome, Response) else {"sentMessages": outcome.sent_messages}


@line_api.post("/v2/bot/message/multicast")
def multicast() -> Response | dict[str, Any]:
    outcome = _send_once("multicast")
    return outcome if isinstance(outcome, Response) else {}


@line_api.post("/v2/bot/message/validate/<any(reply, push, multicast, narrowcast, broadcast):kind>")
def validate(kind: str) -> Response | dict[str, Any]:
    body = _checked_body()
    return body if isinstance(body, Response) else {}


@line_api.post("/v2/bot/chat/loading/start")
def show_loading_animation() -> Response | tuple[dict[str, Any], int]:
    body = _checked_body()
    return body if isinstance(body, Response) else ({}, 202)


@line_api.get("/v2/bot/profile/<user_id>")
def profile(user_id: str) -> Response | dict[str, Any]:
    found = _state().profile(user_id)
    return found if found is not None else line_error(404, "Not found", reason="not-found")


@line_api.get("/v2/bot/info")
def bot_info() -> dict[str, Any]:
    return dict(_BOT_INFO)


_RICH_MENU_PROBLEMS = {
    "not-found": (404, "Not found"),
    "no-image": (400, "must upload richmenu image before applying it to user"),
}


def _rich_menu_refusal(problem: str) -> Response:
    status, message = _RICH_MENU_PROBLEMS[problem]
    return line_error(status, message, reason=f"rich-menu-{problem}")


def _checked_user_id(user_id: str) -> Response | None:
    if not _USER_ID.match(user_id):
        return line_error(400, "The value for the 'userId' parameter is invalid", reason="invalid-user-id")
    return None


@line_api.post("/v2/bot/richmenu")
def create_rich_menu() -> Response | dict[str, Any]:
    body = _checked_body()
    if isinstance(body, Response):
        return body
    menu_id = _state().create_rich_menu(body)
    if menu_id is None:
        return line_error(400, "The number of rich menus exceeds the limit", reason="too-many-rich-menus")
    return {"richMenuId": menu_id}


@line_api.post("/v2/bot/richmenu/validate")
def validate_rich_menu() -> Response | dict[str, Any]:
    body = _checked_body()
    return body if isinstance(body, Response) else {}


@line_api.get("/v2/bot/richmenu/list")
def list_rich_menus() -> dict[str, Any]:
    return {"richmenus": [menu.as_line_json() for menu in _state().rich_menus()]}


@line_api.get("/v2/bot/richmenu/<menu_id>")
def get_rich_menu(menu_id: str) -> Response | dict[str, Any]:
    menu = _state().rich_menu(menu_id)
    return menu.as_line_json() if menu is not None else _rich_menu_refusal("not-found")


@line_api.delete("/v2/bot/richmenu/<menu_id>")
def delete_rich_menu(menu_id: str) -> Response | dict[str, Any]:
    return {} if _state().delete_rich_menu(menu_id) else _rich_menu_refusal("not-found")


def _refused_image(message: str, reason: str, status: int = 400) -> Response:
    g.standin_errors = [message]
    return line_error(status, message, reason=reason)


@line_api.post("/v2/bot/richmenu/<menu_id>/content")
def upload_rich_menu_image(menu_id: str) -> Response | dict[str, Any]:
    """LINE's api-data host: a PNG or JPEG of at most 1 MB, exactly the menu's size, once."""
    content_type = request.mimetype
    if content_type not in _RICH_MENU_IMAGE_TYPES:
        return _refused_image("Unsupported Media Type", "unsupported-media-type", 415)
    menu = _state().rich_menu(menu_id)
    if menu is None:
        return _rich_menu_refusal("not-found")
    image = request.get_data()
    if len(image) > MAX_RICH_MENU_IMAGE_BYTES:
        return _refused_image(f"The image is {len(image)} bytes; at most 1 MB is allowed", "image-too-large")
    size = _image_size(image, _RICH_MENU_IMAGE_TYPES[content_type])
    if size is None:
        return _refused_image(f"The image is not a valid {content_type} image", "invalid-image")
    expected = (menu.definition["size"]["width"], menu.definition["size"]["height"])
    if size != expected:
        g.standin_errors = [f"the image is {size[0]}x{size[1]}, the rich menu {expected[0]}x{expected[1]}"]
        return line_error(400, "The image size is not allowed for richmenu", reason="image-size")
    problem = _state().set_rich_menu_image(menu_id, image, content_type, size)
    if problem == "already-uploaded":
        return line_error(400, "An image has already been uploaded to the richmenu", reason="image-already-set")
    return _rich_menu_refusal(problem) if problem else {}


def _image_size(image: bytes, expected_format: str) -> tuple[int, int] | None:
    """The picture's size if it really is a picture of the declared format."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as picture:
            if picture.format != expected_format:
                return None
            picture.verify()
            return picture.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


@line_api.get("/v2/bot/richmenu/<menu_id>/content")
def download_rich_menu_image(menu_id: str) -> Response:
    menu = _state().rich_menu(menu_id)
    if menu is None or menu.image is None:
        return _rich_menu_refusal("not-found")
    return Response(menu.image, mimetype=menu.content_type)


@line_api.post("/v2/bot/user/<user_id>/richmenu/<menu_id>")
def link_rich_menu(user_id: str, menu_id: str) -> Response | dict[str, Any]:
    if (error := _checked_user_id(user_id)) is not None:
        return error
    problem = _state().link_rich_menu(user_id, menu_id)
    return _rich_menu_refusal(problem) if problem else {}


@line_api.delete("/v2/bot/user/<user_id>/richmenu")
def unlink_rich_menu(user_id: str) -> Response | dict[str, Any]:
    if (error := _checked_user_id(user_id)) is not None:
        return error
    _state().unlink_rich_menu(user_id)
    return {}


@line_api.get("/v2/bot/user/<user_id>/richmenu")
def linked_rich_menu(user_id: str) -> Response | dict[str, Any]:
    if (error := _checked_user_id(user_id)) is not None:
        return error
    menu_id = _state().linked_rich_menu(user_id)
    if menu_id is None:
        return line_error(404, "the user has no richmenu", reason="no-rich-menu", details=[])
    return {"richMenuId": menu_id}


@line_api.post("/v2/bot/user/all/richmenu/<menu_id>")
def set_default_rich_menu(menu_id: str) -> Response | dict[str, Any]:
    problem = _state().set_default_rich_menu(menu_id)
    return _rich_menu_refusal(problem) if problem else {}


@line_api.get("/v2/bot/user/all/richmenu")
def default_rich_menu() -> Response | dict[str, Any]:
    menu_id = _state().default_rich_menu()
    if menu_id is None:
        return line_error(404, "no default richmenu", reason="no-rich-menu", details=[])
    return {"richMenuId": menu_id}


@line_api.delete("/v2/bot/user/all/richmenu")
def cancel_default_rich_menu() -> dict[str, Any]:
    _state().clear_default_rich_menu()
    return {}


@line_api.post("/v2/bot/richmenu/batch")
def rich_menu_batch() -> Response | tuple[dict[str, Any], int]:
    """Replace or unlink the menus of every user linked to a menu; progress by request id."""
    body = _checked_body()
    if isinstance(body, Response):
        return body
    problem = _state().rich_menu_batch(body["operations"], g.standin_request_id)
    if problem is not None:
        return line_error(400, "richmenu not found", reason=f"rich-menu-{problem}", details=[])
    return {}, 202


@line_api.post("/v2/bot/richmenu/validate/batch")
def validate_rich_menu_batch() -> Response | dict[str, Any]:
    body = _checked_body()
    return body if isinstance(body, Response) else {}


@line_api.get("/v2/bot/richmenu/progress/batch")
def rich_menu_batch_progress() -> Response | dict[str, Any]:
    progress = _state().rich_menu_batch_progress(request.args.get("requestId", ""))
    return progress if progress is not None else line_error(404, "Not found", reason="not-found")


@line_api.get("/v2/bot/message/<message_id>/content")
def message_content(message_id: str) -> Response:
    """LINE's api-data host: what a user sent, as registered with `POST /_standin/content/<id>`."""
    found = _state().content(message_id)
    if found is None:
        return line_error(404, "Not found", reason="not-found")
    content, content_type = found
    return Response(content, content_type=content_type)


control = Blueprint("standin_control", __name__, url_prefix="/_standin")


def _control_error(message: str) -> tuple[dict[str, str], int]:
    return {"message": message}, 400


@control.post("/reply-tokens")
def issue_reply_token() -> tuple[dict[str, Any], int]:
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("to"), str) or not body["to"]:
        return _control_error("'to' (the chat the event came from) is required")
    return _state().issue_reply_token(body["to"]), 200


@control.get("/sent")
def sent() -> dict[str, Any] | tuple[dict[str, str], int]:
    try:
        after = int(request.args.get("after", 0))
    except ValueError:
        return _control_error("'after' must be an integer")
    return {"items": _state().sent(to=request.args.get("to"), after=after)}


@control.get("/requests")
def received_requests() -> dict[str, Any]:
    return {"items": _state().requests()}


@control.post("/faults")
def add_fault() -> tuple[dict[str, Any], int]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _control_error("a JSON object is required")
    try:
        settings = faults.settings(body)
    except (TypeError, ValueError) as exc:
        return _control_error(str(exc))
    return _state().add_fault(**settings).as_json(), 200


@control.delete("/faults")
def clear_faults() -> dict[str, Any]:
    return {"cleared": _state().clear_faults()}


@control.get("/faults")
def list_faults() -> dict[str, Any]:
    return {"faults": [fault.as_json() for fault in _state().faults()]}


@control.post("/profiles")
def add_profile() -> tuple[dict[str, Any], int]:
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("userId"), str) or not isinstance(body.get("displayName"), str):
        return _control_error("'userId' and 'displayName' are required")
    fields = ("userId", "displayName", "language", "pictureUrl", "statusMessage")
    profile = {name: body[name] for name in fields if body.get(name) is not None}
    _state().set_profile(profile)
    return profile, 200


@control.post("/content/<message_id>")
def add_content(message_id: str) -> tuple[dict[str, Any], int]:
    """What `GET /v2/bot/message/<id>/content` serves: the raw body, with its Content-Type."""
    content = request.get_data()
    if not content or not request.content_type:
        return _control_error("a body and its Content-Type are required")
    _state().put_content(message_id, content, request.content_type)
    return {"messageId": message_id, "bytes": len(content)}, 200


@control.get("/richmenus")
def rich_menus() -> dict[str, Any]:
    """Every rich menu with its image's size and sha256, the user links and the default."""
    return _state().rich_menu_snapshot()


@control.post("/reset")
def reset() -> dict[str, Any]:
    _state().reset()
    return {}


@control.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok"}


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = "Not found" if status == 404 else HTTP_STATUS_CODES.get(status, "Error")
    if _is_line_request():
        return line_error(status, message, reason="http-error")
    response = jsonify(message=message)
    response.status_code = status
    return response


def create_standin_app(
    *, channel_access_token: str | None = None, reply_token_ttl: float = 60.0
) -> Flask:
    """The stand-in as a Flask app; with `channel_access_token`, any other token gets a 401."""
    app = Flask(__name__)
    app.extensions[_EXTENSION] = {
        "state": StandInState(reply_token_ttl=reply_token_ttl),
        "checker": RequestChecker(),
        "channel_access_token": channel_access_token,
    }
    app.before_request(_before_line_request)
    app.after_request(_after_line_request)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(faults.Dropped, lambda _error: Response(status=500))
    app.register_blueprint(line_api)
    app.register_blueprint(control)
    return app


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: the benchmark sends thousands."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class StandIn:
    """A stand-in served from a daemon thread; `stop()` (or leaving `with`) shuts it down."""

    url: str
    port: int
    app: Flask
    _server: BaseWSGIServer
    _thread: threading.Thread

    @property
    def state(self) -> StandInState:
        return standin_state(self.app)

    def add_profile(self, user_id: str, display_name: str, *, language: str | None = None) -> None:
        """What `GET /v2/bot/profile/{user_id}` will answer (as `POST /_standin/profiles`)."""
        profile = {"userId": user_id, "displayName": display_name}
        self.state.set_profile(profile | ({"language": language} if language else {}))

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(host: str = "127.0.0.1", port: int = 0, **kw: Any) -> StandIn:
    """Serve a new stand-in on `host:port` (0: any free port) until `stop()`."""
    app = create_standin_app(**kw)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="line-standin", daemon=True
    )
    thread.start()
    return StandIn(f"http://{host}:{server.port}", server.port, app, server, thread)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.dev.standin`: serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.dev.standin", description="A local stand-in for LINE's Messaging API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", help="the only channel access token accepted (default: any)")
    parser.add_argument("--reply-token-ttl", type=float, default=60.0, metavar="SECONDS")
    args = parser.parse_args(argv)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    standin = serve(
        args.host, args.port, channel_access_token=args.token, reply_token_ttl=args.reply_token_ttl
    )
    print(f"LINE stand-in listening on {standin.url}", flush=True)
    stopping.wait()
    standin.stop()
    return 0
