"""Builders for LINE message objects that stay within LINE's limits by construction.

Every message Kaejon sends is made here, as the plain JSON LINE expects, so the
limits live in one place: text is split at 5,000 UTF-16 units, labels are
shortened to what LINE displays, and what cannot be shortened (postback data,
more quick replies or bubbles than allowed) raises ``MessageLimitError`` at the
point where the message is built, long before LINE could reject it.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

Message = dict[str, Any]

MAX_TEXT_UNITS = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_POSTBACK_DATA = 300
MAX_DISPLAY_TEXT = 300
MAX_CAROUSEL_BUBBLES = 12
MAX_LABEL = 20
MAX_ALT_TEXT = 400
ELLIPSIS = "…"


class MessageLimitError(ValueError):
    """A message was built that LINE would refuse; the caller must page or shorten it."""


def utf16_units(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def shorten(value: str, limit: int) -> str:
    """Cut ``value`` to ``limit`` UTF-16 units, ending with an ellipsis, never inside
    a surrogate pair or between a Thai consonant and its vowel or tone marks."""
    if utf16_units(value) <= limit:
        return value
    cut = _cut_point(value, limit - 1)
    return value[:cut].rstrip() + ELLIPSIS


def split_text(value: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Split long text into pieces of at most ``limit`` UTF-16 units, preferring
    paragraph, then line, then word boundaries."""
    pieces = []
    rest = value
    while utf16_units(rest) > limit:
        hard = _cut_point(rest, limit)
        head = rest[:hard]
        cut = max(head.rfind("\n\n"), head.rfind("\n"), head.rfind(" "))
        if cut <= 0:
            cut = hard
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _cut_point(value: str, limit: int) -> int:
    units = 0
    for index, char in enumerate(value):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            while index > 0 and unicodedata.combining(value[index]):
                index -= 1
            return index
    return len(value)


def postback_action(label: str, data: str, *, display_text: str | None = None) -> Message:
    if len(data) > MAX_POSTBACK_DATA:
        raise MessageLimitError(f"postback data is {len(data)} characters; LINE allows {MAX_POSTBACK_DATA}")
    action: Message = {"type": "postback", "label": shorten(label, MAX_LABEL), "data": data}
    if display_text:
        action["displayText"] = shorten(display_text, MAX_DISPLAY_TEXT)
    return action


def message_action(label: str, text: str) -> Message:
    return {"type": "message", "label": shorten(label, MAX_LABEL), "text": shorten(text, MAX_DISPLAY_TEXT)}


def uri_action(label: str, uri: str) -> Message:
    return {"type": "uri", "label": shorten(label, MAX_LABEL), "uri": uri}


def camera_action(label: str) -> Message:
    """Opens the camera; the photo arrives as an image message. Quick replies only."""
    return {"type": "camera", "label": shorten(label, MAX_LABEL)}


def camera_roll_action(label: str) -> Message:
    """Opens the phone's photos; the chosen one arrives as an image message. Quick replies only."""
    return {"type": "cameraRoll", "label": shorten(label, MAX_LABEL)}


def location_action(label: str) -> Message:
    """Opens LINE's map; the chosen place arrives as a location message. Quick replies only."""
    return {"type": "location", "label": shorten(label, MAX_LABEL)}


def date_picker(label: str, data: str, *, maximum: date | None = None) -> Message:
    """Opens LINE's date picker; the day chosen comes back with the postback (``params.date``)."""
    if len(data) > MAX_POSTBACK_DATA:
        raise MessageLimitError(f"postback data is {len(data)} characters; LINE allows {MAX_POSTBACK_DATA}")
    action: Message = {"type": "datetimepicker", "label": shorten(label, MAX_LABEL), "data": data, "mode": "date"}
    if maximum is not None:
        action["max"] = maximum.isoformat()
    return action


def quick_reply(actions: list[Message]) -> Message:
    if len(actions) > MAX_QUICK_REPLY_ITEMS:
        raise MessageLimitError(f"{len(actions)} quick replies; LINE allows {MAX_QUICK_REPLY_ITEMS}")
    return {"items": [{"type": "action", "action": action} for action in actions]}


def text(value: str, *, quick: list[Message] | None = None) -> list[Message]:
    """One or more text messages; the quick replies go on the last, where LINE shows them."""
    value = value.strip() or ELLIPSIS
    messages: list[Message] = [{"type": "text", "text": piece} for piece in split_text(value)]
    if quick:
        messages[-1]["quickReply"] = quick_reply(quick)
    return messages


def image(original: str, preview: str) -> Message:
    """An image message: LINE fetches both addresses (https, at most 2,000 characters)."""
    for url in (original, preview):
        if len(url) > 2000:
            raise MessageLimitError("image URLs are at most 2,000 characters")
    return {"type": "image", "originalContentUrl": original, "previewImageUrl": preview}


def flex(alt_text: str, contents: Message, *, quick: list[Message] | None = None) -> Message:
    message: Message = {"type": "flex", "altText": shorten(alt_text, MAX_ALT_TEXT), "contents": contents}
    if quick:
        message["quickReply"] = quick_reply(quick)
    return message


def carousel(bubbles: list[Message]) -> Message:
    if not bubbles:
        raise MessageLimitError("a carousel needs at least one bubble")
    if len(bubbles) > MAX_CAROUSEL_BUBBLES:
        raise MessageLimitError(f"{len(bubbles)} bubbles; LINE allows {MAX_CAROUSEL_BUBBLES} per carousel")
    return {"type": "carousel", "contents": bubbles}


def text_component(value: str, **style: Any) -> Message:
    return {"type": "text", "text": value.strip() or ELLIPSIS, "wrap": True, **style}


def box(layout: str, contents: list[Message], **style: Any) -> Message:
    return {"type": "box", "layout": layout, "contents": contents, **style}


def button(action: Message, *, style: str = "secondary", **extra: Any) -> Message:
    return {"type": "button", "action": action, "style": style, "height": "sm", **extra}


def bubble(
    title: str,
    lines: list[str],
    *,
    buttons: list[Message] | None = None,
    subtitle: str | None = None,
    accent: str = "#1B5E20",
) -> Message:
    """The card Kaejon uses everywhere: a coloured header, short lines, buttons below."""
    header = [text_component(title, weight="bold", size="lg", color="#FFFFFF")]
    if subtitle:
        header.append(text_component(subtitle, size="sm", color="#E8F5E9"))
    card: Message = {
        "type": "bubble",
        "header": box("vertical", header, backgroundColor=accent, paddingAll="16px"),
        "body": box("vertical", [text_component(line, size="md") for line in lines] or [text_component(title)],
                    spacing="md"),
    }
    if buttons:
        card["footer"] = box("vertical", [button(b) for b in buttons], spacing="sm")
    return card
