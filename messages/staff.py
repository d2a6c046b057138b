"""Roles, invites, refusals, the changes log and the coordinators' task list."""
from __future__ import annotations

from babel.support import NullTranslations

from casework.audit import Change
from messages import line
from messages.dates import format_date
from messages.greetings import STAFF_CLOSING, role_words
from messages.i18n import N_
from messages.line import Message
from messages.registry import area_name

ROLE = {"leader": N_("community leader"), "coordinator": N_("coordinator"), "agency": N_("agency staff"),
        "household": N_("household member")}
INVITE_PROBLEM = {
    "unknown": N_("That invite code is not known. Check it and send it again."),
    "used": N_("That invite code has already been used."),
    "expired": N_("That invite code has expired. Ask for a new one."),
    "too_many": N_("Too many wrong codes. Please wait an hour and try again."),
}
TASK = {"data_correct": N_("Correct data"), "data_erase": N_("Delete data")}


def role_granted(tr: NullTranslations, language: str, role: str, area_code: str,
                 quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    words = [_("Welcome. You are now %(role)s for %(area)s.") % {
        "role": _(ROLE.get(role, role)), "area": area_name(area_code, language)}]
    words += [*role_words(tr, (role,)), _(STAFF_CLOSING)]
    return line.text("\n\n".join(words), quick=quick)


def invite_problem(tr: NullTranslations, reason: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_(INVITE_PROBLEM.get(reason, INVITE_PROBLEM["unknown"])))


def refused(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Sorry, this is not available to you."), quick=quick)


def changes_log(tr: NullTranslations, language: str, changes: list[Change], quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    if not changes:
        return line.text(_("No changes recorded in your area yet."), quick=quick)
    rows = [f"{format_date(change.at, language, short=True)} {change.at:%H:%M} · {change.action} · "
            f"{change.entity} {change.entity_id} · {change.actor}{_values(change)}" for change in changes]
    return line.text(_("Latest changes in your area:") + "\n" + "\n".join(rows), quick=quick)


def _values(change: Change) -> str:
    """What changed, old → new, as far as a short line allows."""
    parts = [f"{field}: {old if old is not None else '-'} → {new if new is not None else '-'}"
             for field, (old, new) in list(change.changes.items())[:3]]
    return line.shorten(" · " + ", ".join(parts), 160) if parts else ""


def task_list(tr: NullTranslations, language: str, tasks: list[tuple[str, str, object]],
              quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    if not tasks:
        return line.text(_("No open requests in your area."), quick=quick)
    rows = [_("%(kind)s · household %(household)s · due %(date)s") % {
        "kind": _(TASK.get(kind, kind)), "household": household, "date": format_date(due, language)}  # type: ignore[arg-type]
        for kind, household, due in tasks]
    return line.text(_("Open requests:") + "\n" + "\n".join(rows), quick=quick)
