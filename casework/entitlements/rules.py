"""Welfare programmes as data: one YAML file each, with versions in force by date.

A file names the programme, who it is for (person or household), how and where to apply,
its source, and one or more versions. Each version has the period it is in force, the
conditions (over the facts in ``facts.FACTS``) and the benefit. Files are checked when
loaded; a mistake raises ``RulesError`` naming the file and line.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from casework.entitlements.facts import FACTS, RECEIVED

DEFAULT_DIR = Path(str(resources.files("casework") / "data" / "rules"))
LIMITS = ("at_least", "at_most", "below", "above")
PERIODS = ("month", "year", "case", "house")
IF_UNKNOWN = ("ask", "assume")


class RulesError(ValueError):
    """A rules file is wrong: the message starts with ``file:line``."""


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str                 # one of LIMITS, or "is"
    limit: float
    if_unknown: str = "ask"  # "assume": an unknown fact counts as met, and the explanation says so


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    baht: int


@dataclass(frozen=True)
class Benefit:
    per: str | None          # one of PERIODS; None: a service, not money
    baht: int | None = None
    by: str | None = None    # the fact whose bands set the amount
    bands: tuple[Band, ...] = ()
    up_to: bool = False      # the amount is a ceiling ("up to 19,000")


@dataclass(frozen=True)
class Version:
    programme: str
    label: str
    start: date
    end: date | None         # last day in force; None: until replaced
    conditions: tuple[Condition, ...]
    benefit: Benefit
    spec: dict[str, Any]     # the version as written, kept with every decision

    @property
    def ref(self) -> str:
        return f"{self.programme}@{self.label}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.spec, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Programme:
    id: str
    entity: str
    name: dict[str, str]
    benefit_text: dict[str, str]
    apply: dict[str, Any]     # where: {lang: text}, documents: [{lang: text}], hotline: str
    source: str
    versions: tuple[Version, ...]
    order: int

    def version_on(self, on: date) -> Version | None:
        return next((version for version in self.versions if version.in_force(on)), None)


@dataclass(frozen=True)
class Rules:
    programmes: tuple[Programme, ...]

    def on(self, day: date) -> list[tuple[Programme, Version]]:
        """The programmes with a version in force on ``day``, in their display order."""
        found = [(programme, programme.version_on(day)) for programme in self.programmes]
        return [(programme, version) for programme, version in found if version is not None]

    def programme(self, programme_id: str) -> Programme | None:
        return next((programme for programme in self.programmes if programme.id == programme_id), None)


class _Where:
    """Where in a file a value was written, for error messages."""

    def __init__(self, path: Path, line: int) -> None:
        self.path, self.line = path, line

    def error(self, message: str) -> RulesError:
        return RulesError(f"{self.path}:{self.line}: {message}")


def _tree(path: Path, text: str) -> Any:
    """YAML as plain data, with each mapping's and list's line numbers kept beside it."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RulesError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML") from error
    finally:
        loader.dispose()
    if root is None:
        raise RulesError(f"{path}:1: empty file")
    return _plain(loader, root, path)


class _Map(dict):  # type: ignore[type-arg]
    where: _Where
    lines: dict[str, int]


class _List(list):  # type: ignore[type-arg]
    where: _Where


def _plain(loader: yaml.SafeLoader, node: yaml.Node, path: Path) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping = _Map()
        mapping.where, mapping.lines = _Where(path, node.start_mark.line + 1), {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node))
            if key in mapping:
                raise _Where(path, key_node.start_mark.line + 1).error(f"'{key}' is given twice")
            mapping[key] = _plain(loader, value_node, path)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = _List(_plain(loader, item, path) for item in node.value)
        items.where = _Where(path, node.start_mark.line + 1)
        return items
    return loader.construct_object(node)


def _at(mapping: _Map, key: str) -> _Where:
    return _Where(mapping.where.path, mapping.lines.get(key, mapping.where.line))


def _need(mapping: Any, key: str, kind: type | tuple[type, ...], what: str, where: _Where) -> Any:
    if not isinstance(mapping, _Map):
        raise where.error(f"{what} must be a mapping")
    if key not in mapping:
        raise mapping.where.error(f"{what} needs '{key}'")
    value, kinds = mapping[key], kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):  # YAML's yes is not 1
        raise _at(mapping, key).error(f"'{key}' of {what} has the wrong type")
    return value


