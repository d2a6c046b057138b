"""Check request bodies against LINE's own OpenAPI document, as LINE would.

Plain JSON-schema validation of `messaging-api.yml` checks far too little: LINE
models every polymorphic object (messages, actions, Flex containers and
components...) as a base schema with a `discriminator` and no `oneOf`, and the
sub-schemas as `allOf: [{$ref: Base}, {...}]`. A validator that ignores the
discriminator checks only the base, so a text message without `text`, or a Flex
component of type `foo`, would pass. This module follows the discriminators and
adds the documented limits the document leaves out.

It is longer than the project's modules usually are because it is one checker of one
document: the schema walk and the limits it adds are read together, against LINE's
pages, and are not used apart.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend
from openapi_schema_validator import OAS30Validator
from openapi_schema_validator import _keywords as oas_keywords
from referencing import Registry, Resource

SPEC_PATH = Path(__file__).with_name("openapi") / "messaging-api.yml"
_SPEC_URI = "urn:line:messaging-api"
_SCHEMAS = "#/components/schemas/"
_BASE_SUFFIX = "__Base"
_MAX_MESSAGE_CHARS = 300

# LINE limits that messaging-api.yml does not encode, keyed by the location of the
# schema they constrain (below #/components/schemas/). A keyword the document
# already sets is left alone, so the document wins once it encodes a limit.
# Sources: developers.line.biz/en/reference/messaging-api/ and
# /docs/messaging-api/text-character-count/ (action labels count grapheme
# clusters, every other text UTF-16 code units).
LINE_LIMITS: dict[str, dict[str, Any]] = {
    "TextMessage/allOf/1/properties/text": {"minLength": 1, "x-utf16MaxLength": 5000},
    "TextMessageV2/allOf/1/properties/text": {"minLength": 1, "x-utf16MaxLength": 5000},
    "FlexMessage/allOf/1/properties/altText": {"minLength": 1, "x-utf16MaxLength": 400},
    "TemplateMessage/allOf/1/properties/altText": {"minLength": 1, "x-utf16MaxLength": 400},
    "ImagemapMessage/allOf/1/properties/altText": {"minLength": 1, "x-utf16MaxLength": 400},
    "FlexCarousel/allOf/1/properties/contents": {"minItems": 1, "maxItems": 12},
    "FlexText": {"anyOf": [{"required": ["text"]}, {"required": ["contents"]}]},
    "QuickReplyItem": {"required": ["type", "action"]},
    "QuickReplyItem/properties/action": {
        "required": ["label"],
        "properties": {"label": {"minLength": 1, "x-graphemeMaxLength": 20}},
    },
    "FlexButton/allOf/1/properties/action": {
        "required": ["label"],
        "properties": {"label": {"minLength": 1, "x-graphemeMaxLength": 40}},
    },
    "PostbackAction/allOf/1": {"required": ["data"]},
    "PostbackAction/allOf/1/properties/displayText": {"minLength": 1, "maxLength": 300},
    # /docs/messaging-api/.../#rich-menu-object: every property is required, the
    # picture is 800-2500 pixels wide and at least 250 high, at most 20 areas.
    "RichMenuRequest": {"required": ["size", "selected", "name", "chatBarText", "areas"]},
    "RichMenuRequest/properties/size": {
        "required": ["width", "height"],
        "properties": {"width": {"minimum": 800, "maximum": 2500}, "height": {"minimum": 250}},
    },
    "RichMenuRequest/properties/areas": {"maxItems": 20},
    "RichMenuArea": {"required": ["bounds", "action"]},
    "RichMenuArea/properties/action": {"properties": {"label": {"x-graphemeMaxLength": 20}}},
    "RichMenuBounds": {"required": ["x", "y", "width", "height"]},
}

# Rich menu rules JSON schema cannot say (aspect ratio, areas inside the picture).
MIN_RICH_MENU_ASPECT_RATIO = 1.45


@dataclass(frozen=True)
class Problem:
    """One reason LINE would reject a request, shaped like an item of LINE's `details`."""

    property: str
    message: str

    def __str__(self) -> str:
        return f"{self.property}: {self.message}" if self.property else self.message


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    body_pointer: str | None
    body_required: bool


