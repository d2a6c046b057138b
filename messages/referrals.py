"""Referrals as agency staff, leaders, coordinators and households see them in chat.

Agency staff see a referral's person by name with the ID masked, the address and the
household's words: only what the referral needs. A group chat is told only that
something arrived, with a button that opens it in the tapping person's own chat. A
notification's preview (``altText``) never carries a name or an address.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from babel.support import NullTranslations

from casework.referrals import ReferralView
from casework.rights_questions import text_in
from casework.services import services
from casework.usecases.referrals import AgencyChoice
from casework.thai_time import THAILAND
from messages import line, postback
from messages.dates import format_date
from messages.i18n import N_
from messages.line import Message
from messages.registry import area_name

STATUS = {
    "consent": N_("Waiting for the household's consent"),
    "routing": N_("Waiting for the coordinator to pick an agency"),
    "sent": N_("New, not yet accepted"),
    "accepted": N_("Accepted"),
    "in_progress": N_("In progress"),
    "completed": N_("Completed"),
    "declined": N_("Declined"),
    "revoked": N_("Taken back by the sender"),
    "expired": N_("Expired: not accepted in time"),
}
STEP = {
    "made": N_("referred"),
    "routed": N_("agency chosen"),
    "routed_to_ask": N_("agency chosen, household asked"),
    "consented": N_("household agreed to share"),
    "consent_refused": N_("household did not agree to share"),
    "accepted": N_("accepted"),
    "updated": N_("update"),
    "completed": N_("completed"),
    "declined": N_("declined"),
    "revoked": N_("taken back"),
    "expired": N_("expired"),
}
KIND = {
    "social_development": N_("provincial social development office"),
    "local_administration": N_("local administration"),
    "employment": N_("employment office"),
    "health": N_("health service"),
    "education": N_("education office"),
    "civil_society": N_("civil society organisation"),
    "private": N_("private company"),
}
# What the household is told at each step that matters to it.
HOUSEHOLD_NEWS = {
    "sent": N_("Your case %(ref)s was passed to %(agency)s for: %(service)s."),
    "accepted": N_("%(agency)s accepted your case %(ref)s (%(service)s) and will contact you."),
    "in_progress": N_("%(agency)s is working on your case %(ref)s: %(note)s"),
    "completed": N_("%(agency)s completed your case %(ref)s (%(service)s)."),
    "declined": N_("%(agency)s could not take your case %(ref)s. Your leader will plan another way to help."),
    "revoked": N_("Your case %(ref)s is no longer with %(agency)s. Your leader will plan another way to help."),
    "consent_refused": N_("Your case %(ref)s will not be shared. Your leader will plan another way to help."),
}
# What the sending side (the leader who referred it, the area's coordinators) is told.
SENDER_NEWS = {
    "accepted": N_("%(agency)s accepted %(ref)s (%(service)s)."),
    "in_progress": N_("Update on %(ref)s from %(agency)s: %(note)s"),
    "completed": N_("%(agency)s completed %(ref)s (%(service)s)."),
    "declined": N_("%(agency)s declined %(ref)s (%(service)s): %(note)s. The case is back in planning."),
}
NOTE_PROMPT = {
    "declined": N_("Why can't your agency take %(ref)s? Type the reason; the sender will see it."),
    "revoked": N_("Why are you taking %(ref)s back from the agency? Type the reason; the agency will see it."),
    "updated": N_("Type the update on %(ref)s (for example: visited, documents collected)."),
    "completed": N_("Type the outcome of %(ref)s (for example: registered, paid from next month)."),
}
PROBLEM = {
    "needs_reason": N_("A reason is needed. Please type it."),
    "bad_note": N_("That is too long. Please keep it under 1,000 characters."),
}


def service_name(code: str, language: str) -> str:
    service = services().get(code)
    if service is None:
        return code
    return text_in({"th": service.name_th, "en": service.name_en}, language)


def _day(value: date | datetime | None, language: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.astimezone(THAILAND)
    return format_date(value, language, short=True)


def _agency(tr: NullTranslations, view: ReferralView) -> str:
    return view.agency_name or tr.gettext("the agency")


def _what(view: ReferralView, language: str) -> str:
    """The service, and the programme where it names one."""
    service = service_name(view.service, language)
    if view.programme_name:
        return f"{service} ({text_in(view.programme_name, language)})"
    return service


def _action(tr: NullTranslations, label: str, action: str, **params: str | int) -> Message:
    return line.postback_action(tr.gettext(label), postback.encode(action, **params), display_text=tr.gettext(label))


def card(tr: NullTranslations, language: str, view: ReferralView, *, for_agency: bool, can_route: bool = False
         ) -> Message:
    """One referral: who and what it is for, its dates, its last steps, and what this person can do."""
    _ = tr.gettext
    status = _(STATUS.get(view.status, view.status))
    lines = [_("Status: %(status)s") % {"status": status + (" · " + _("OVERDUE") if view.overdue else "")},
             _("For: %(what)s") % {"what": _what(view, language)}]
    if view.person_name:
        person = view.person_name
        if view.person_age is not None:
            person += " · " + _("%(age)d years") % {"age": view.person_age}
        if view.masked_id:
            person += f" · {view.masked_id}"
        lines.append(_("Person: %(person)s") % {"person": person})
    elif view.head:
        lines.append(_("Head of household: %(name)s") % {"name": view.head})
    lines.append(_("House number: %(house_no)s") % {"house_no": view.house_no or "-"})
    lines.append(_("Area: %(area)s") % {"area": area_name(view.village_code, language)})
    if view.details:
        lines.append(f"\u201c{line.shorten(view.details, 500)}\u201d")
    if not for_agency and view.agency_name:
        lines.append(_("Agency: %(agency)s") % {"agency": view.agency_name})
    if view.sent_at is not None:
        lines.append(_("Sent: %(sent)s · accept by %(accept)s · complete by %(complete)s") % {
            "sent": _day(view.sent_at, language), "accept": _day(view.accept_due, language),
            "complete": _day(view.complete_due, language)})
    for done in view.steps[:3]:
        entry = f"{_day(done.at, language)} · {_(STEP.get(done.kind, done.kind))}"
        lines.append(f"{entry}: {line.shorten(done.note, 200)}" if done.note else entry)
    buttons = []
    v = view.version
    if for_agency:
        if view.status == "sent":
            buttons.append(_action(tr, N_("Accept"), "racc", id=view.id, v=v))
        if view.status in ("accepted", "in_progress"):
            buttons.append(_action(tr, N_("Add an update"), "rnote", id=view.id, k="updated", v=v))
            buttons.append(_action(tr, N_("Complete"), "rnote", id=view.id, k="completed", v=v))
        if view.status in ("sent", "accepted"):
            buttons.append(_action(tr, N_("Decline"), "rnote", id=view.id, k="declined", v=v))
    else:
        if view.status == "routing" and can_route:
            buttons.append(_action(tr, N_("Choose the agency"), "rroute", id=view.id))
        if view.status == "consent":
            buttons.append(_action(tr, N_("Agreed on site"), "rsite", id=view.id, ok=1))
            buttons.append(_action(tr, N_("Refused on site"), "rsite", id=view.id, ok=0))
        if view.status in ("consent", "routing", "sent", "accepted", "in_progress"):
            buttons.append(_action(tr, N_("Take it back"), "rnote", id=view.id, k="revoked", v=v))
    return line.bubble(view.case_ref, lines, subtitle=service_name(view.service, language), buttons=buttons,
                       accent="#B71C1C" if view.overdue else "#00695C")


def shown(tr: NullTranslations, language: str, view: ReferralView, quick: list[Message], *, for_agency: bool,
          can_route: bool = False) -> list[Message]:
    return [line.flex(view.case_ref, card(tr, language, view, for_agency=for_agency, can_route=can_route),
                      quick=quick)]


def listing(tr: NullTranslations, language: str, total: int, items: Sequence[ReferralView], page: int,
            page_size: int, quick: list[Message], *, action: str) -> list[Message]:
    """A page of referrals as small cards, overdue ones marked, with "more" when there are more."""
    _ = tr.gettext
    if not total:
        return line.text(_("No referrals waiting. You will be told when one arrives."), quick=quick)
    bubbles = []
    for view in items:
        lines = [_(STATUS.get(view.status, view.status)) + (" · " + _("OVERDUE") if view.overdue else ""),
                 area_name(view.village_code, language)]
        if view.status == "sent":
            lines.append(_("Accept by %(day)s") % {"day": _day(view.accept_due, language)})
        elif view.complete_due is not None:
            lines.append(_("Complete by %(day)s") % {"day": _day(view.complete_due, language)})
        bubbles.append(line.bubble(view.case_ref, lines, subtitle=service_name(view.service, language),
                                   accent="#B71C1C" if view.overdue else "#00695C",
                                   buttons=[_action(tr, N_("Open"), "ref", id=view.id)]))
    if total > (page + 1) * page_size:
        bubbles.append(line.bubble(_("More referrals"), [_("%(count)d more") % {
            "count": total - (page + 1) * page_size}], buttons=[_action(tr, N_("Next page"), action, p=page + 1)]))
    overdue = sum(1 for view in items if view.overdue)
    heading = tr.ngettext("%(count)d referral", "%(count)d referrals", total) % {"count": total}
    if overdue:
        heading += " · " + _("%(count)d overdue on this page") % {"count": overdue}
    return [*line.text(heading), line.flex(heading, line.carousel(bubbles), quick=quick)]


def arrived(tr: NullTranslations, language: str, view: ReferralView) -> list[Message]:
    """Pushed to each staff member of the agency: the preview says only that one arrived."""
    _ = tr.gettext
    preview = _("New referral %(ref)s") % {"ref": view.case_ref}
    return [line.flex(preview, card(tr, language, view, for_agency=True))]


def arrived_in_group(tr: NullTranslations, language: str, view: ReferralView) -> list[Message]:
    """Pushed to the agency's group chat: no name, no address; the button opens it in one's own chat."""
    _ = tr.gettext
    words = _("A new referral arrived for %(service)s. Accept by %(day)s.") % {
        "service": service_name(view.service, language), "day": _day(view.accept_due, language)}
    bubble = line.bubble(_("New referral"), [words], buttons=[
        _action(tr, N_("Open in my chat"), "rgopen", id=view.id)])
    return [line.flex(_("New referral"), bubble)]


def opened_in_own_chat(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Sent to your own chat with Kaejon."))


def household_news(tr: NullTranslations, language: str, view: ReferralView, status: str, note: str = "", *,
                   quick: list[Message] | None = None, ask_solved: bool = False) -> list[Message]:
    """News of the household's referral; a completed one says the outcome in the agency's
    words and, when it ended the household's case (``ask_solved``), asks whether its
    problem is solved."""
    _ = tr.gettext
    words = _(HOUSEHOLD_NEWS[status]) % {"ref": view.case_ref, "agency": _agency(tr, view),
                                         "service": _what(view, language), "note": note}
    if status == "completed" and note:
        words += "\n" + _("Outcome: %(note)s") % {"note": note}
    if status == "completed" and view.programme_name and view.person_name and view.steps:
        words += "\n" + _("%(person)s is now recorded as receiving %(programme)s from %(day)s.") % {
            "person": view.person_name, "programme": text_in(view.programme_name, language),
            "day": _day(view.steps[0].at, language)}
    if status == "completed" and ask_solved:
        words += "\n" + _("Is your problem solved?")
        quick = solved_buttons(tr, view.case_id)
    return line.text(words, quick=quick)


def solved_buttons(tr: NullTranslations, case_id: int) -> list[Message]:
    """The household's answer to "is your problem solved?" once its case has ended."""
    _ = tr.gettext
    return [line.postback_action(_("Solved"), postback.encode("csolved", id=case_id, v="yes"),
                                 display_text=_("Solved")),
            line.postback_action(_("Not solved"), postback.encode("csolved", id=case_id, v="no"),
                                 display_text=_("Not solved"))]


