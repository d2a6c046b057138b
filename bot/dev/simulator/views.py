"""The simulator's page and its small APIs.

``/api/events`` builds a LINE webhook event for a demo person, with a reply token
issued by the stand-in for that chat, and signs it; the page then posts it to
``/callback`` itself, the same way LINE would, so the simulator exercises the
production path instead of a shortcut. The stand-in records the event, as LINE
knows what a phone sent. ``/api/sent`` relays what the stand-in received from the
bot, and whether LINE would be showing the loading animation in that chat;
``/api/history`` both, so a reloaded page shows the whole conversation again.
``/api/richmenu`` is the rich menu LINE would show the person (the one linked to
them, else the default), with its areas and the picture the bot uploaded. The
page never holds the channel secret.
"""
from __future__ import annotations

import functools
import io
import json
import math
import re
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from bot.dev import line_events
from bot.bootstrap import Services
from bot.dev.demo.cast import Group, Person, load
from messages.i18n import DEFAULT_LANGUAGE, N_, available_languages, language_name, translator
from messages.line import MAX_POSTBACK_DATA
from messages.line import MAX_TEXT_UNITS as MAX_TEXT

bp = Blueprint(
    "simulator",
    __name__,
    url_prefix="/simulator",
    template_folder="templates",
    static_folder="static",
)

STANDIN_TIMEOUT = 3.0
RICH_MENU_ID = re.compile(r"^richmenu-[0-9a-f]{32}$")

KINDS = frozenset({"follow", "unfollow", "join", "leave", "text", "postback", "sticker", "image", "location"})
ONE_TO_ONE_ONLY = frozenset({"follow", "unfollow"})
GROUP_ONLY = frozenset({"join", "leave"})
WITHOUT_REPLY_TOKEN = frozenset({"unfollow", "leave"})
POSTBACK_PARAMS = frozenset({"date", "time", "datetime", "newRichMenuAliasId", "status"})

MAX_PARAM = 100

# A sticker from LINE's free "Brown & Cony" package, and the provincial hall of the
# demo's province (Kalasin), so non-text input looks like what a phone sends.
DEMO_STICKER = {"packageId": "446", "stickerId": "1988"}
DEMO_LOCATION = {"latitude": 16.4322, "longitude": 103.5061}

ROLE_LABELS = {
    "household": N_("Household"),
    "leader": N_("Community leader"),
    "coordinator": N_("District coordinator"),
    "agency": N_("Agency staff"),
}

# Every string the page's script shows; translated when the page is rendered.
SCRIPT_LABELS = {
    "botName": N_("Kaejon"),
    "send": N_("Send"),
    "placeholder": N_("Type a message"),
    "follow": N_("Follow (add friend)"),
    "unfollow": N_("Unfollow (block)"),
    "join": N_("Add bot to group"),
    "leave": N_("Remove from group"),
    "sticker": N_("Send sticker"),
    "image": N_("Send image"),
    "location": N_("Send location"),
    "speakingAs": N_("Speaking as"),
    "push": N_("push"),
    "unsupported": N_("[unsupported: {type}]"),
    "followed": N_("You added the bot as a friend."),
    "unfollowed": N_("You blocked the bot."),
    "joined": N_("The bot was added to the group."),
    "left": N_("The bot was removed from the group."),
    "stickerSent": N_("Sticker"),
    "imageSent": N_("Photo"),
    "imageUnavailable": N_("Image not available offline"),
    "locationTitle": N_("Kalasin Provincial Hall"),
    "locationAddress": N_("Kalasin Provincial Hall, Mueang Kalasin, Kalasin 46000"),
    "callbackFailed": N_("The bot did not accept this (HTTP {status})."),
    "sendFailed": N_("The simulator could not send this: {error}"),
    "standinDown": N_("Cannot reach the LINE stand-in. Retrying..."),
    "choose": N_("Choose"),
    "cancel": N_("Cancel"),
    "pickDate": N_("Choose a date"),
    "pickTime": N_("Choose a time"),
    "pickDatetime": N_("Choose a date and time"),
    "wouldOpen": N_("This button would open: {uri}"),
    "copied": N_("Copied: {text}"),
    "unknownAction": N_("This button does nothing here ({type})."),
    "emptyOneToOne": N_("No messages yet. Tap \"Follow (add friend)\" to start."),
    "emptyGroup": N_("No messages yet. Tap \"Add bot to group\" to start."),
    "video": N_("Video"),
    "audio": N_("Voice message"),
    "menuClosed": N_("Menu"),
    "typing": N_("Kaejon is working on it..."),
}


class BadEvent(ValueError):
    """The page asked for an event the simulator cannot build; the message says why."""


