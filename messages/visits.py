"""A follow-up visit as a leader tells it in chat, and timelines."""
from __future__ import annotations

from datetime import date

from babel.support import NullTranslations

from casework.timeline import Entry, Timeline
from casework.cases import NEEDS
from casework.usecases.visits import Logged, NeedOpened
from messages import line, postback, referrals
from messages.dates import format_date, format_moment
from messages.help_requests import UPDATE, need_label
from messages.i18n import N_
from messages.line import Message
from messages.welfare import STATUS as WELFARE_STATUS

PROBLEM = {
    "too_long": N_("That is too long for one visit. Please keep the notes under 2,000 characters."),
    "too_many": N_("A visit keeps up to 5 photos and 5 voice notes."),
    "bad_location": N_("That location could not be read. Please send it again."),
    "empty": N_("Nothing to save yet: send a few words, a voice note, a photo or the place first."),
    "past_date": N_("That day has passed. Please choose a day to come."),
    "too_far": N_("Please choose a day within a year."),
}
ADDED = {"text": N_("Noted."), "photos": N_("Photo kept."), "voices": N_("Voice note kept."),
         "location": N_("Place kept.")}
KIND = {
    "visit": N_("visit"),
    "assessment.submitted": N_("assessment submitted"),
    "assessment.confirmed": N_("assessment confirmed"),
    "assessment.returned": N_("assessment returned"),
    "assessment.draft": N_("assessment started"),
}


def _quick(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return [line.camera_action(_("Camera")), line.camera_roll_action(_("Photos")), line.location_action(_("Place")),
            line.postback_action(_("Finish"), postback.encode("vnext"), display_text=_("Finish")),
            line.postback_action(_("Cancel"), postback.encode("vlog", cancel=1), display_text=_("Cancel"))]


def ask(tr: NullTranslations, ref: str | None, *, again: bool = False) -> list[Message]:
    _ = tr.gettext
    words = _("Tell the visit: type what you saw, send voice notes, photos and the place, in any order. "
              "Then tap \"Finish\".")
    if ref:
        words = _("Visit for %(ref)s.") % {"ref": ref} + " " + words
    if again:
        words = _("Only words, voice notes, photos and a place are kept with a visit.") + " " + words
    return line.text(words, quick=_quick(tr))


def added(tr: NullTranslations, what: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_(ADDED[what]) + " " + _("Send more, or tap \"Finish\"."), quick=_quick(tr))


def problem(tr: NullTranslations, reason: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_(PROBLEM.get(reason, PROBLEM["empty"])), quick=_quick(tr))


def ask_next(tr: NullTranslations, today: date) -> list[Message]:
    _ = tr.gettext
    choices = ((N_("In a week"), "7"), (N_("In two weeks"), "14"), (N_("In a month"), "30"),
               (N_("No next visit"), "0"))
    return line.text(_("When should someone go back?"), quick=[
        *(line.postback_action(_(label), postback.encode("vsave", n=days), display_text=_(label))
          for label, days in choices),
        line.date_picker(_("Pick a day"), postback.encode("vsave"))])


def saved(tr: NullTranslations, language: str, logged: Logged, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    words = _("Visit saved.") if not logged.ref else _("Visit saved with %(ref)s.") % {"ref": logged.ref}
    if logged.next_visit_on:
        words += " " + _("Next visit: %(day)s.") % {"day": format_date(logged.next_visit_on, language)}
    record = line.postback_action(_("Record a need"), postback.encode("vneed", id=logged.visit_id),
                                  display_text=_("Record a need"))
    return line.text(words, quick=[record, *quick][:line.MAX_QUICK_REPLY_ITEMS])


def ask_need(tr: NullTranslations, visit_id: int) -> list[Message]:
    """Which need the leader saw: each becomes a case of the household."""
    _ = tr.gettext
    return line.text(_("What does the household need?"), quick=[
        line.postback_action(need_label(tr, need), postback.encode("vneed", id=visit_id, n=need),
                             display_text=need_label(tr, need)) for need in NEEDS])


def need_opened(tr: NullTranslations, opened: NeedOpened, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Case %(ref)s was opened for this need. Open it to make the household's plan.") % {
        "ref": opened.ref}, quick=[line.postback_action(_("Open"), postback.encode("case", id=opened.case_id),
                                                        display_text=opened.ref), *quick][:line.MAX_QUICK_REPLY_ITEMS])


def cancelled(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("The visit was not saved."), quick=quick)


def _what(tr: NullTranslations, language: str, entry: Entry) -> str:
    _ = tr.gettext
    family, _dot, step = entry.kind.partition(".")
    if family == "case":
        what = _(UPDATE.get(step, step))
    elif family == "referral":
        what = _(referrals.STEP.get(step, step)) + f" ({referrals.service_name(entry.detail or '', language)})"
    elif family == "welfare":
        what = _(WELFARE_STATUS.get(step, step)) + f" ({entry.detail})"
    else:
        what = _(KIND.get(entry.kind, entry.kind))
        if entry.kind == "visit" and entry.detail:
            what += " · " + _("next %(day)s") % {"day": format_date(date.fromisoformat(entry.detail), language,
                                                                      short=True)}
        elif entry.kind == "assessment.confirmed" and entry.detail:
            what += " · " + _("group %(group)s") % {"group": entry.detail}
    return what


def timeline(tr: NullTranslations, language: str, read: Timeline, more: dict[str, str],
             quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    if not read.entries:
        return line.text(_("Nothing recorded yet."), quick=quick)
    rows = []
    for entry in read.entries:
        row = f"{format_moment(entry.at, language)} · " + " · ".join(filter(None, (
            entry.ref, _what(tr, language, entry), entry.by)))
        if entry.text:
            row += f": {line.shorten(entry.text, 200)}"
        rows.append(row)
    if read.more:
        quick = [line.postback_action(_("Older"), postback.encode("vtl", p=read.page + 1, **more),
                                      display_text=_("Older")), *quick][:line.MAX_QUICK_REPLY_ITEMS]
    return line.text(_("History, newest first:") + "\n" + "\n".join(rows), quick=quick)
