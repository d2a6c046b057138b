"""On-call commands: see what failed for good, put it back, and run the retention job.

They list ids, types, attempts and error class names only: never a payload or a message.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import click

from bot.commands.operator import admin_services, operator
from casework import audit, inbox, outbox


def _since(hours: float | None, now: datetime) -> datetime | None:
    return None if hours is None else now - timedelta(hours=hours)


@click.command("failures")
@click.option("--hours", default=24.0, show_default=True, type=float, help="Look back this many hours.")
def failures(hours: float) -> None:
    """List given-up events and dead outbox messages (no personal data)."""
    services = admin_services()
    try:
        with services.uow() as uow:
            since = _since(hours, services.clock())
            events = inbox.given_up(uow.session, since)
            messages = outbox.dead(uow.session, since)
            click.echo(f"given-up events: {len(events)}")
            for event in events:
                click.echo(f"  event {event.id} {event.event_type} attempts={event.attempts} "
                           f"at={event.handled_at:%Y-%m-%dT%H:%M:%SZ} error={event.error}")
            click.echo(f"dead messages: {len(messages)}")
            for message in messages:
                click.echo(f"  outbox {message.id} attempts={message.attempts} http={message.last_status} "
                           f"at={message.created_at:%Y-%m-%dT%H:%M:%SZ} error={(message.last_error or '')[:80]}")
    finally:
        services.engine.dispose()


@click.group("requeue")
def requeue_group() -> None:
    """Put given-up events or dead messages back in their queue."""


def _requeue(kind: str, ids: tuple[int, ...], all_: bool, hours: float | None) -> None:
    if not ids and not all_:
        raise click.UsageError("give --id N (repeatable) or --all")
    services = admin_services()
    try:
        with services.uow() as uow:
            now = services.clock()
            module = inbox if kind == "events" else outbox
            count = module.requeue(uow.session, now, ids=list(ids) or None, since=_since(hours, now))
            audit.record(uow.session, uow.sealer, actor=operator().operator or "cli", action=f"{kind}.requeued", entity=kind, entity_id=count,
                         area_code=None, now=now)
            uow.commit()
    finally:
        services.engine.dispose()
    click.echo(f"requeued {count} {kind}")


@requeue_group.command("events")
@click.option("--id", "ids", multiple=True, type=int, help="An event id from `kaejon failures`.")
@click.option("--all-given-up", "all_", is_flag=True, help="Every given-up event (with --since-hours, the recent ones).")
@click.option("--since-hours", "hours", type=float, default=None)
def requeue_events(ids: tuple[int, ...], all_: bool, hours: float | None) -> None:
    """Handle given-up events again (handlers are idempotent)."""
    _requeue("events", ids, all_, hours)


@requeue_group.command("outbox")
@click.option("--id", "ids", multiple=True, type=int, help="An outbox id from `kaejon failures`.")
@click.option("--all-dead", "all_", is_flag=True, help="Every dead message (with --since-hours, the recent ones).")
@click.option("--since-hours", "hours", type=float, default=None)
def requeue_outbox(ids: tuple[int, ...], all_: bool, hours: float | None) -> None:
    """Send dead messages again (an expired reply token becomes a push)."""
    _requeue("outbox", ids, all_, hours)


@click.group("retention")
def retention_group() -> None:
    """Deleting what is kept no longer than needed."""


@retention_group.command("run")
def retention_run() -> None:
    """Delete handled events and finished messages older than their periods, now."""
    from bot.clock import forget_old_payloads, purge_old_rows

    services = admin_services()
    try:
        forgotten = forget_old_payloads(services)
        events, messages = purge_old_rows(services)
    finally:
        services.engine.dispose()
    click.echo(f"payloads forgotten: {forgotten}; events deleted: {events}; messages deleted: {messages}")


@click.command("erase-household")
@click.argument("household_id", type=int)
def erase_household(household_id: int) -> None:
    """Carry out a household's erasure request (docs/privacy.md says what is kept)."""
    from bot.commands.operator import as_operator
    from casework.errors import Refused
    from casework.usecases import privacy

    with as_operator() as (uow, env, actor):
        try:
            done = privacy.erase_household(env, actor, household_id)
        except Refused as refusal:
            raise click.ClickException(
                "the household has no open erasure request" if refusal.reason == "no_request"
                else f"refused: {refusal.reason}") from None
        uow.commit()
    click.echo(f"erased household {household_id}: {done.persons} people, {done.photos} photos, "
               f"{done.links} LINE links, {done.chats} chats; {done.cases} cases kept without details")
