"""Hypothesis strategies for LINE webhook bodies, read from LINE's published webhook.yml.

Every event and message type of the document's discriminators, built as the schema
says, and then spoilt the way a hostile or broken sender might: required fields
missing, fields of no known name, wrong types, odd texts and extreme numbers.
(bot/dev/standin/openapi_check.load_spec prepares messaging-api.yml for checking,
with limits keyed to that document's schemas: it does not fit generation.)
"""
from __future__ import annotations

import functools
import json
import math
from typing import Any

import yaml
from hypothesis import strategies as st

from bot.dev.standin.openapi_check import SPEC_PATH

WEBHOOK_SPEC = SPEC_PATH.with_name("webhook.yml")

# A few chats, so that events of one chat meet the same conversation.
USER_IDS = ["U" + digit * 32 for digit in "369"] + ["U" + "a" * 32]
GROUP_IDS = ["C" + "5" * 32, "C" + "b" * 32]

ODD_TEXTS = st.sampled_from([
    "", " ", "\u0000", "\ud800", "a\udfffb", "\u202eกขค\u202c", "\u200b\u200d\u2060", "\ufeff",
    "๑๒๓๔๕", "๐๘๑๒๓๔๕๖๗๘", "مرحبا", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "ก" * 5001,
    "x" * 20000, "a=&&==", "a=%ZZ", "%00", "\r\n\t", "'; DROP TABLE inbox_events; --", "{{ 7*7 }}",
    "ยืนยัน", "1", "-1", "99999999999999999999", "1e400", "NaN",
])
TEXTS = st.one_of(ODD_TEXTS, st.text(max_size=40), st.text(st.characters(codec="utf-8"), max_size=8))
ODD_INTEGERS = st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**30, 10**4000, 1e20, 1e308, -0.0, 1.5])
ODD_NUMBERS = st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1e400, math.inf, -math.inf, math.nan, 10**30])
ANYTHING = st.one_of(
    st.none(), st.booleans(), ODD_INTEGERS, ODD_NUMBERS, TEXTS,
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


@functools.lru_cache(maxsize=1)
def schemas() -> dict[str, Any]:
    with WEBHOOK_SPEC.open("rb") as stream:
        return yaml.safe_load(stream)["components"]["schemas"]


def _resolve(schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return name, schemas()[name]
    return None, schema


def _flattened(schema: dict[str, Any]) -> dict[str, Any]:
    """One object schema from an ``allOf`` chain, without the base's discriminator."""
    _, schema = _resolve(schema)
    merged: dict[str, Any] = {"type": schema.get("type"), "properties": {}, "required": []}
    for part in schema.get("allOf", []):
        flat = _flattened(part)
        merged["properties"].update(flat["properties"])
        merged["required"] += flat["required"]
        merged["type"] = merged["type"] or flat["type"]
    for key in ("properties", "required"):
        value = schema.get(key) or ({} if key == "properties" else [])
        merged[key] = {**merged[key], **value} if key == "properties" else merged[key] + list(value)
    for key in ("enum", "items", "format", "discriminator"):
        if key in schema:
            merged[key] = schema[key]
    return merged


def event_types() -> list[str]:
    return sorted(schemas()["Event"]["discriminator"]["mapping"])


def message_types() -> list[str]:
    return sorted(schemas()["MessageContent"]["discriminator"]["mapping"])


def strategy(schema: dict[str, Any], name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of ``schema`` as the document says; its objects are now and then spoilt."""
    _, schema = _resolve(schema)
    if "discriminator" in schema and schema["discriminator"].get("mapping"):
        discriminator = schema["discriminator"]
        return st.one_of([
            _object(_flattened({"$ref": ref}), depth, {discriminator["propertyName"]: st.just(value)})
            for value, ref in sorted(discriminator["mapping"].items())
        ])
    flat = _flattened(schema)
    if "enum" in flat:
        return st.one_of(st.sampled_from(flat["enum"]), TEXTS)
    kind = flat["type"]
    if kind == "object" or flat["properties"]:
        return _object(flat, depth, {})
    if kind == "array":
        return st.lists(strategy(flat.get("items") or {}, name, depth + 1), max_size=3)
    if kind == "integer":
        realistic = st.integers(0, 2**53) if flat.get("format") == "int64" else st.integers(-(2**31), 2**31)
        return st.one_of(realistic, ODD_INTEGERS)
    if kind == "number":
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), ODD_NUMBERS)
    if kind == "boolean":
        return st.booleans()
    return _string(name)


def _string(name: str) -> st.SearchStrategy[str]:
    if name == "userId":
        return st.one_of(st.sampled_from(USER_IDS), TEXTS)
    if name in ("groupId", "roomId"):
        return st.one_of(st.sampled_from(GROUP_IDS), TEXTS)
    if name == "webhookEventId":
        return st.one_of(st.uuids().map(lambda u: "01" + u.hex[:24].upper()), TEXTS)
    if name == "data":
        return st.one_of(postback_data(), TEXTS)
    return TEXTS


@functools.lru_cache(maxsize=1)
def _actions() -> tuple[str, ...]:
    from bot.flows import registry

    return tuple(sorted(registry().actions))


def postback_data() -> st.SearchStrategy[str]:
    """Postback data as our buttons write it, with any values: a device can send anything."""
    return st.builds(
        lambda action, params: "&".join([f"a={action}"] + [f"{k}={v}" for k, v in params.items()]),
        st.sampled_from(_actions()),
        st.dictionaries(st.sampled_from(["id", "p", "v", "s", "q", "k", "hh", "ok"]),
                        st.one_of(st.integers(-2, 10**12).map(str), ODD_TEXTS), max_size=3),
    )


def _object(flat: dict[str, Any], depth: int, fixed: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict]:
    if depth > 6:
        return st.just({})
    properties = {key: strategy(value, key, depth + 1) for key, value in flat["properties"].items()
                  if key not in fixed}
    required = {key: value for key, value in properties.items() if key in flat["required"]}
    optional = {key: value for key, value in properties.items() if key not in flat["required"]}
    return st.builds(
        _spoilt,
        st.fixed_dictionaries({**fixed, **required}, optional=optional),
        st.sampled_from(sorted(properties) or ["-"]),
        st.dictionaries(st.text(max_size=12), ANYTHING, max_size=2),
        ANYTHING,
        st.integers(0, 11),
    )


def _spoilt(value: dict, field: str, extra: dict, wrong: Any, dice: int) -> dict:
    """Mostly as the schema says; else a field gone, fields of no known name, or a wrong type."""
    if dice == 0:
        value.pop(field, None)
    elif dice == 1:
        value = {**extra, **value}
    elif dice == 2 and field in value:
        value[field] = wrong
    return value


def events(max_size: int = 3) -> st.SearchStrategy[list[dict]]:
    return st.lists(strategy({"$ref": "#/components/schemas/Event"}), max_size=max_size)


def body(events_: list[dict]) -> bytes:
    """The JSON LINE would send: UTF-8, or ``\\u`` escapes where a text holds a lone surrogate."""
    document = {"destination": "U" + "0" * 32, "events": events_}
    try:
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(document).encode("ascii")