def sender_news(tr: NullTranslations, language: str, view: ReferralView, status: str, note: str = ""
                ) -> list[Message]:
    _ = tr.gettext
    words = _(SENDER_NEWS[status]) % {"ref": view.case_ref, "agency": _agency(tr, view),
                                      "service": service_name(view.service, language), "note": note}
    return [line.flex(line.shorten(words, 400), card(tr, language, view, for_agency=False))]


def taken_back(tr: NullTranslations, language: str, view: ReferralView, reason: str) -> list[Message]:
    """Told to the agency's staff when the sender takes back a referral they had."""
    _ = tr.gettext
    return line.text(_("%(ref)s (%(service)s) was taken back by the sender: %(reason)s. Nothing more to do on it.")
                     % {"ref": view.case_ref, "service": service_name(view.service, language), "reason": reason})


def ask_consent(tr: NullTranslations, language: str, view: ReferralView, agency_kind: str | None) -> list[Message]:
    """Asked in the household's chat before its case goes to a kind of agency it has not agreed to."""
    _ = tr.gettext
    kind = _(KIND[agency_kind]) if agency_kind in KIND else _("agency")
    words = _("To help with %(service)s, your leader would pass your case %(ref)s to %(agency)s (%(kind)s). "
              "They would see the name, age and part of the ID number of the person it is for, your address "
              "and your request. May we share it with this kind of agency?") % {
        "service": _what(view, language), "ref": view.case_ref, "agency": _agency(tr, view), "kind": kind}
    # a card's buttons stay, where quick replies go with the next message: a plan that needs
    # several consents asks each with its own buttons
    bubble = line.bubble(view.case_ref, [words], buttons=[
        _action(tr, N_("Yes, share it"), "rcons", id=view.id, ok=1),
        _action(tr, N_("No, do not share"), "rcons", id=view.id, ok=0)])
    return [line.flex(words, bubble)]


