"""The demo's cast (``cast.yaml``): who the simulator can chat as."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Person:
    key: str
    line_user_id: str
    name: str
    role: str
    scope: str | None = None
    agency: str | None = None


@dataclass(frozen=True)
class Group:
    key: str
    line_group_id: str
    name: str


@dataclass(frozen=True)
class Cast:
    area: dict[str, str]
    people: tuple[Person, ...]
    groups: tuple[Group, ...]
    agencies: tuple[dict, ...] = ()
    villages: tuple[dict, ...] = ()
    households: tuple[dict, ...] = ()


@lru_cache(maxsize=1)
def load() -> Cast:
    with (resources.files("bot.dev.demo") / "cast.yaml").open("r", encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return Cast(
        area={key: str(value) for key, value in data["area"].items()},
        people=tuple(Person(**person) for person in data["people"]),
        groups=tuple(Group(**group) for group in data.get("groups", [])),
        agencies=tuple(data.get("agencies", [])),
        villages=tuple(data.get("villages", [])),
        households=tuple(data.get("households", [])),
    )
