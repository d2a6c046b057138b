"""Every question of every flow, reached from each button of the registry, fed what a
person might send instead of the answer: a sticker, a photo, a location, typed text, a
button tapped twice, a button of an earlier question. Each gets an answer, none is
recorded twice, no handler crashes. New flows are covered as they are registered."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.dev import line_events as le
from casework.models import Base, InboxEvent
from tests import registry_data
from tests.badinput.conftest import SENT
from tests.conftest import LineUser

# Rows a person's answer may create; bookkeeping (inbox, outbox, audit, conversation) aside.
BOOKKEEPING = {"inbox_events", "outbox", "audit_log", "conversations", "heartbeats", "line_chats", "counters"}


def sticker() -> dict[str, Any]:
    return {"id": "1" * 18, "type": "sticker", "packageId": "446", "stickerId": "1988",
            "stickerResourceType": "STATIC", "keywords": ["Happy"]}


def image() -> dict[str, Any]:
    return {"id": "2" * 18, "type": "image", "contentProvider": {"type": "line"}}


def location() -> dict[str, Any]:
    return {"id": "3" * 18, "type": "location", "latitude": 16.43, "longitude": 103.5, "address": "กาฬสินธุ์"}


def buttons(messages: list[dict[str, Any]]) -> list[str]:
    """The postback data of every button in ``messages``, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "postback" and isinstance(node.get("data"), str):
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return found


def records(services) -> dict[str, int]:
    with services.uow() as uow:
        return {table.name: uow.session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables if table.name not in BOOKKEEPING}


def answered(user: LineUser, event: dict[str, Any], what: str) -> list[dict[str, Any]]:
    user.send(event)
    SENT["flow questions"] += 1
    messages = user.received()
    assert messages, f"no answer to {what}"
    return messages


def test_every_question_answers_what_is_not_its_answer(kanya, client, services, standin):
    registry_data.household(services)
    household = LineUser("U" + "3" * 32, client, services, standin)
    household.follow()
    household.received()
    for user in (kanya, household):
        for action in sorted(services.flows.actions):
            question = answered(user, le.postback_event(user.source(), user.reply_token(), f"a={action}"),
                                f"a={action}")
            for content, kind in ((sticker(), "sticker"), (image(), "image"), (location(), "location")):
                answered(user, le.message(user.source(), user.reply_token(), content), f"{kind} after a={action}")
            answered(user, le.text(user.source(), user.reply_token(), "ครับ"), f"text after a={action}")
            for data in buttons(question)[:1]:
                answered(user, le.postback_event(user.source(), user.reply_token(), data), data)
                before = records(services)
                answered(user, le.postback_event(user.source(), user.reply_token(), data), f"{data} again")
                assert records(services) == before, f"tapping {data} twice recorded twice"
                answered(user, le.postback_event(user.source(), user.reply_token(), f"a={action}"),
                         f"a={action} after its own button")
    with services.uow() as uow:
        failed = uow.session.execute(select(InboxEvent.event_type, InboxEvent.error)
                                     .where(InboxEvent.error.is_not(None))).all()
    assert failed == []