class StandinUnavailable(RuntimeError):
    """The LINE stand-in did not answer as expected."""


@bp.get("")
@bp.get("/")
def page() -> str:
    language = _page_language()
    tr = translator(language)
    _ = tr.gettext
    cast = load()
    people = [
        {"key": p.key, "id": p.line_user_id, "name": p.name, "role": _(ROLE_LABELS.get(p.role, p.role))}
        for p in cast.people
    ]
    groups = [{"key": g.key, "id": g.line_group_id, "name": g.name} for g in cast.groups]
    config = {
        "people": people,
        "groups": groups,
        "language": language,
        "labels": {key: _(msgid) for key, msgid in SCRIPT_LABELS.items()},
        "urls": {
            "events": url_for("simulator.events"),
            "sent": url_for("simulator.sent"),
            "history": url_for("simulator.history"),
            "richmenu": url_for("simulator.rich_menu"),
            "callback": url_for("webhook.callback"),
        },
        "demoSticker": DEMO_STICKER,
        "demoLocation": DEMO_LOCATION,
    }
    languages = [{"code": code, "name": language_name(code)} for code in available_languages()]
    return render_template("simulator/index.html", _=_, lang=language, languages=languages, people=people,
                           groups=groups, config=config)


def _page_language() -> str:
    """The page's own words: Thai unless ``?lang=`` names another language we have."""
    asked = request.args.get("lang", DEFAULT_LANGUAGE)
    return asked if asked in available_languages() else DEFAULT_LANGUAGE


@bp.post("/api/events")
def events() -> Response | tuple[Response, int]:
    body = request.get_json(silent=True)
    try:
        if not isinstance(body, dict):
            raise BadEvent("send a JSON object (Content-Type: application/json)")
        person, group, kind = _who_and_what(body)
        fields = _event_fields(kind, body)
    except BadEvent as error:
        return jsonify(error=str(error)), 400
    services: Services = current_app.extensions["kaejon"]
    chat_id = group.line_group_id if group else person.line_user_id
    try:
        token = None if kind in WITHOUT_REPLY_TOKEN else _reply_token(chat_id)
    except StandinUnavailable as error:
        return jsonify(error=str(error)), 502
    event = _build_event(person, group, kind, token, fields)
    if kind == "image":  # what the phone uploaded, for the bot to fetch from LINE as it would
        try:
            _standin_open("POST", f"/_standin/content/{event['message']['id']}", demo_photo(), "image/jpeg")
        except StandinUnavailable as error:
            return jsonify(error=str(error)), 502
    _remember(chat_id, event, body.get("shown") if isinstance(body.get("shown"), str) else None)
    raw = line_events.payload([event])
    return jsonify(
        body=raw.decode("utf-8"),
        signature=line_events.sign(raw, services.settings.channel_secret),
        to=chat_id,
    )


@bp.get("/api/sent")
def sent() -> Response | tuple[Response, int]:
    """What the bot sent to a chat after ``after``, and whether LINE shows the loading animation there."""
    chat_id = request.args.get("to", "")
    if chat_id not in _chat_ids():
        return jsonify(error="'to' must be the id of a demo person or group"), 400
    try:
        after = int(request.args.get("after", "0"))
    except ValueError:
        return jsonify(error="'after' must be a whole number"), 400
    if after < 0:
        return jsonify(error="'after' must not be negative"), 400
    try:
        items = _standin_items("/_standin/sent?" + urlencode({"to": chat_id, "after": after}))
        loading = _standin_items("/_standin/loading?" + urlencode({"chatId": chat_id}))
    except StandinUnavailable as error:
        return jsonify(error=str(error)), 502
    return jsonify(items=items, loading=any(item.get("active") for item in loading))


@bp.get("/api/history")
def history() -> Response | tuple[Response, int]:
    """The whole conversation of a chat as LINE keeps it: what people did there (the events
    the simulator sent) and what the bot sent, in order, so a reloaded page shows it again."""
    chat_id = request.args.get("to", "")
    if chat_id not in _chat_ids():
        return jsonify(error="'to' must be the id of a demo person or group"), 400
    try:
        sent_items = _standin_items("/_standin/sent?" + urlencode({"to": chat_id}))
        done = _standin_items("/_standin/events?" + urlencode({"to": chat_id}))
    except StandinUnavailable as error:
        return jsonify(error=str(error)), 502
    items = sorted(sent_items + done, key=lambda item: item.get("seq", 0))
    return jsonify(items=items)


