"""Postback data: a short action name and parameters, as a query string.

The bot must treat what comes back as untrusted (a postback can be forged),
so decoding never fails: anything unreadable decodes to an empty action.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from messages.line import MAX_POSTBACK_DATA, MessageLimitError


def encode(action: str, **params: str | int) -> str:
    data = urlencode({"a": action, **{key: str(value) for key, value in params.items()}})
    if len(data) > MAX_POSTBACK_DATA:
        raise MessageLimitError(f"postback data is {len(data)} characters; LINE allows {MAX_POSTBACK_DATA}")
    return data


def whole_number(value: str | None, *, digits: int = 18) -> int | None:
    """A parameter our buttons wrote as ASCII digits, as a number; None for anything else
    (a device can send any text, and ``"\u00b2".isdigit()`` is true but ``int`` refuses it)."""
    if value is None or not 0 < len(value) <= digits or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def decode(data: object) -> tuple[str, dict[str, str]]:
    if not isinstance(data, str) or not data or len(data) > MAX_POSTBACK_DATA:
        return "", {}
    try:
        pairs = dict(parse_qsl(data, keep_blank_values=True, strict_parsing=True, max_num_fields=20))
    except ValueError:
        return "", {}
    return pairs.pop("a", ""), pairs
