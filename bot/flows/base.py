"""What a flow is, and the one registry that holds every flow and every button action.

A flow is one thing a user sees in the chat (my rights, asking for help, a leader's
check). It names the button actions it answers, and, while it waits in the chat's
conversation, what it does with typed text, a photo, a location, and with anything
else the step cannot use (a sticker, say): the re-prompt, which says so and asks again.

Handlers return the event's outcome (a short code for the log), or None when what
arrived is not theirs to handle, so the router offers it to the next flow down.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.flows.context import EventContext

State = dict[str, Any]
Action = Callable[["EventContext", dict[str, str]], str]
TextHandler = Callable[["EventContext", State, str], "str | None"]
PhotoHandler = Callable[["EventContext", State, str], "str | None"]
LocationHandler = Callable[["EventContext", State, Any, Any], "str | None"]
Reprompt = Callable[["EventContext", State], "str | None"]


@dataclass(frozen=True)
class Flow:
    name: str
    actions: Mapping[str, Action] = field(default_factory=dict)
    short: bool = False  # half-answered, it is let go after a day idle (the clock asks)
    text: TextHandler | None = None  # set when the flow waits for a typed answer
    photo: PhotoHandler | None = None
    voice: PhotoHandler | None = None  # a voice note (LINE audio message), by its message id
    location: LocationHandler | None = None
    reprompt: Reprompt | None = None
    in_groups: bool = False  # its buttons show and change no one's personal data


class DuplicateName(Exception):
    """Two flows, or two button actions, share a name: one would silently hide the other."""


class Flows:
    """Every flow by name and every button action by name, each name once."""

    def __init__(self, flows: Iterable[Flow]) -> None:
        self._flows: dict[str, Flow] = {}
        self._actions: dict[str, tuple[Flow, Action]] = {}
        for flow in flows:
            self._add(flow)
        self.actions = MappingProxyType(self._actions)

    def _add(self, flow: Flow) -> None:
        if flow.name in self._flows:
            raise DuplicateName(f"two flows are named {flow.name!r}")
        for action, route in flow.actions.items():
            if action in self._actions:
                raise DuplicateName(f"the button action {action!r} belongs to flow "
                                    f"{self._actions[action][0].name!r} and to flow {flow.name!r}")
            self._actions[action] = (flow, route)
        self._flows[flow.name] = flow

    def __iter__(self) -> Iterator[Flow]:
        return iter(self._flows.values())

    def get(self, name: str) -> Flow | None:
        return self._flows.get(name)

    def short(self) -> tuple[str, ...]:
        """The flows let go of after a day idle: their answers matter only while someone answers."""
        return tuple(flow.name for flow in self if flow.short)
