"""Coordinators' oversight in chat: the log of recent changes in their areas, and the
requests (to correct or erase data) waiting for them."""
from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.context import EventContext
from casework.usecases import oversight
from messages import staff


def show_audit(ctx: EventContext, params: dict[str, str]) -> str:
    changes = oversight.changes_log(ctx.env, ctx.actor)
    ctx.answer(staff.changes_log(ctx.tr, ctx.language, changes, ctx.quick()))
    return "audit_shown"


def show_tasks(ctx: EventContext, params: dict[str, str]) -> str:
    tasks = oversight.open_tasks(ctx.env, ctx.actor)
    ctx.answer(staff.task_list(ctx.tr, ctx.language, tasks, ctx.quick()))
    return "tasks_shown"


FLOWS = (Flow("oversight", actions={"audit": show_audit, "tasks": show_tasks}),)
