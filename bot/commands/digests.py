"""``kaejon digest``: what a person's digest would say, and running the digests due at a time."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click
from sqlalchemy import select

from bot.commands.operator import admin_services
from casework.models import Account
from casework.thai_time import THAILAND

WHEN = click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])


def _thai_time(value: datetime | None) -> datetime | None:
    """A time typed at the command line is Thailand's, as the digests' times are."""
    return value.replace(tzinfo=THAILAND) if value is not None and value.tzinfo is None else value


def words(node: Any) -> list[str]:
    """The words of LINE messages, in reading order, for a terminal."""
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        if node.get("type") in ("postback", "message", "uri") and "label" in node:
            own = [f"[{node['label']}]"]
        return own + [word for value in node.values() for word in words(value)]
    if isinstance(node, list):
        return [word for value in node for word in words(value)]
    return []


@click.group("digest")
def digest_group() -> None:
    """Scheduled digests: preview one person's, or run those due at a time."""


@digest_group.command("run")
@click.option("--at", "at_", type=WHEN, default=None, help="Thai time, e.g. 2026-12-03T08:00 (default: now).")
def run(at_: datetime | None) -> None:
    """Queue every digest due at that time and not sent yet (each is sent once, however often this runs)."""
    from bot.clock import send_digests

    services = admin_services()
    try:
        done = send_digests(services, _thai_time(at_))
    finally:
        services.engine.dispose()
    click.echo(f"queued: {done.queued}; nothing to say: {done.nothing}; late: {done.late}; "
               f"failed: {done.failed}; already sent: {done.skipped}")


@digest_group.command("preview")
@click.option("--to", "to", required=True, help="An account id, or a LINE user id.")
@click.option("--at", "at_", type=WHEN, default=None, help="Thai time (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the LINE messages themselves.")
def preview(to: str, at_: datetime | None, as_json: bool) -> None:
    """Print the digest this person would get, without sending or recording anything."""
    from casework.digests.due import staff_digests
    from messages import digests
    from messages.i18n import translator

    services = admin_services()
    try:
        with services.read_uow() as uow:
            line_id = uow.session.scalar(select(Account.line_user_id).where(Account.id == int(to))) \
                if to.isdigit() else to
            found = staff_digests(uow.session, uow.sealer, _thai_time(at_) or services.clock(),
                                  services.settings.pacing, preview=line_id or "")
    finally:
        services.dispose()
    if not found:
        raise click.ClickException(f"{to} takes no digest: not agency staff, paused, or by email")
    (digest,) = found
    messages = digests.build(translator(digest.language), digest.language, digest)
    if as_json:
        click.echo(json.dumps(messages, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(words(messages)) if messages else "(nothing would be sent: all clear, not wanted)")