def _texts(value: Any, where: _Where, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or "th" not in value or not all(isinstance(v, str) for v in value.values()):
        raise where.error(f"{what} needs a text per language, Thai (th) at least")
    return dict(value)


def _unknown_keys(mapping: _Map, allowed: set[str], what: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise _at(mapping, key).error(f"{what} has an unknown key '{key}'")


def _condition(raw: Any, where: _Where) -> Condition:
    if not isinstance(raw, _Map):
        raise where.error("a condition must be a mapping")
    _unknown_keys(raw, {"fact", *LIMITS, "is", "if_unknown"}, "a condition")
    name = _need(raw, "fact", str, "a condition", where)
    fact = FACTS.get(name)
    if fact is None:
        raise _at(raw, "fact").error(f"unknown fact '{name}' (known: {', '.join(FACTS)})")
    tests = [key for key in (*LIMITS, "is") if key in raw]
    if len(tests) != 1:
        raise raw.where.error(f"a condition on '{name}' needs exactly one of {', '.join((*LIMITS, 'is'))}")
    (op,) = tests
    value = raw[op]
    if fact.kind == "yes_no" and (op != "is" or not isinstance(value, bool)):
        raise _at(raw, op).error(f"'{name}' is yes/no: write 'is: true' or 'is: false'")
    if fact.kind == "number" and (op == "is" or isinstance(value, bool) or not isinstance(value, (int, float))):
        raise _at(raw, op).error(f"'{name}' is a number: compare it with {', '.join(LIMITS)}")
    if_unknown = raw.get("if_unknown", "ask")
    if if_unknown not in IF_UNKNOWN:
        raise _at(raw, "if_unknown").error(f"if_unknown must be one of {', '.join(IF_UNKNOWN)}")
    return Condition(name, op, float(value), if_unknown)


def _benefit(raw: Any, where: _Where) -> Benefit:
    if not isinstance(raw, _Map):
        raise where.error("a version needs 'benefit' with 'per' and an amount ('baht' or 'by' and 'bands')")
    _unknown_keys(raw, {"per", "baht", "by", "bands", "up_to"}, "benefit")
    per = raw.get("per")
    if per is not None and per not in PERIODS:
        raise _at(raw, "per").error(f"'per' must be one of {', '.join(PERIODS)}, or left out for a service")
    up_to = bool(raw.get("up_to", False))
    if per is None:
        if "baht" in raw or "bands" in raw:
            raise raw.where.error("a service (no 'per') has no amount")
        return Benefit(None)
    if "baht" in raw:
        baht = raw["baht"]
        if not isinstance(baht, int) or isinstance(baht, bool) or baht <= 0:
            raise _at(raw, "baht").error("'baht' must be a whole positive amount")
        return Benefit(per, baht=baht, up_to=up_to)
    if "bands" not in raw:
        raise raw.where.error(f"a benefit paid per {per} needs an amount: 'baht', or 'by' and 'bands'")
    by = _need(raw, "by", str, "benefit with bands", raw.where)
    if by not in FACTS or FACTS[by].kind != "number":
        raise _at(raw, "by").error(f"bands need a number fact, not '{by}'")
    bands = raw["bands"]
    if not isinstance(bands, _List) or not bands:
        raise _at(raw, "bands").error("'bands' must be a list")
    parsed = []
    for band in bands:
        if not isinstance(band, _Map):
            raise bands.where.error("each band is a mapping with 'baht' and 'from' and/or 'to'")
        _unknown_keys(band, {"from", "to", "baht"}, "a band")
        baht = _need(band, "baht", int, "a band", band.where)
        if baht <= 0:
            raise _at(band, "baht").error("'baht' must be a whole positive amount")
        low, high = band.get("from"), band.get("to")
        if low is None and high is None or any(v is not None and not isinstance(v, (int, float))
                                               for v in (low, high)):
            raise band.where.error("a band needs a number 'from' and/or 'to'")
        parsed.append(Band(None if low is None else float(low), None if high is None else float(high), baht))
    for earlier, later in zip(parsed, parsed[1:]):
        if earlier.high is None or later.low is None or later.low <= earlier.high:
            raise bands.where.error("bands must be in order and must not overlap")
    return Benefit(per, by=by, bands=tuple(parsed), up_to=up_to)


def _day(raw: _Map, key: str) -> date | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, date):
        raise _at(raw, key).error(f"'{key}' must be a date written YYYY-MM-DD (Gregorian)")
    return value


def _version(programme_id: str, raw: Any, where: _Where) -> Version:
    if not isinstance(raw, _Map):
        raise where.error("each version must be a mapping")
    _unknown_keys(raw, {"version", "from", "until", "conditions", "benefit", "note"}, "a version")
    label = str(_need(raw, "version", (str, int, float), "a version", where))
    start = _day(raw, "from")
    if start is None:
        raise raw.where.error(f"version {label} needs 'from', the first day it is in force")
    end = _day(raw, "until")
    if end is not None and end < start:
        raise _at(raw, "until").error(f"version {label} ends before it starts")
    conditions = raw.get("conditions")
    if not isinstance(conditions, _List) or not conditions:
        raise raw.where.error(f"version {label} needs a list of 'conditions'")
    return Version(programme_id, label, start, end, tuple(_condition(item, conditions.where) for item in conditions),
                   _benefit(raw.get("benefit"), raw.where), _spec(raw))


def _spec(value: Any) -> Any:
    """Plain JSON-able data (dates as ISO strings) for storing with decisions."""
    if isinstance(value, dict):
        return {str(k): _spec(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_spec(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def parse_programme(path: Path, text: str, order: int = 0) -> Programme:
    raw = _tree(path, text)
    if not isinstance(raw, _Map):
        raise RulesError(f"{path}:1: a rules file is a mapping")
    where = raw.where
    _unknown_keys(raw, {"programme", "entity", "name", "benefit_text", "apply", "source", "versions"}, "the file")
    programme_id = _need(raw, "programme", str, "the file", where)
    if programme_id not in RECEIVED:
        raise _at(raw, "programme").error(
            f"unknown programme '{programme_id}': add it to the welfare codes first (known: {', '.join(RECEIVED)})")
    entity = _need(raw, "entity", str, "the file", where)
    if entity not in ("person", "household"):
        raise _at(raw, "entity").error("'entity' must be person or household")
    name = _texts(raw.get("name"), _at(raw, "name"), "'name'")
    benefit_text = _texts(raw.get("benefit_text", {"th": ""}), _at(raw, "benefit_text"), "'benefit_text'")
    apply = _need(raw, "apply", dict, "the file", where)
    _unknown_keys(apply, {"where", "documents", "hotline", "how"}, "'apply'")
    _texts(apply.get("where"), _at(apply, "where") if "where" in apply else apply.where, "'apply.where'")
    for document in apply.get("documents", []):
        _texts(document, _at(apply, "documents"), "each document")
    source = _need(raw, "source", str, "the file", where)
    versions = raw.get("versions")
    if not isinstance(versions, _List) or not versions:
        raise where.error("the file needs a list of 'versions'")
    parsed = sorted((_version(programme_id, item, versions.where) for item in versions), key=lambda v: v.start)
    for item in versions:
        for condition in item.get("conditions", []):
            fact = FACTS[condition["fact"]]
            if entity == "household" and fact.entity == "person":
                raise _at(condition, "fact").error(f"a household programme cannot use the person fact '{fact.name}'")
    labels = [version.label for version in parsed]
    if len(set(labels)) != len(labels):
        raise versions.where.error("two versions have the same 'version'")
    for earlier, later in zip(parsed, parsed[1:]):
        if earlier.end is None or earlier.end >= later.start:
            line = next(item.where.line for item in versions if str(item.get("version")) == later.label)
            raise _Where(path, line).error(
                f"version {later.label} overlaps version {earlier.label}: give {earlier.label} an 'until' "
                f"before {later.start.isoformat()}")
    return Programme(programme_id, entity, name, benefit_text, _spec(apply), source, tuple(parsed), order)


def load(directory: Path | str | None = None) -> Rules:
    """Every ``*.yaml`` rules file in ``directory``; the first error stops the load."""
    folder = Path(directory) if directory is not None else DEFAULT_DIR
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise RulesError(f"{folder}: no rules files (*.yaml)")
    programmes = [parse_programme(path, path.read_text(encoding="utf-8")) for path in files]
    seen: dict[str, Path] = {}
    for path, programme in zip(files, programmes):
        if programme.id in seen:
            raise RulesError(f"{path}:1: programme '{programme.id}' is also in {seen[programme.id]}")
        seen[programme.id] = path
    ordered = sorted(programmes, key=lambda p: RECEIVED.index(p.id))
    return Rules(tuple(Programme(**{**p.__dict__, "order": i}) for i, p in enumerate(ordered)))


@lru_cache(maxsize=4)
def default(directory: str | None = None) -> Rules:
    """The rules of ``directory`` (default: the shipped ones), loaded once per process."""
    return load(directory)


def version_from_spec(programme: str, spec: dict[str, Any]) -> Version:
    """A stored version rebuilt, so a past decision is explained by the rule it used."""
    dated = {**spec, **{key: date.fromisoformat(spec[key]) for key in ("from", "until") if spec.get(key)}}
    text = yaml.safe_dump(dated, allow_unicode=True)
    raw = _tree(Path(f"<stored {programme}>"), text)
    return _version(programme, raw, raw.where)