@bp.get("/api/richmenu")
def rich_menu() -> Response | tuple[Response, int]:
    """The rich menu LINE would show this person: size, chat bar text, areas (bounds in the
    picture's pixels, and the action each sends) and where its picture is; null if none."""
    user_id = request.args.get("to", "")
    if user_id not in {p.line_user_id for p in load().people}:
        return jsonify(error="'to' must be the id of a demo person (groups have no rich menu)"), 400
    try:
        found = standin_call("GET", f"/_standin/users/{user_id}/richmenu", missing_ok=True)
    except StandinUnavailable as error:
        return jsonify(error=str(error)), 502
    if not isinstance(found, dict) or not isinstance(found.get("definition"), dict):
        return jsonify(richMenu=None)
    definition = found["definition"]
    return jsonify(richMenu={
        "richMenuId": found["richMenuId"],
        "source": found.get("source"),
        "size": definition["size"],
        "selected": definition.get("selected", False),
        "chatBarText": definition.get("chatBarText", ""),
        "areas": definition.get("areas", []),
        "image": url_for("simulator.rich_menu_image", menu_id=found["richMenuId"]) if found.get("image") else None,
    })


@bp.get("/api/richmenu/<menu_id>/image")
def rich_menu_image(menu_id: str) -> Response | tuple[Response, int]:
    """The picture the bot uploaded for a rich menu, relayed from the stand-in."""
    if not RICH_MENU_ID.match(menu_id):
        return jsonify(error="not a rich menu id"), 400
    try:
        found = _standin_open("GET", f"/_standin/richmenus/{menu_id}/image", missing_ok=True)
    except StandinUnavailable as error:
        return jsonify(error=str(error)), 502
    if found is None:
        return jsonify(error="no such rich menu picture"), 404
    image, content_type = found
    response = Response(image, mimetype=content_type)
    response.cache_control.max_age = 3600  # a menu's picture never changes: LINE allows one upload
    return response


def _standin_items(path: str) -> list[dict[str, Any]]:
    answer = standin_call("GET", path)
    items = answer.get("items") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        raise StandinUnavailable("the LINE stand-in answered without a list of items")
    return items


def _remember(chat_id: str, event: dict[str, Any], shown: str | None) -> None:
    """Have the stand-in keep what the person did, as LINE keeps the chat; shown is the
    text LINE puts in the chat for it (a button's display text). Only the history needs
    it, so a stand-in that cannot take it does not stop the event."""
    try:
        standin_call("POST", "/_standin/events", {"to": chat_id, "event": event,
                                                  "shown": shown[:MAX_TEXT] if shown else None})
    except StandinUnavailable:
        pass


def standin_call(method: str, path: str, body: dict[str, Any] | None = None, *, missing_ok: bool = False) -> Any:
    """A JSON call to the stand-in's control API; None for a 404 when ``missing_ok``."""
    found = _standin_open(method, path, body, missing_ok=missing_ok)
    if found is None:
        return None
    try:
        return json.loads(found[0].decode("utf-8"))
    except ValueError as error:
        raise StandinUnavailable(f"the LINE stand-in did not answer {method} {path}: {error}") from None


def _standin_open(method: str, path: str, body: dict[str, Any] | bytes | None = None,
                  content_type: str = "application/json", *, missing_ok: bool = False) -> tuple[bytes, str] | None:
    """Every call to the stand-in: one place, with a timeout, no proxies; the body and its type.
    A body of bytes is sent as it is, as ``content_type``."""
    services: Services = current_app.extensions["kaejon"]
    base = services.settings.standin_url
    if not base:
        raise StandinUnavailable("no LINE stand-in is configured")
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode("utf-8")
    outgoing = urllib.request.Request(
        base + path, data=data, method=method,
        headers={"Content-Type": content_type},
    )
    try:
        with _OPENER.open(outgoing, timeout=STANDIN_TIMEOUT) as response:
            return response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 404 and missing_ok:
            return None
        raise StandinUnavailable(f"the LINE stand-in answered HTTP {error.code} to {method} {path}") from None
    except OSError as error:  # URLError and timeouts are OSErrors
        raise StandinUnavailable(f"the LINE stand-in did not answer {method} {path}: {error}") from None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _reply_token(chat_id: str) -> str:
    answer = standin_call("POST", "/_standin/reply-tokens", {"to": chat_id})
    token = answer.get("replyToken") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise StandinUnavailable("the LINE stand-in issued no reply token")
    return token


def _chat_ids() -> set[str]:
    cast = load()
    return {p.line_user_id for p in cast.people} | {g.line_group_id for g in cast.groups}


