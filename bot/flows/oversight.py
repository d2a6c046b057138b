"""Coordinators' oversight in chat: the log of recent changes in their areas, and the
requests (to correct or erase data) waiting for them."""
from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.context import EventContext
from casework.usecases import oversight
from casework.thai_time import thai_today
from messages import changes, corrections, postback, staff


def show_audit(ctx: EventContext, params: dict[str, str]) -> str:
    entries = oversight.changes_log(ctx.env, ctx.actor)
    ctx.answer(changes.changes_log(ctx.tr, ctx.language, entries, ctx.quick()))
    return "audit_shown"


def show_tasks(ctx: EventContext, params: dict[str, str]) -> str:
    tasks = oversight.open_tasks(ctx.env, ctx.actor)
    ctx.answer(staff.task_list(ctx.tr, ctx.language, tasks, thai_today(ctx.now), ctx.quick()))
    return "tasks_shown"


def finish_task(ctx: EventContext, params: dict[str, str]) -> str:
    done = oversight.finish_task(ctx.env, ctx.actor, postback.whole_number(params.get("id")))
    ctx.answer(staff.task_done(ctx.tr, ctx.quick()))
    ctx.push_all(done.tell, lambda tr, language: corrections.request_handled(tr, language, done.asked_at))
    return "task_done"


FLOWS = (Flow("oversight", actions={"audit": show_audit, "tasks": show_tasks, "task_done": finish_task}),)
