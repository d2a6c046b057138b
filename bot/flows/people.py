"""Consent, invites, household links, "my data" and requests: how people come to be
known to Kaejon, and what they can see of themselves."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import func, select

from bot.line import richmenu
from bot.flows.context import EventContext
from bot.logs import log
from casework import accounts, audit, authorization, consent, outbox, registry
from casework.models import AuditEntry, Household, Task
from casework.questionnaire import default as questionnaire
from messages import consent as consent_messages
from messages import greetings
from messages import registry as views
from messages import staff

LINK_CODE = re.compile(r"^\d{6}$")
INVITE_ATTEMPTS_PER_HOUR = 5


def needs_consent(ctx: EventContext) -> bool:
    account = ctx.account()
    return account is None or consent.latest(ctx.uow.session, scope="personal", account_id=account.id) is None


def show_notice(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(consent_messages.notice(ctx.tr))
    return "notice"


def decide_consent(ctx: EventContext, params: dict[str, str]) -> str:
    if params.get("v") not in ("yes", "no") or ctx.user_id is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "consent_invalid"
    account = ctx.account(create=True)
    assert account is not None
    accepted = params["v"] == "yes"
    consent.record(ctx.uow.session, scope="personal", decision=consent.ACCEPTED if accepted else consent.DECLINED,
                   channel="chat", now=ctx.now, account_id=account.id)
    audit.record(ctx.uow.session, ctx.uow.sealer, actor=f"account:{account.id}", action="consent.personal",
                 entity="account", entity_id=account.id, area_code=None, now=ctx.now,
                 changes={"decision": [None, "accepted" if accepted else "declined"]})
    builder = consent_messages.accepted if accepted else consent_messages.declined
    ctx.answer(builder(ctx.tr, ctx.quick()))
    return "consent_accepted" if accepted else "consent_declined"


def redeem_invite(ctx: EventContext, code: str) -> str:
    account = ctx.account(create=True)
    if account is None:
        return "no_user"
    since = ctx.now - timedelta(hours=1)
    failures = ctx.uow.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.actor == f"account:{account.id}", AuditEntry.action == "invite.failed", AuditEntry.at > since))
    if failures and failures >= INVITE_ATTEMPTS_PER_HOUR:
        ctx.answer(staff.invite_problem(ctx.tr, "too_many"))
        return "invite_throttled"
    try:
        with ctx.uow.session.begin_nested():
            invite = accounts.redeem_invite(ctx.uow.session, ctx.uow.sealer, code, account, ctx.now)
    except accounts.InviteError as error:
        audit.record(ctx.uow.session, ctx.uow.sealer, actor=f"account:{account.id}", action="invite.failed",
                     entity="account", entity_id=account.id, area_code=None, now=ctx.now)
        log("refused", level=logging.WARNING, action="invite", reason=error.reason)
        ctx.answer(staff.invite_problem(ctx.tr, error.reason))
        return f"invite_{error.reason}"
    audit.record(ctx.uow.session, ctx.uow.sealer, actor=f"account:{account.id}", action="role.granted",
                 entity="account", entity_id=account.id, area_code=invite.area_code, now=ctx.now,
                 changes={"role": [None, invite.role], "area": [None, invite.area_code]})
    ctx.forget_actor()
    _give_menu(ctx, account.line_user_id, invite.role)
    ctx.answer(staff.role_granted(ctx.tr, ctx.language, invite.role, invite.area_code, ctx.quick()))
    return "role_granted"


def _give_menu(ctx: EventContext, line_user_id: str, role: str) -> None:
    """The role's rich menu, linked through the outbox (nothing to link before a sync)."""
    messages = richmenu.menu_link_messages(ctx.uow.session, role)
    if messages:
        outbox.enqueue(ctx.uow.session, ctx.uow.sealer, channel="line-richmenu", recipient=line_user_id,
                       messages=messages, now=ctx.now, source_event_id=ctx.inbox_id)


def redeem_link(ctx: EventContext, code: str) -> str:
    account = ctx.account()
    if account is None or not consent.given(ctx.uow.session, scope="personal", account_id=account.id):
        ctx.answer(consent_messages.needed(ctx.tr))
        return "link_needs_consent"
    try:
        household = registry.redeem_link_code(ctx.uow.session, ctx.uow.sealer, code, account.id, ctx.now)
    except registry.RegistryError:
        log("refused", level=logging.WARNING, action="link", reason="bad_code")
        ctx.answer(views.bad_link_code(ctx.tr, ctx.quick()))
        return "link_refused"
    ctx.forget_actor()
    address = registry.address_text(ctx.uow.sealer.open_json(household.address))
    ctx.answer(views.linked(ctx.tr, address, ctx.quick()))
    return "linked"


def _my_household(ctx: EventContext) -> Household | None:
    households = ctx.actor.households
    return ctx.uow.session.get(Household, households[0]) if households else None


def show_my_data(ctx: EventContext, params: dict[str, str]) -> str:
    household = _my_household(ctx)
    if household is None:
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "my_data_not_linked"
    view = registry.view(ctx.uow.session, ctx.uow.sealer, household, ctx.now.date())
    decisions = []
    for scope in ("personal", "sensitive"):
        decision = consent.latest(ctx.uow.session, scope=scope, household_id=household.id) if scope == "sensitive" \
            else consent.latest(ctx.uow.session, scope=scope, account_id=ctx.actor.account_id)
        if decision:
            decisions.append((scope, decision))
    ctx.answer(views.my_data(ctx.tr, ctx.language, view, questionnaire(), decisions))
    return "my_data"


def request_change(ctx: EventContext, params: dict[str, str]) -> str:
    household = _my_household(ctx)
    if household is None or params.get("k") not in ("correct", "erase") or ctx.actor.account_id is None:
        ctx.answer(views.not_linked(ctx.tr, ctx.quick()))
        return "request_refused"
    task = registry.request_change(ctx.uow.session, ctx.uow.sealer, household=household,
                                   account_id=ctx.actor.account_id, kind=params["k"], now=ctx.now)
    ctx.answer(views.request_received(ctx.tr, ctx.language, task.due_at, ctx.quick()))
    return f"request_{params['k']}"


def show_audit(ctx: EventContext, params: dict[str, str]) -> str:
    scopes = ctx.actor.areas("coordinator")
    if not scopes:
        return ctx.refuse("audit", "no_role")
    changes = [change for scope in scopes
               for change in audit.history(ctx.uow.session, ctx.uow.sealer, area_prefix=scope, limit=20)]
    changes.sort(key=lambda change: change.at, reverse=True)
    ctx.answer(staff.changes_log(ctx.tr, ctx.language, changes[:20], ctx.quick()))
    return "audit_shown"


def show_tasks(ctx: EventContext, params: dict[str, str]) -> str:
    scopes = ctx.actor.areas("coordinator")
    if not scopes:
        return ctx.refuse("tasks", "no_role")
    tasks: list[Task] = registry.open_tasks(ctx.uow.session, scopes)
    rows = [(task.kind, str(task.household_id or "-"), task.due_at) for task in tasks
            if authorization.can_handle_tasks(ctx.actor, task.area_code)]
    ctx.answer(staff.task_list(ctx.tr, ctx.language, rows, ctx.quick()))
    return "tasks_shown"


ROUTES = {
    "notice": show_notice,
    "consent": decide_consent,
    "my_data": show_my_data,
    "req": request_change,
    "audit": show_audit,
    "tasks": show_tasks,
}
