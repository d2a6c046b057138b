"""A local stand-in for LINE's Messaging API, used by the tests, the benchmark and the demo.

It answers the bot's real LINE SDK (`Configuration(host=standin.url)`) on LINE's
own paths, with LINE's bodies, status codes and error shapes, and checks every
request body against LINE's OpenAPI document. It keeps rich menus (with their
images and the users linked to them) and serves the content of messages users
sent. Its memory is in state.py, its own `/_standin/` endpoints (reply tokens,
what was sent, profiles, content, faults) in control.py, fault injection in
faults.py. Everything lives in memory: it is a test double, never imported by
the production processes.
"""

from __future__ import annotations

import argparse
import io
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from gunicorn.app.base import BaseApplication
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from bot.dev.standin import faults
from bot.dev.standin.control import control
from bot.dev.standin.openapi_check import RequestChecker
from bot.dev.standin.state import EXTENSION, SendResult, StandInState, now_ms, standin_state
from bot.dev.standin.state import current_state as _state

CONTROL_PREFIX = "/_standin/"
MESSAGE_PATHS = ("/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/message/multicast")
_RETRY_KEY = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_RICH_MENU_IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}
MAX_RICH_MENU_IMAGE_BYTES = 1024 * 1024
_BOT_INFO = {
    "userId": "U" + "5" * 32,
    "basicId": "@000stand",
    "displayName": "Kaejon (LINE stand-in)",
    "chatMode": "bot",
    "markAsReadMode": "auto",
}


def _checker() -> RequestChecker:
    checker: RequestChecker = current_app.extensions[EXTENSION]["checker"]
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
    if request.path.startswith(MESSAGE_PATHS):
        delay += current_app.extensions[EXTENSION]["latency"]
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
    expected = current_app.extensions[EXTENSION]["channel_access_token"]
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
            "at": now_ms(),
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
    """LINE shows the animation only in a one-to-one chat, for 5 to 60 seconds (default 20)."""
    body = _checked_body()
    if isinstance(body, Response):
        return body
    if not _USER_ID.match(body["chatId"]):
        return line_error(400, "The value for the 'chatId' parameter is invalid", reason="invalid-chat-id")
    seconds = body.get("loadingSeconds", 20)
    if seconds % 5:
        return line_error(400, "The value for the 'loadingSeconds' parameter is invalid", reason="invalid-seconds")
    _state().start_loading(body["chatId"], seconds)
    return {}, 202


@line_api.get("/v2/bot/profile/<user_id>")
def profile(user_id: str) -> Response | dict[str, Any]:
    found = _state().profile(user_id)
    return found if found is not None else line_error(404, "Not found", reason="not-found")


@line_api.get("/v2/bot/message/quota")
def message_quota() -> dict[str, Any]:
    limit, _ = _state().quota()
    return {"type": "none"} if limit is None else {"type": "limited", "value": limit}


@line_api.get("/v2/bot/message/quota/consumption")
def message_quota_consumption() -> dict[str, Any]:
    _, used = _state().quota()
    return {"totalUsage": used}


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


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = "Not found" if status == 404 else HTTP_STATUS_CODES.get(status, "Error")
    if _is_line_request():
        return line_error(status, message, reason="http-error")
    response = jsonify(message=message)
    response.status_code = status
    return response


class _NoCheck:
    """For load tests: every body passes, so the stand-in costs little beside what it measures."""

    def problems(self, method: str, path: str, body: Any) -> list[Any]:
        return []


def create_standin_app(
    *, channel_access_token: str | None = None, reply_token_ttl: float = 60.0, check: bool = True,
    latency: float = 0.0,
) -> Flask:
    """The stand-in as a Flask app; with `channel_access_token`, any other token gets a 401.

    `check=False` skips the OpenAPI checks of request bodies (a load test's correctness
    is checked in a run with them on); `latency` seconds pass before every send is
    answered, as LINE's round trip from Thailand does.
    """
    app = Flask(__name__)
    app.extensions[EXTENSION] = {
        "state": StandInState(reply_token_ttl=reply_token_ttl),
        "checker": RequestChecker() if check else _NoCheck(),
        "channel_access_token": channel_access_token,
        "latency": latency,
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
    parser.add_argument("--no-check", action="store_true", help="skip the OpenAPI checks of bodies (load tests)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="answer every send after this delay")
    args = parser.parse_args(argv)
    app = create_standin_app(channel_access_token=args.token, reply_token_ttl=args.reply_token_ttl,
                             check=not args.no_check, latency=args.latency_ms / 1000)
    port = args.port or _free_port(args.host)
    _KeptAlive(app, f"{args.host}:{port}").run()
    return 0


class _KeptAlive(BaseApplication):  # type: ignore[misc]
    """The stand-in as a process: one gunicorn process (its memory is the stand-in's state)
    with threads, keeping connections alive as LINE's servers do. Werkzeug's development
    server closes every connection after one answer, which would make every call pay for a
    new connection and measure that instead of Kaejon."""

    def __init__(self, app: Flask, bind: str) -> None:
        self.application = app
        self.bind = bind
        super().__init__()

    def load_config(self) -> None:
        for name, value in {"bind": self.bind, "workers": 1, "worker_class": "gthread", "threads": 64,
                            "keepalive": 75, "loglevel": "warning", "accesslog": None,
                            "when_ready": self.announce}.items():
            self.cfg.set(name, value)

    def announce(self, _arbiter: object) -> None:
        """Say where it listens once it does: whoever started it may call it at once."""
        print(f"LINE stand-in listening on http://{self.bind}", flush=True)

    def load(self) -> Flask:
        return self.application


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
