"""A staff member's choice of digest and reminders, in chat: the time, paused or not, LINE
or email, and whether a day with nothing to do still gets a short "all clear"."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from casework import audit, authorization
from casework.authorization import Actor
from casework.digests.schedule import DEFAULT_TIME
from casework.errors import Refused
from casework.models import DigestPreference
from casework.sealing import open_from, seal_into
from casework.usecases.base import Env, allow, use_case

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CHANNELS = ("line", "email")


@dataclass(frozen=True)
class Preferences:
    send_at: time = DEFAULT_TIME
    paused: bool = False
    channel: str = "line"
    all_clear: bool = True
    email: str = ""


@dataclass(frozen=True)
class Change:
    """What to change; None leaves a setting as it is."""

    send_at: time | None = None
    paused: bool | None = None
    channel: str | None = None
    all_clear: bool | None = None
    email: str | None = None


def _read(env: Env, row: DigestPreference | None) -> Preferences:
    if row is None:
        return Preferences()
    email = open_from(env.sealer, row, "email") if row.email is not None else ""
    return Preferences(row.send_at, row.paused, row.channel, row.all_clear, str(email or ""))


@use_case
def current(env: Env, actor: Actor) -> Preferences:
    allow(authorization.takes_digests(actor), "no_role")
    return _read(env, env.session.get(DigestPreference, actor.account_id))


@use_case
def change(env: Env, actor: Actor, wanted: Change) -> Preferences:
    """Change one's own settings; an email address is checked, kept sealed and never logged."""
    allow(authorization.takes_digests(actor), "no_role")
    if wanted.email is not None:
        wanted = Change(**{**wanted.__dict__, "email": wanted.email.strip()})
        if len(wanted.email) > 254 or not EMAIL.match(wanted.email):
            raise Refused("bad_email")
    if wanted.channel is not None and wanted.channel not in CHANNELS:
        raise Refused("bad_channel")
    row = env.session.get(DigestPreference, actor.account_id)
    before = _read(env, row)
    if row is None:
        row = DigestPreference(account_id=actor.account_id, send_at=DEFAULT_TIME, paused=False, channel="line",
                               all_clear=True, updated_at=env.now)
        env.session.add(row)
    if wanted.channel == "email" and not (wanted.email or before.email):
        raise Refused("bad_email")
    for name in ("send_at", "paused", "channel", "all_clear"):
        if getattr(wanted, name) is not None:
            setattr(row, name, getattr(wanted, name))
    if wanted.email is not None:
        seal_into(env.sealer, row, "email", wanted.email)
    row.updated_at = env.now
    after = _read(env, row) if wanted.email is None else Preferences(
        row.send_at, row.paused, row.channel, row.all_clear, wanted.email)
    changes = {name: [str(getattr(before, name)), str(getattr(after, name))]
               for name in ("send_at", "paused", "channel", "all_clear")
               if getattr(before, name) != getattr(after, name)}
    if wanted.email is not None and wanted.email != before.email:
        changes["email"] = ["(sealed)", "(sealed)"]
    if changes:
        audit.record(env.session, env.sealer, actor=actor.label, action="notifications.changed", entity="account",
                     entity_id=actor.account_id or 0, area_code=None, now=env.now, changes=changes)
    return after
