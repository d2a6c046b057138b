"""Roles, invites, refusals, the changes log and the coordinators' task list."""
from __future__ import annotations

from babel.support import NullTranslations

from datetime import date

from casework.thai_time import THAILAND
from casework.usecases.oversight import OpenTask
from messages import line, postback
from messages.dates import format_date
from messages.corrections import ASKED_FIELDS
from messages.greetings import STAFF_CLOSING, role_words
from messages.i18n import N_
from messages.line import Message
from messages.registry import area_name, house_title

ROLE = {"leader": N_("community leader"), "coordinator": N_("coordinator"), "agency": N_("agency staff"),
        "household": N_("household member")}
INVITE_PROBLEM = {
    "unknown": N_("That invite code is not known. Check it and send it again."),
    "used": N_("That invite code has already been used."),
    "expired": N_("That invite code has expired. Ask for a new one."),
    "too_many": N_("Too many wrong codes. Please wait an hour and try again."),
}
TASK = {"data_correct": N_("Correct data"), "data_erase": N_("Delete data")}
TASK_WHAT = {
    "data_correct": N_("The household asks you to correct its data. Check with them, correct it, then mark "
                       "this done."),
    "data_erase": N_("The household asks you to delete its data. Erasing it closes this request."),
}


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


def task_list(tr: NullTranslations, language: str, tasks: list[OpenTask], today: date,
              quick: list[Message]) -> list[Message]:
    """A card per data request: what to do, for which household, by when; open it, mark it done."""
    _ = tr.gettext
    if not tasks:
        return line.text(_("No data requests wait for you in your area."), quick=quick)
    bubbles = []
    for task in tasks[:line.MAX_CAROUSEL_BUBBLES]:
        due = task.due_at.astimezone(THAILAND).date()
        lines = [_(TASK_WHAT.get(task.kind, TASK_WHAT["data_correct"]))]
        if task.household is not None:
            lines.append(_("For: %(house)s") % {"house": house_title(tr, task.household)})
            if task.household.head:
                lines.append(_("Head: %(name)s") % {"name": task.household.head})
        if task.field is not None:
            lines.append(line.shorten(_("%(whose)s · %(field)s: %(value)s") % {
                "whose": task.whose or _("The household"), "field": _(ASKED_FIELDS.get(task.field, task.field)),
                "value": task.value or "-"}, 300) + (" " + _("(photo of a document attached)") if task.photo else ""))
        if task.details:
            lines.append(_("Their words: %(text)s") % {"text": line.shorten(task.details, 300)})
        lines.append((_("Due by %(date)s (overdue)") if due < today else _("Due by %(date)s")) % {
            "date": format_date(due, language)})
        buttons = []
        if task.household_id is not None:
            buttons.append(line.postback_action(_("Open household"), postback.encode("hh", id=task.household_id),
                                                display_text=_("Open household")))
        if task.kind != "data_erase":
            buttons.append(line.postback_action(_("Mark as done"), postback.encode("task_done", id=task.id),
                                                display_text=_("Mark as done")))
        bubbles.append(line.bubble(_(TASK.get(task.kind, task.kind)), lines, buttons=buttons))
    heading = tr.ngettext("%(count)d data request to handle", "%(count)d data requests to handle",
                          len(tasks)) % {"count": len(tasks)}
    return [line.flex(heading, line.carousel(bubbles), quick=quick)]


def task_done(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Marked as done."), quick=quick)