def _who_and_what(body: dict[str, Any]) -> tuple[Person, Group | None, str]:
    cast = load()
    person = next((p for p in cast.people if p.key == body.get("as")), None)
    if person is None:
        raise BadEvent("'as' must be the key of a demo person")
    group_key = body.get("group")
    group = None
    if group_key is not None:
        group = next((g for g in cast.groups if g.key == group_key), None)
        if group is None:
            raise BadEvent("'group' must be the key of a demo group, or null")
    kind = body.get("kind")
    if kind not in KINDS:
        raise BadEvent(f"'kind' must be one of {', '.join(sorted(KINDS))}")
    if kind in ONE_TO_ONE_ONLY and group is not None:
        raise BadEvent(f"a {kind} event happens in a one-to-one chat, not in a group")
    if kind in GROUP_ONLY and group is None:
        raise BadEvent(f"a {kind} event needs a group")
    return person, group, kind


def _event_fields(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The checked inputs of one kind of event (text, postback data, a location...)."""
    params = body.get("params")
    if params is not None and not isinstance(params, dict):
        raise BadEvent("'params' must be an object")
    params = params or {}
    if kind == "text":
        words = body.get("text")
        if not isinstance(words, str) or not words.strip():
            raise BadEvent("a text event needs a non-empty 'text'")
        if len(words) > MAX_TEXT:
            raise BadEvent(f"'text' is longer than {MAX_TEXT} characters")
        return {"text": words}
    if kind == "postback":
        data = body.get("data")
        if not isinstance(data, str) or not data:
            raise BadEvent("a postback event needs 'data'")
        if len(data) > MAX_POSTBACK_DATA:
            raise BadEvent(f"'data' is longer than {MAX_POSTBACK_DATA} characters")
        for key, value in params.items():
            if key not in POSTBACK_PARAMS or not isinstance(value, str) or len(value) > MAX_PARAM:
                raise BadEvent(f"postback 'params' may only hold {', '.join(sorted(POSTBACK_PARAMS))} as short strings")
        return {"data": data, "params": {key: str(value) for key, value in params.items()}}
    if kind == "sticker":
        sticker = {**DEMO_STICKER, **params}
        if set(sticker) != set(DEMO_STICKER) or not all(
            isinstance(value, str) and value.isdigit() and len(value) <= 20 for value in sticker.values()
        ):
            raise BadEvent("sticker 'params' may only hold packageId and stickerId, as digits")
        return sticker
    if kind == "location":
        return _location(params)
    return {}


def _location(params: dict[str, Any]) -> dict[str, Any]:
    place: dict[str, Any] = {**DEMO_LOCATION}
    for key, limit in (("latitude", 90), ("longitude", 180)):
        value = params.get(key, place[key])
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or abs(value) > limit:
            raise BadEvent(f"location '{key}' must be a number within +-{limit}")
        place[key] = float(value)
    for key in ("title", "address"):
        value = params.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > MAX_PARAM:
            raise BadEvent(f"location '{key}' must be a short string")
        place[key] = value
    return place


def _build_event(person: Person, group: Group | None, kind: str, token: str | None,
                 fields: dict[str, Any]) -> dict[str, Any]:
    src = line_events.source(person.line_user_id, group_id=group.line_group_id if group else None)
    if kind == "follow":
        return line_events.follow(src, token)
    if kind == "unfollow":
        return line_events.unfollow(src)
    if kind in GROUP_ONLY:
        # LINE names no member in join and leave: the bot was added or removed, not by whom.
        group_only = {key: value for key, value in src.items() if key != "userId"}
        return line_events.event(kind, group_only, reply_token=token)
    if kind == "text":
        return line_events.text(src, token, fields["text"])
    if kind == "postback":
        return line_events.event("postback", src, reply_token=token,
                                 postback=line_events.postback(fields["data"], fields["params"] or None))
    content: dict[str, Any] = {"id": _message_id(), "type": kind}
    if kind == "sticker":
        content.update(fields, stickerResourceType="STATIC", quoteToken=uuid.uuid4().hex)
    elif kind == "image":
        content.update(contentProvider={"type": "line"}, quoteToken=uuid.uuid4().hex)
    else:
        content.update(fields)
    return line_events.message(src, token, content)


@functools.cache
def demo_photo() -> bytes:
    """The photo the page's "Send image" sends: a small JPEG, as a phone would upload (a house
    under a sky, drawn once)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 360), "#9CC9E8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 270, 480, 360), fill="#6A994E")
    draw.rectangle((150, 170, 330, 290), fill="#E9D8A6")
    draw.polygon([(130, 175), (240, 90), (350, 175)], fill="#9B2226")
    draw.rectangle((220, 220, 260, 290), fill="#7F5539")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _message_id() -> str:
    return str(uuid.uuid4().int)[:18]
