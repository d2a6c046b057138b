"""A household's welfare status as its leader records it on site: each member's programmes
and status, then, for one member, which programme, which status and from which day."""
from __future__ import annotations

from datetime import date

from babel.support import NullTranslations

from casework.rights_questions import text_in
from casework.usecases.welfare import HouseholdWelfare, MemberWelfare
from messages import line, postback
from messages.dates import format_date
from messages.i18n import N_
from messages.line import Message

STATUS = {
    "eligible": N_("eligible, not enrolled"),
    "applied": N_("applied"),
    "receiving": N_("receiving"),
    "stopped": N_("stopped"),
    "not_eligible": N_("not eligible"),
}
CHOICES = (("applied", N_("Applied")), ("receiving", N_("Receiving")), ("stopped", N_("Stopped")))
PROBLEM = {
    "needs_sensitive_consent": N_("The disability allowance reveals a disability: record it only after the household "
                                  "gives its explicit consent to sensitive data (asked during the check)."),
    "bad_status": N_("That choice is no longer offered. Please start again from the household's card."),
    "future_date": N_("That day has not come yet. Please choose today or a day before."),
}


def _member(tr: NullTranslations, language: str, member: MemberWelfare) -> Message:
    _ = tr.gettext
    lines = []
    for item in member.programmes:
        if item.status is None:
            continue
        lines.append(f"{text_in(item.name, language)}: {_(STATUS[item.status])} "
                     + _("since %(day)s") % {"day": format_date(item.since, language, short=True)})
    title = member.name or _("(name unknown)")
    if member.age is not None:
        title += " · " + _("%(age)d years") % {"age": member.age}
    return line.bubble(line.shorten(title, 60), lines or [_("Nothing recorded yet")], buttons=[
        line.postback_action(_("Record a status"), postback.encode("wfp", id=member.person_id),
                             display_text=_("Record a status"))])


def household(tr: NullTranslations, language: str, card: HouseholdWelfare, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    heading = _("Welfare status: %(address)s") % {"address": card.address or "-"}
    bubbles = [_member(tr, language, member) for member in card.members[:line.MAX_CAROUSEL_BUBBLES]]
    if not bubbles:
        return line.text(_("No members recorded in this household."), quick=quick)
    return [*line.text(heading), line.flex(heading, line.carousel(bubbles), quick=quick)]


def choose_programme(tr: NullTranslations, language: str, member: MemberWelfare) -> list[Message]:
    _ = tr.gettext
    quick = [line.postback_action(line.shorten(text_in(item.name, language), line.MAX_LABEL),
                                  postback.encode("wfs", id=member.person_id, g=item.programme),
                                  display_text=text_in(item.name, language))
             for item in member.programmes[:line.MAX_QUICK_REPLY_ITEMS]]
    return line.text(_("Which programme for %(name)s?") % {"name": member.name or "-"}, quick=quick)


def choose_status(tr: NullTranslations, person_id: int, programme: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_("What is the status now?"), quick=[
        line.postback_action(_(label), postback.encode("wfd", id=person_id, g=programme, s=status),
                             display_text=_(label)) for status, label in CHOICES])


def choose_day(tr: NullTranslations, person_id: int, programme: str, status: str, today: date) -> list[Message]:
    _ = tr.gettext
    data = postback.encode("wfok", id=person_id, g=programme, s=status)
    return line.text(_("Since when?"), quick=[
        line.postback_action(_("Today"), postback.encode("wfok", id=person_id, g=programme, s=status, d="today"),
                             display_text=_("Today")),
        line.date_picker(_("Pick a day"), data, maximum=today)])


def saved(tr: NullTranslations, language: str, card: HouseholdWelfare, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return [*line.text(_("Saved.")), *household(tr, language, card, quick)]


def problem(tr: NullTranslations, reason: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_(PROBLEM.get(reason, PROBLEM["bad_status"])), quick=quick)