def consent_answered(tr: NullTranslations, agreed: bool, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Thank you. Your case will be passed on.") if agreed
                     else _("Understood. Your case will not be shared; your leader will be told."), quick=quick)


def needs_agency(tr: NullTranslations, language: str, view: ReferralView) -> list[Message]:
    """Pushed to the area's coordinators when no agency covers the household's area for the service."""
    _ = tr.gettext
    preview = _("%(ref)s needs an agency") % {"ref": view.case_ref}
    bubble = line.bubble(view.case_ref, [
        _("No agency covers %(area)s for %(service)s. Please choose one.") % {
            "area": area_name(view.village_code, language), "service": service_name(view.service, language)}],
        buttons=[_action(tr, N_("Choose the agency"), "rroute", id=view.id)], accent="#E65100")
    return [line.flex(preview, bubble)]


def agency_choices(tr: NullTranslations, view: ReferralView, choices: Sequence[AgencyChoice], quick: list[Message]
                   ) -> list[Message]:
    """The agencies that handle the service, one card each (their names are long), to pick one."""
    _ = tr.gettext
    if not choices:
        return line.text(_("No agency handles this service yet. An operator adds agencies with "
                           "\"kaejon agency load\"."), quick=quick)
    bubbles = [line.bubble(choice.code, [choice.name, _(KIND[choice.kind]) if choice.kind in KIND else ""],
                           buttons=[_action(tr, N_("Choose"), "rto", id=view.id, ag=choice.id, v=view.version)])
               for choice in choices[:line.MAX_CAROUSEL_BUBBLES]]
    heading = _("Which agency should take %(ref)s?") % {"ref": view.case_ref}
    return [*line.text(heading), line.flex(heading, line.carousel(bubbles), quick=quick)]