def utf16_length(text: str) -> int:
    """Length as LINE counts most texts: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


_JOINING_CODEPOINTS = frozenset({0x200D, 0x0E33, 0x0EB3})  # ZWJ, Thai and Lao SARA AM


def grapheme_length(text: str) -> int:
    """Approximate count of extended grapheme clusters (Unicode TR29).

    Enough for the labels LINE counts this way: combining marks (Thai vowel and
    tone marks), spacing marks, ZWJ emoji sequences, skin-tone modifiers, tag
    sequences and flag pairs join the preceding character. Hangul jamo
    sequences are not joined.
    """
    count = 0
    previous = 0
    regional_run = 0
    for char in text:
        codepoint = ord(char)
        regional = 0x1F1E6 <= codepoint <= 0x1F1FF
        joins = count > 0 and (
            unicodedata.category(char) in ("Mn", "Mc", "Me")
            or codepoint in _JOINING_CODEPOINTS
            or previous == 0x200D
            or 0x1F3FB <= codepoint <= 0x1F3FF
            or 0xE0020 <= codepoint <= 0xE007F
            or (previous == 0x0D and codepoint == 0x0A)
            or (regional and regional_run % 2 == 1)
        )
        regional_run = regional_run + 1 if regional else 0
        if not joins:
            count += 1
        previous = codepoint
    return count


def _dispatch(
    validator: Any, dispatch: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """Validate `instance` against the sub-schema its discriminating property names.

    `x-line-dispatch` replaces the `discriminator` of a base schema whose checks
    moved into its sub-schemas (see `_split_discriminated_bases`), so this keyword
    also checks the discriminating property itself.
    """
    if not validator.is_type(instance, "object"):
        yield ValidationError(f"{_short_repr(instance)} is not of type 'object'")
        return
    name = dispatch["propertyName"]
    if name not in instance:
        yield ValidationError(f"{name!r} is a required property", path=[name])
        return
    value = instance[name]
    mapping = dispatch["mapping"]
    if not isinstance(value, str):
        yield ValidationError(f"{_short_repr(value)} is not of type 'string'", path=[name])
    elif value not in mapping:
        yield ValidationError(f"{value!r} is not one of {sorted(mapping)}", path=[name])
    else:
        yield from _descend(validator, instance, mapping[value], None)


def _required(
    validator: Any, required: list[str], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """OAS `required` (read-only properties excused), but pointing at the missing property."""
    for name in required:
        for error in oas_keywords.required(validator, [name], instance, schema):
            error.path.appendleft(name)
            yield error


def _utf16_max_length(
    validator: Any, limit: int, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if isinstance(instance, str) and (length := utf16_length(instance)) > limit:
        yield ValidationError(f"is {length} UTF-16 code units long, at most {limit} allowed")


def _grapheme_max_length(
    validator: Any, limit: int, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if isinstance(instance, str) and (length := grapheme_length(instance)) > limit:
        yield ValidationError(f"is {length} characters long, at most {limit} allowed")


def _descend(
    validator: Any, instance: Any, schema: Any, path: str | int | None
) -> Iterator[ValidationError]:
    """`validator.descend` without building a new validator for every value.

    jsonschema evolves a validator (and a `referencing` resource) for each value
    it descends into, some 15 microseconds each, which alone made checking a Flex
    carousel take several milliseconds. None of the keywords used here read the
    validator's own schema, and with references inlined (`_inline_refs`) the
    resolver never changes, so only a schema with a `$ref` still needs
    `descend`.
    """
    if not isinstance(schema, dict) or "$ref" in schema:
        yield from validator.descend(instance, schema, path=path, schema_path=path)
        return
    for keyword, value in schema.items():
        check = validator.VALIDATORS.get(keyword)
        for error in (check(validator, value, instance, schema) or ()) if check else ():
            error._set(
                validator=keyword,
                validator_value=value,
                instance=instance,
                schema=schema,
                type_checker=validator.TYPE_CHECKER,
            )
            error.schema_path.appendleft(keyword)
            if path is not None:
                error.schema_path.appendleft(path)
                error.path.appendleft(path)
            yield error


def _properties(
    validator: Any, properties: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "object"):
        for name, subschema in properties.items():
            if name in instance:
                yield from _descend(validator, instance[name], subschema, name)


def _items(
    validator: Any, items: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "array"):
        for index, item in enumerate(instance):
            yield from _descend(validator, item, items, index)


LineValidator = extend(
    OAS30Validator,
    {
        "x-line-dispatch": _dispatch,
        "properties": _properties,
        "items": _items,
        "required": _required,
        "x-utf16MaxLength": _utf16_max_length,
        "x-graphemeMaxLength": _grapheme_max_length,
    },
)


def _split_discriminated_bases(schemas: dict[str, Any]) -> None:
    """Move each discriminated base's checks into its sub-schemas.

    The base keeps only an `x-line-dispatch` to its sub-schemas, and every
    sub-schema extends a copy of the base without one. Otherwise validating
    `TextMessage` would reach `Message` through its `allOf` and be sent back to
    `TextMessage` forever, and the base's own properties (`quickReply`) would be
    checked twice. Each sub-schema also pins the values it is mapped from, so one
    referenced directly (a carousel's bubbles) still checks its `type`. Bases
    that combine a discriminator with `oneOf`/`anyOf`/`allOf` are left to
    openapi_schema_validator, which dispatches those itself.
    """
    for name, base in list(schemas.items()):
        discriminator = base.get("discriminator")
        if discriminator is None or any(key in base for key in ("oneOf", "anyOf", "allOf")):
            continue
        property_name = discriminator["propertyName"]
        mapping = discriminator.get("mapping", {})
        base_ref = _SCHEMAS + name + _BASE_SUFFIX
        schemas[name + _BASE_SUFFIX] = {k: v for k, v in base.items() if k != "discriminator"}
        schemas[name] = {
            "x-line-dispatch": {
                "propertyName": property_name,
                "mapping": {value: {"$ref": ref} for value, ref in mapping.items()},
            }
        }
        values_by_target: dict[str, list[str]] = {}
        for value, ref in mapping.items():
            values_by_target.setdefault(ref.removeprefix(_SCHEMAS), []).append(value)
        for target, values in values_by_target.items():
            parts = schemas[target].setdefault("allOf", [])
            refs_base = [part for part in parts if part.get("$ref") == _SCHEMAS + name]
            for part in refs_base:
                part["$ref"] = base_ref
            if not refs_base:
                parts.insert(0, {"$ref": base_ref})
            parts.append({"properties": {property_name: {"enum": values}}})


def _apply_line_limits(schemas: dict[str, Any], limits: Mapping[str, Mapping[str, Any]]) -> None:
    for location, constraints in limits.items():
        node: Any = schemas
        for part in location.split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        if "$ref" in node:
            node["allOf"] = [{"$ref": node.pop("$ref")}, copy.deepcopy(dict(constraints))]
            continue
        for keyword, value in constraints.items():
            node.setdefault(keyword, copy.deepcopy(value))


def _children(node: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(node, dict):
        yield from list(node.items())
    elif isinstance(node, list):
        yield from enumerate(list(node))


def _inline_refs(spec: dict[str, Any]) -> None:
    """Replace each `{$ref: #/components/schemas/X}` by the schema object X itself.

    jsonschema resolves a `$ref` through `referencing` on every visit, which
    made checking a Flex carousel take over 10 ms; object references cost
    nothing. The result is cyclic (a box contains components, which may be
    boxes), which jsonschema does not mind.
    """
    schemas = spec["components"]["schemas"]

    def target(node: Any) -> Any:
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str) and ref.startswith(_SCHEMAS):
            return schemas[ref.removeprefix(_SCHEMAS)]
        return None

    for name in schemas:
        while (aliased := target(schemas[name])) is not None:
            schemas[name] = aliased
    seen: set[int] = set()

    def walk(node: Any) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for key, value in _children(node):
            if (resolved := target(value)) is not None:
                node[key] = resolved
            elif isinstance(value, (dict, list)):
                walk(value)

    walk(spec)


_ANNOTATIONS = frozenset({"description", "externalDocs", "example", "title"})


def _same(a: Any, b: Any) -> bool:
    """Equality that never compares (possibly cyclic) schemas structurally."""
    return a is b or (not isinstance(a, (dict, list)) and not isinstance(b, (dict, list)) and a == b)


def _merged(target: dict[str, Any], part: Mapping[str, Any]) -> dict[str, Any] | None:
    """`target` extended by the `allOf` member `part`, or None if they conflict."""
    result = dict(target)
    for key, value in part.items():
        if key in _ANNOTATIONS:
            continue
        if key == "required":
            result[key] = list(dict.fromkeys([*result.get(key, []), *value]))
        elif key == "properties":
            properties = dict(result.get(key, {}))
            for name, schema in value.items():
                existing = properties.get(name)
                if existing is None:
                    properties[name] = schema
                else:
                    properties[name] = _merged(existing, schema) or {"allOf": [existing, schema]}
            result[key] = properties
        elif key == "allOf" or (key in result and not _same(result[key], value)):
            return None
        else:
            result[key] = value
    return result


def _flatten_all_of(spec: dict[str, Any]) -> None:
    """Merge `allOf` members into their schema where they do not conflict.

    Each `allOf` member costs jsonschema a full descent; LINE's sub-schemas are
    all `allOf: [base, own properties]`, which merge cleanly.
    """
    seen: set[int] = set()

    def walk(node: Any) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for _, value in _children(node):
            if isinstance(value, (dict, list)):
                walk(value)
        if not isinstance(node, dict) or not isinstance(node.get("allOf"), list):
            return
        merged: dict[str, Any] | None = {k: v for k, v in node.items() if k != "allOf"}
        for part in node["allOf"]:
            merged = _merged(merged, part) if merged is not None and isinstance(part, dict) else None
        if merged is not None:
            node.clear()
            node.update(merged)

    walk(spec)


@functools.lru_cache(maxsize=4)
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """The document prepared for fast, discriminator-aware checking (and cyclic)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as stream:
        spec: dict[str, Any] = yaml.load(stream, Loader=loader)
    schemas = spec["components"]["schemas"]
    _split_discriminated_bases(schemas)
    _apply_line_limits(schemas, LINE_LIMITS)
    _inline_refs(spec)
    _flatten_all_of(spec)
    return spec


def _escape_pointer(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _operations(spec: Mapping[str, Any]) -> list[tuple[re.Pattern[str], Operation]]:
    found = []
    for template, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            request_body = operation.get("requestBody", {})
            pointer = None
            if "schema" in request_body.get("content", {}).get("application/json", {}):
                parts = ("paths", template, method, "requestBody", "content", "application/json", "schema")
                pointer = "#/" + "/".join(_escape_pointer(part) for part in parts)
            found.append(
                (pattern, Operation(method.upper(), template, pointer, bool(request_body.get("required"))))
            )
    found.sort(key=lambda entry: entry[1].template.count("{"))
    return found


def json_path(parts: Iterable[str | int]) -> str:
    """`["messages", 0, "text"]` -> `messages[0].text`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _short_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(error: ValidationError) -> str:
    """jsonschema's message, without the whole offending array or text in it."""
    keyword, limit, instance = error.validator, error.validator_value, error.instance
    if keyword in ("maxItems", "minItems") and isinstance(instance, list):
        bound = "at most" if keyword == "maxItems" else "at least"
        return f"has {len(instance)} items, {bound} {limit} allowed"
    if keyword in ("maxLength", "minLength") and isinstance(instance, str):
        if keyword == "minLength" and limit == 1:
            return "must not be empty"
        bound = "at most" if keyword == "maxLength" else "at least"
        return f"is {len(instance)} characters long, {bound} {limit} allowed"
    if keyword == "anyOf" and all(list(part) == ["required"] for part in limit):
        return "needs " + " or ".join(repr(name) for part in limit for name in part["required"])
    message = error.message
    return message if len(message) <= _MAX_MESSAGE_CHARS else message[: _MAX_MESSAGE_CHARS - 3] + "..."


def _rich_menu_problems(body: Mapping[str, Any]) -> Iterator[Problem]:
    """LINE's rules for a rich menu that span several values; run on a schema-valid body."""
    width, height = body["size"]["width"], body["size"]["height"]
    if width / height < MIN_RICH_MENU_ASPECT_RATIO:
        yield Problem("size", f"width / height is {width / height:.2f}, at least 1.45 required")
    for index, area in enumerate(body["areas"]):
        bounds = area["bounds"]
        if bounds["x"] + bounds["width"] > width or bounds["y"] + bounds["height"] > height:
            yield Problem(f"areas[{index}].bounds", f"lies outside the {width}x{height} rich menu")


_CROSS_CHECKS = {
    "/v2/bot/richmenu": _rich_menu_problems,
    "/v2/bot/richmenu/validate": _rich_menu_problems,
}


class RequestChecker:
    """Checks Messaging API request bodies; safe to share between threads."""

    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        spec = load_spec(spec_path)
        self._registry: Registry[Any] = Registry().with_resource(_SPEC_URI, Resource.opaque(spec))
        self._operations = _operations(spec)
        self._validators: dict[str, Any] = {}
        self._lock = threading.Lock()

    def operation(self, method: str, path: str) -> Operation | None:
        method = method.upper()
        for pattern, operation in self._operations:
            if operation.method == method and pattern.match(path):
                return operation
        return None

    def problems(self, method: str, path: str, body: Any) -> list[Problem]:
        """Everything wrong with `body` as the request body of `method path`."""
        operation = self.operation(method, path)
        if operation is None:
            return [Problem("", f"{method.upper()} {path} is not an operation of the Messaging API")]
        if operation.body_pointer is None:
            return []
        if body is None:
            return [Problem("", "The request body is required")] if operation.body_required else []
        validator = self._validator(operation.body_pointer)
        problems = [
            Problem(json_path(error.absolute_path), _describe(error))
            for error in validator.iter_errors(body)
        ]
        cross_check = _CROSS_CHECKS.get(operation.template)
        if not problems and cross_check is not None:
            problems.extend(cross_check(body))
        return problems

    def check(self, method: str, path: str, body: Any) -> list[str]:
        """Human-readable errors, each naming its JSON path; empty when LINE would accept `body`."""
        return [str(problem) for problem in self.problems(method, path, body)]

    def _validator(self, pointer: str) -> Any:
        validator = self._validators.get(pointer)
        if validator is None:
            with self._lock:
                validator = self._validators.get(pointer)
                if validator is None:
                    validator = LineValidator(
                        {"$ref": _SPEC_URI + pointer},
                        registry=self._registry,
                        format_checker=OAS30Validator.FORMAT_CHECKER,
                    )
                    self._validators[pointer] = validator
        return validator
