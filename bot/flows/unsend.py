"""The ``unsend`` event: a user took back a message, so Kaejon forgets what it kept of it."""
from __future__ import annotations

from bot.flows import help_requests
from bot.flows.context import EventContext
from casework.usecases import privacy


def on_unsend(ctx: EventContext) -> str:
    assert ctx.chat is not None
    unsend = ctx.event.get("unsend")
    message_id = unsend.get("messageId") if isinstance(unsend, dict) else None
    if not isinstance(message_id, str) or not message_id:
        return "unsend_without_id"
    privacy.forget_unsent(ctx.env, ctx.actor, ctx.chat.line_id, message_id)
    help_requests.forget_unsent(ctx, message_id[:32])
    return "unsent"