def ask_note(tr: NullTranslations, kind: str, view: ReferralView) -> list[Message]:
    _ = tr.gettext
    quick = [_action(tr, N_("Cancel"), "rnote", id=view.id, k=kind, cancel=1)]
    if kind == "completed":
        quick.insert(0, _action(tr, N_("Done, no note"), "rnote", id=view.id, k=kind, v=view.version,
                                skip=1))
    return line.text(_(NOTE_PROMPT[kind]) % {"ref": view.case_ref}, quick=quick)


def note_cancelled(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Cancelled. Nothing was changed."), quick=quick)


def problem(tr: NullTranslations, reason: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_(PROBLEM.get(reason, PROBLEM["needs_reason"])))


def done(tr: NullTranslations, language: str, view: ReferralView, quick: list[Message], *, for_agency: bool
         ) -> list[Message]:
    """After a step: the referral as it is now."""
    _ = tr.gettext
    return [*line.text(_("Done: %(ref)s is now \"%(status)s\".") % {
        "ref": view.case_ref, "status": _(STATUS.get(view.status, view.status))}),
        *shown(tr, language, view, quick, for_agency=for_agency)]


def changed(tr: NullTranslations, language: str, by: str, kind: str, at: datetime) -> list[Message]:
    """Someone else acted on it first: nothing was changed by this tap."""
    _ = tr.gettext
    return line.text(_("Nothing was changed: %(by)s already did \"%(step)s\" at %(time)s. Here it is now.") % {
        "by": by or _("someone else"), "step": _(STEP.get(kind, kind)),
        "time": f"{_day(at, language)} {at.astimezone(THAILAND):%H:%M}"})


def group_registered_by_staff_only(tr: NullTranslations) -> list[Message]:
    """Someone who is not staff of an agency tapped "Register this group": who can."""
    _ = tr.gettext
    return line.text(_("Only a staff member of the agency this group works for can register it: ask an officer "
                       "of that agency, linked to Kaejon, to tap \"Register this group\" here."))


def group_registered(tr: NullTranslations, agency: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_("This group will hear of new referrals for %(agency)s, without personal data. "
                       "Staff open them in their own chat.") % {"agency": agency})
