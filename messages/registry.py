"""Households as leaders, reviewers and households themselves see them in chat."""
from __future__ import annotations

from babel.support import NullTranslations

from casework import areas
from casework.questionnaire import Question, Questionnaire, Result, text_in
from casework.registry import HouseholdView, LinkRequest
from casework.usecases.reviews import ToReview
from messages import line, postback
from messages.dates import format_date
from messages.i18n import N_, translator
from messages.line import Message

PAGE_SIZE = 10  # bubbles per carousel page, leaving room for "more"

STATUS = {
    "listed": N_("Listed, not yet checked"),
    "pending_check": N_("Waiting for an on-site check"),
    "awaiting_review": N_("Checked, waiting for confirmation"),
    "verified": N_("Verified"),
    "returned": N_("Returned for another check"),
    "moved": N_("Moved away"),
    "closed": N_("Closed"),
}
RELATION = {
    "head": N_("head"), "spouse": N_("spouse"), "child": N_("child"), "parent": N_("parent"),
    "relative": N_("relative"), "other": N_("other"),
}


AREA_FORMATS = {"village": N_("Moo %(name)s"), "subdistrict": N_("Tambon %(name)s"),
                "district": N_("Amphoe %(name)s"), "province": N_("Changwat %(name)s")}


def area_name(code: str, language: str) -> str:
    """``Moo 5, Tambon Kalasin, Amphoe Mueang Kalasin, Changwat Kalasin`` as Thai addresses read."""
    translate = translator(language).gettext
    parts = [translate(AREA_FORMATS["village"]) % {"name": int(code[6:])}] if len(code) == 8 else []
    for area in reversed(areas.lineage(code)):
        name = area.name_th if language == "th" else area.name_en
        parts.append(translate(AREA_FORMATS[area.level]) % {"name": name})
    return " ".join(parts) if language == "th" else ", ".join(parts)


def group_name(questionnaire: Questionnaire, group: int | None, language: str) -> str:
    for band in questionnaire.groups:
        if band.group == group:
            return f"{group} {text_in(band.name, language)}"
    return "-"


def household_bubble(tr: NullTranslations, language: str, view: HouseholdView) -> Message:
    """A household in a list: its address, status and size, a button opening its card."""
    _ = tr.gettext
    return line.bubble(view.address or _("(no address)"),
                       [_(STATUS.get(view.status, view.status)),
                        tr.ngettext("%(count)d member", "%(count)d members", len(view.members)) % {
                            "count": len(view.members)}],
                       subtitle=area_name(view.village_code, language),
                       buttons=[line.postback_action(_("Open"), postback.encode("hh", id=view.id))])


