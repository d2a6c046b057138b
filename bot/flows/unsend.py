"""The ``unsend`` event: a user took back a message."""
from __future__ import annotations

from bot.flows.context import EventContext
from casework import unsent


def on_unsend(ctx: EventContext) -> str:
    assert ctx.chat is not None
    unsend = ctx.event.get("unsend")
    message_id = unsend.get("messageId") if isinstance(unsend, dict) else None
    if not isinstance(message_id, str) or not message_id:
        return "unsend_without_id"
    unsent.forget(ctx.uow.session, ctx.uow.sealer, ctx.chat.line_id, message_id, ctx.now)
    return "unsent"
