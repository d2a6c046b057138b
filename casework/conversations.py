"""A chat's place in multi-step conversations, sealed (it holds answers) and shared by
every worker process, so a leader can stop a questionnaire and resume it later.

A conversation is a stack of flows: the one on top is answering; the ones below wait
for it to finish (a leader's check, paused by a note or a correction). It is loaded
once per event (``load``), changed in memory by plain methods, and written back once
(``store``) if it changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.crypto import Place, Sealer
from casework.models import Conversation as ConversationRow

State = dict[str, Any]
PREVIOUS = "_previous"  # in the stored state: the frame below, nested, so one row holds the stack


@dataclass(frozen=True)
class Frame:
    flow: str
    state: State


@dataclass
class Conversation:
    frames: list[Frame] = field(default_factory=list)  # bottom first
    changed: bool = False

    @property
    def top(self) -> Frame | None:
        return self.frames[-1] if self.frames else None

    def state_of(self, flow: str) -> State | None:
        """The state of ``flow``, wherever it waits in the stack (topmost if twice)."""
        return next((frame.state for frame in reversed(self.frames) if frame.flow == flow), None)

    def on_top(self, flow: str) -> State | None:
        """The state of ``flow`` if it is the one answering now."""
        top = self.top
        return top.state if top is not None and top.flow == flow else None

    def interrupt(self, flow: str, state: State) -> None:
        """Start a short flow (a note, a correction) without losing the one it interrupts;
        the same flow again replaces itself."""
        if self.top is not None and self.top.flow == flow:
            self.frames.pop()
        self.frames.append(Frame(flow, state))
        self.changed = True

    def update(self, flow: str, state: State) -> None:
        """Change the state of ``flow`` where it waits (topmost if twice), leaving the stack as it is."""
        for index in range(len(self.frames) - 1, -1, -1):
            if self.frames[index].flow == flow:
                self.frames[index] = Frame(flow, state)
                self.changed = True
                return

    def replace(self, flow: str, state: State) -> None:
        """The whole conversation becomes this one flow."""
        self.frames = [Frame(flow, state)]
        self.changed = True

    def resume(self) -> None:
        """End the flow on top and go back to the one it interrupted, if any."""
        if self.frames:
            self.frames.pop()
            self.changed = True


def load(session: Session, sealer: Sealer, chat_id: str) -> Conversation:
    return load_all(session, sealer, {chat_id})[chat_id]


def load_all(session: Session, sealer: Sealer, chat_ids: set[str]) -> dict[str, Conversation]:
    """The conversations of these chats, in one query (an empty one where none is under way)."""
    rows = session.scalars(select(ConversationRow).where(ConversationRow.chat_id.in_(chat_ids))) if chat_ids else []
    found = {row.chat_id: Conversation(frames=_unnest(row.flow, sealer.open_json(
        row.state, Place("conversations", "state", row.chat_id)))) for row in rows}
    return {chat_id: found.get(chat_id) or Conversation() for chat_id in chat_ids}


def store(session: Session, sealer: Sealer, chat_id: str, conversation: Conversation, now: datetime) -> None:
    """Write the conversation back: the row goes when nothing is left in it."""
    row = session.get(ConversationRow, chat_id)
    top = conversation.top
    if top is None:
        if row is not None:
            session.delete(row)
        return
    state = sealer.seal_json(_nest(conversation.frames), Place("conversations", "state", chat_id))
    if row is None:
        session.add(ConversationRow(chat_id=chat_id, flow=top.flow, state=state, updated_at=now))
    else:
        row.flow, row.state, row.updated_at = top.flow, state, now
    conversation.changed = False


def let_go(session: Session, sealer: Sealer, flows: tuple[str, ...], before: datetime, now: datetime) -> int:
    """End the short flows (``flows``) nobody has touched since ``before``, going back to
    what each interrupted: their answers are needed only while someone is answering."""
    stale = session.scalars(select(ConversationRow.chat_id).where(
        ConversationRow.flow.in_(flows), ConversationRow.updated_at < before)).all()
    for chat_id in stale:
        conversation = load(session, sealer, chat_id)
        conversation.resume()
        store(session, sealer, chat_id, conversation, now)
    return len(stale)


def _unnest(flow: str, state: State) -> list[Frame]:
    frames = []
    current: list[Any] | None = [flow, state]
    while current:
        flow, state = current[0], dict(current[1])
        current = state.pop(PREVIOUS, None)
        frames.append(Frame(flow, state))
    return frames[::-1]


def _nest(frames: list[Frame]) -> State:
    previous: list[Any] | None = None
    for frame in frames[:-1]:
        previous = [frame.flow, {**frame.state, PREVIOUS: previous}]
    return {**frames[-1].state, PREVIOUS: previous}