def household_list(tr: NullTranslations, language: str, total: int, households: list[HouseholdView],
                   page: int, *, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    if total == 0:
        return line.text(_("No households are waiting for a check in your area."), quick=quick)
    bubbles = [household_bubble(tr, language, view) for view in households]
    if total > (page + 1) * PAGE_SIZE:
        bubbles.append(line.bubble(_("More households"), [_("%(count)d more") % {
            "count": total - (page + 1) * PAGE_SIZE}],
            buttons=[line.postback_action(_("Next page"), postback.encode("pending", p=page + 1))]))
    heading = tr.ngettext("%(count)d household to check", "%(count)d households to check", total) % {
        "count": total}
    return [*line.text(heading), line.flex(heading, line.carousel(bubbles), quick=quick)]


def household_card(tr: NullTranslations, language: str, view: HouseholdView, questionnaire: Questionnaire, *,
                   can_check: bool, can_link: bool, has_draft: bool, quick: list[Message],
                   link_requests: list[LinkRequest] | None = None, can_end: bool = False,
                   already_linked: bool = False) -> list[Message]:
    _ = tr.gettext
    lines = [_("Status: %(status)s") % {"status": _(STATUS.get(view.status, view.status))}]
    if view.poverty_group:
        lines.append(_("Group: %(group)s") % {"group": group_name(questionnaire, view.poverty_group, language)})
    for member in view.members:
        details = [_(RELATION.get(member.relation, member.relation))]
        if member.age is not None:
            details.append(_("%(age)d years") % {"age": member.age})
        if member.masked_id:
            details.append(member.masked_id)
        lines.append(f"{member.name} ({', '.join(details)})")
    lines.append(_("Location: %(state)s · Photos: %(count)d") % {
        "state": _("recorded") if view.has_location else _("not yet"), "count": view.photos})
    lines.extend(_link_request_lines(tr, link_requests or [], already_linked))
    buttons = []
    if can_check:
        label = _("Continue the check") if has_draft else _("Start the check")
        buttons.append(line.postback_action(label, postback.encode("check", id=view.id), display_text=label))
    if can_check:
        buttons.append(line.postback_action(_("Correct details"), postback.encode("fix", id=view.id),
                                            display_text=_("Correct details")))
    buttons.append(line.postback_action(_("Welfare status"), postback.encode("wf", h=view.id),
                                        display_text=_("Welfare status")))
    buttons.append(line.postback_action(_("Log a visit"), postback.encode("vlog", h=view.id),
                                        display_text=_("Log a visit")))
    buttons.append(line.postback_action(_("History"), postback.encode("vtl", h=view.id), display_text=_("History")))
    if view.status == "verified":
        buttons.append(line.postback_action(_("Make a plan"), postback.encode("plan", h=view.id),
                                            display_text=_("Make a plan")))
    for request in (link_requests or [])[:1]:
        buttons.append(line.postback_action(_("Approve their LINE"), postback.encode("approve", id=request.id),
                                            display_text=_("Approve their LINE")))
    if can_link:
        buttons.append(line.postback_action(_("Link their LINE"), postback.encode("link", id=view.id),
                                            display_text=_("Link their LINE")))
    if can_end and view.status not in ("moved", "closed"):
        buttons.append(line.postback_action(_("Moved away"), postback.encode("end", id=view.id, k="move"),
                                            display_text=_("Moved away")))
        buttons.append(line.postback_action(_("Closed"), postback.encode("end", id=view.id, k="close"),
                                            display_text=_("Closed")))
    card = line.bubble(view.address or _("(no address)"), lines, subtitle=area_name(view.village_code, language),
                       buttons=buttons)
    return [line.flex(view.address or _("Household"), card, quick=quick)]


def _link_request_lines(tr: NullTranslations, requests: list[LinkRequest], already_linked: bool) -> list[str]:
    """Who asks to link (the first request, which the button approves) and what to check."""
    _ = tr.gettext
    lines = []
    for request in requests[:1]:
        lines.append(_("LINE %(line_name)s asks to be linked as %(typed_name)s") % {
            "line_name": request.line_name or _("(name unknown)"), "typed_name": request.typed_name or "-"})
        if not request.name_matches:
            lines.append(_("That name is not a member's. Meet them and offer a link code instead."))
    if requests and already_linked:
        lines.append(_("Warning: this household's LINE is already linked."))
    return lines


def sensitive_question(tr: NullTranslations, household_id: int) -> list[Message]:
    _ = tr.gettext
    return line.text(
        _("Health and disability are sensitive data. Has the household given its explicit consent to "
          "record them?"),
        quick=[line.postback_action(_("Yes, they agreed"), postback.encode("sens", id=household_id, v="yes"),
                                    display_text=_("Yes, they agreed")),
               line.postback_action(_("No, skip them"), postback.encode("sens", id=household_id, v="no"),
                                    display_text=_("No, skip them"))])


def question(tr: NullTranslations, language: str, questionnaire: Questionnaire, item: Question,
             household_id: int, number: int, total: int) -> list[Message]:
    _ = tr.gettext
    capital = dict(questionnaire.capitals)[item.capital]
    choices = [
        line.postback_action(text_in(option.label, language),
                             postback.encode("ans", id=household_id, q=item.key, v=option.score),
                             display_text=text_in(option.label, language))
        for option in item.options
    ]
    choices.append(line.postback_action(_("Pause"), postback.encode("pause"), display_text=_("Pause")))
    heading = _("Question %(number)d of %(total)d · %(capital)s") % {
        "number": number, "total": total, "capital": text_in(capital, language)}
    return line.text(f"{heading}\n{text_in(item.text, language)}", quick=choices)


def tap_a_button(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Please answer with one of the buttons below."))


def summary(tr: NullTranslations, language: str, questionnaire: Questionnaire, result: Result,
            household_id: int) -> list[Message]:
    _ = tr.gettext
    lines = [f"{text_in(name, language)}: {result.scores[key]:.2f}" for key, name in questionnaire.capitals]
    lines.append(_("Average: %(mean).2f") % {"mean": result.mean_score})
    lines.append(_("Group: %(group)s") % {"group": group_name(questionnaire, result.group, language)})
    card = line.bubble(_("Check complete"), lines, buttons=[
        line.postback_action(_("Submit for confirmation"), postback.encode("submit", id=household_id),
                             display_text=_("Submit for confirmation")),
        line.postback_action(_("Answer again"), postback.encode("redo", id=household_id),
                             display_text=_("Answer again"))])
    return [line.flex(_("Check complete"), card)]


def paused(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Paused. Your answers are kept; open the household again to continue."), quick=quick)


def submitted(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Submitted. Another leader or the coordinator will confirm it."), quick=quick)


def review_list(tr: NullTranslations, language: str, questionnaire: Questionnaire, total: int,
                items: list[ToReview], *, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    if total == 0:
        return line.text(_("Nothing is waiting for your confirmation."), quick=quick)
    bubbles = []
    for item in items:
        lines = [f"{text_in(name, language)}: {item.scores.get(key, 0):.2f}" for key, name in questionnaire.capitals]
        lines.append(_("Group: %(group)s") % {"group": group_name(questionnaire, item.group, language)})
        bubbles.append(line.bubble(item.view.address or _("(no address)"), lines,
                                   subtitle=area_name(item.view.village_code, language), buttons=[
            line.postback_action(_("Confirm"), postback.encode("confirm", id=item.assessment_id),
                                 display_text=_("Confirm")),
            line.postback_action(_("Return with a note"), postback.encode("return", id=item.assessment_id),
                                 display_text=_("Return with a note"))]))
    heading = tr.ngettext("%(count)d check to confirm", "%(count)d checks to confirm", total) % {"count": total}
    return [line.flex(heading, line.carousel(bubbles), quick=quick)]


def ask_return_note(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("What should be checked again? Write a short note."))


def reviewed(tr: NullTranslations, confirmed: bool, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    text = _("Confirmed. The household is verified.") if confirmed else _("Returned with your note.")
    return line.text(text, quick=quick)


def link_code(tr: NullTranslations, code: str, minutes: int, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Ask the household to add Kaejon as a friend and send this code in their chat "
                       "within %(minutes)d minutes:\n%(code)s") % {"code": code, "minutes": minutes}, quick=quick)


def linked(tr: NullTranslations, address: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Your LINE is now linked to your household record: %(address)s") % {"address": address},
                     quick=quick)


def link_approved(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Approved. The household's LINE is now linked to its record."), quick=quick)


def bad_link_code(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("That code is not valid or has expired. Ask your community leader for a new one."),
                     quick=quick)


def link_code_throttled(tr: NullTranslations, paused: bool, quick: list[Message]) -> list[Message]:
    """Too many wrong codes from this chat, or (``paused``) from everyone together."""
    _ = tr.gettext
    if paused:
        return line.text(_("Linking by code is paused for a while because many wrong codes were sent. Please try "
                           "again in an hour, or ask your community leader to link your LINE when you meet."),
                         quick=quick)
    return line.text(_("Too many wrong codes were sent. Please try again in an hour, or ask your community leader "
                       "to link your LINE when you meet."), quick=quick)


def codes_guessed(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Someone has sent several wrong link codes. If a household could not link with the code "
                       "you gave, offer a new one when you meet: a new code cancels the old one."))


def identity_unproven(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Not approved: the name they typed is not a member of this household. Meet them, check "
                       "who they are, and tap \"Link their LINE\" to give them a code."), quick=quick)


def my_data(tr: NullTranslations, language: str, view: HouseholdView, questionnaire: Questionnaire,
            consents: list[tuple[str, str]]) -> list[Message]:
    _ = tr.gettext
    lines = [_("Address: %(address)s") % {"address": view.address},
             _("Area: %(area)s") % {"area": area_name(view.village_code, language)},
             _("Status: %(status)s") % {"status": _(STATUS.get(view.status, view.status))}]
    if view.poverty_group:
        lines.append(_("Group: %(group)s") % {"group": group_name(questionnaire, view.poverty_group, language)})
    for member in view.members:
        details = [_(RELATION.get(member.relation, member.relation))]
        if member.masked_id:
            details.append(member.masked_id)
        lines.append(f"{member.name} ({', '.join(details)})")
    for scope, decision in consents:
        lines.append(_("Consent (%(scope)s): %(decision)s") % {"scope": scope, "decision": decision})
    card = line.bubble(_("What Kaejon keeps about you"), lines, buttons=[
        line.postback_action(_("Ask to correct"), postback.encode("req", k="correct"),
                             display_text=_("Ask to correct")),
        line.postback_action(_("Ask to delete"), postback.encode("req", k="erase"), display_text=_("Ask to delete"))])
    return [line.flex(_("What Kaejon keeps about you"), card)]


def request_received(tr: NullTranslations, language: str, due, quick: list[Message]) -> list[Message]:  # type: ignore[no-untyped-def]
    _ = tr.gettext
    return line.text(_("Your request was sent to the coordinator of your area, who will answer by %(date)s.") % {
        "date": format_date(due, language)}, quick=quick)


def not_linked(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Your LINE is not linked to a household record yet. Your community leader can link it "
                       "when you meet."), quick=quick)


def saved_photo(tr: NullTranslations, count: int) -> list[Message]:
    _ = tr.gettext
    return line.text(tr.ngettext("Photo saved (%(count)d in all).", "Photo saved (%(count)d in all).", count) % {
        "count": count})


def saved_location(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Location saved."))


def ask_what_to_find(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Which household? Type a member's name, a house number and village (e.g. 12 Moo 5), "
                       "a citizen ID or a phone number."))


def nothing_found(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("No household in your area matches that. Type a member's name, a house number and "
                       "village (e.g. 12 Moo 5), a citizen ID or a phone number again."))


def found_households(tr: NullTranslations, language: str, total: int, households: list[HouseholdView],
                     offset: int, *, quick: list[Message]) -> list[Message]:
    """A page of households found, each opening its card; "more" while more are left."""
    _ = tr.gettext
    bubbles = [household_bubble(tr, language, view) for view in households[:PAGE_SIZE]]
    shown = offset + len(bubbles)
    if total > shown:
        bubbles.append(line.bubble(_("More households"), [_("%(count)d more") % {"count": total - shown}],
                                   buttons=[line.postback_action(_("Next page"),
                                                                 postback.encode("find_more", o=shown))]))
    heading = tr.ngettext("%(count)d household found", "%(count)d households found", total) % {"count": total}
    return [*line.text(heading), line.flex(heading, line.carousel(bubbles), quick=quick)]
