"""The stand-in's own endpoints under ``/_standin/`` (not LINE's): reply tokens standing in
for webhook events, what was sent and asked, profiles and message content to serve, rich
menus to inspect, faults to inject, and a reset."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from bot.dev.standin import faults
from bot.dev.standin.state import current_state as _state


control = Blueprint("standin_control", __name__, url_prefix="/_standin")


def _control_error(message: str) -> tuple[dict[str, str], int]:
    return {"message": message}, 400


@control.post("/reply-tokens")
def issue_reply_token() -> tuple[dict[str, Any], int]:
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("to"), str) or not body["to"]:
        return _control_error("'to' (the chat the event came from) is required")
    count = body.get("count")
    if count is None:
        return _state().issue_reply_token(body["to"]), 200
    if not isinstance(count, int) or not 1 <= count <= 1000:
        return _control_error("'count' must be a whole number from 1 to 1000")
    return {"replyTokens": [_state().issue_reply_token(body["to"])["replyToken"] for _ in range(count)]}, 200


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


@control.post("/quota")
def set_quota() -> tuple[dict[str, Any], int]:
    """The month's push quota the stand-in reports: ``{"limit": 1000 or null, "used": 950}``."""
    body = request.get_json(silent=True) or {}
    limit, used = body.get("limit"), body.get("used", 0)
    if not (limit is None or isinstance(limit, int)) or not isinstance(used, int):
        return _control_error("'limit' is a whole number or null, 'used' a whole number")
    _state().set_quota(limit, used)
    return {"limit": limit, "used": used}, 200


@control.get("/richmenus")
def rich_menus() -> dict[str, Any]:
    """Every rich menu with its image's size and sha256, the user links and the default."""
    return _state().rich_menu_snapshot()


@control.get("/users/<user_id>/richmenu")
def user_rich_menu(user_id: str) -> dict[str, Any] | tuple[dict[str, str], int]:
    """The rich menu this user sees (linked to them, else the default), its areas and where
    its picture is; 404 if they see none."""
    found = _state().rich_menu_for(user_id)
    if found is None:
        return {"message": "this user sees no rich menu"}, 404
    menu, source = found
    return menu.as_json() | {"source": source, "imageUrl": f"/_standin/richmenus/{menu.id}/image"}


@control.get("/richmenus/<menu_id>/image")
def rich_menu_image(menu_id: str) -> Response | tuple[dict[str, str], int]:
    """The picture uploaded to a menu, byte for byte, without LINE's access token."""
    menu = _state().rich_menu(menu_id)
    if menu is None or menu.image is None:
        return {"message": "no such rich menu, or no picture uploaded to it"}, 404
    return Response(menu.image, mimetype=menu.content_type)


@control.get("/loading")
def loading() -> dict[str, Any]:
    """Every loading animation the bot started (in one chat with ``?chatId=``); ``active``
    while LINE would still show it: until its seconds run out or a message reaches the chat."""
    return {"items": _state().loading(chat_id=request.args.get("chatId"))}


@control.post("/events")
def record_event() -> tuple[dict[str, Any], int]:
    """What a user did in a chat (the webhook event the simulator built for it), so a page
    that reloads can show the whole conversation; ``shown`` is what LINE put in the chat."""
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("to"), str) or not isinstance(body.get("event"), dict):
        return _control_error("'to' (the chat) and 'event' (the webhook event) are required")
    shown = body.get("shown")
    if shown is not None and not isinstance(shown, str):
        return _control_error("'shown' must be a string")
    return _state().record_event(body["to"], body["event"], shown), 200


@control.get("/events")
def recorded_events() -> dict[str, Any] | tuple[dict[str, str], int]:
    try:
        after = int(request.args.get("after", 0))
    except ValueError:
        return _control_error("'after' must be an integer")
    return {"items": _state().events(to=request.args.get("to"), after=after)}


@control.post("/reset")
def reset() -> dict[str, Any]:
    _state().reset()
    return {}


@control.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok"}
