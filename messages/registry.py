"""Households as leaders, reviewers and households themselves see them in chat."""
from __future__ import annotations

from collections.abc import Sequence

from babel.support import NullTranslations

from casework import areas
from casework.questionnaire import Question, Questionnaire, Result, text_in
from casework.registry import HouseholdView, LinkRequest
from casework.thai_time import THAILAND
from casework.usecases.privacy import Decided
from casework.usecases.reviews import ToReview
from messages import line, postback
from messages.dates import format_date, format_moment
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


def house_title(tr: NullTranslations, view: HouseholdView) -> str:
    """``House 12, Moo 5 Ban Non Sawan``: how people find a house in a village."""
    _ = tr.gettext
    if not view.house_no:
        return view.address or _("(no address)")
    return _("House %(house_no)s, Moo %(moo)d %(village)s") % {
        "house_no": view.house_no, "moo": int(view.village_code[6:] or 0), "village": view.village_name}


SCALE = (N_("very low"), N_("low"), N_("fair"), N_("good"))  # one word for each band of a 1-4 score
TOP_SCORE = 4


def score_bar(value: float) -> str:
    """``●●○○``: filled circles for the score, out of 4."""
    filled = max(0, min(TOP_SCORE, int(value + 0.5)))
    return "●" * filled + "○" * (TOP_SCORE - filled)


def score_word(tr: NullTranslations, questionnaire: Questionnaire, value: float) -> str:
    """The band a score falls in, by the questionnaire's own cut-offs (very low … good)."""
    index = next((i for i, band in enumerate(questionnaire.groups) if value <= band.up_to),
                 len(questionnaire.groups) - 1)
    return tr.gettext(SCALE[min(index, len(SCALE) - 1)])


def capital_line(tr: NullTranslations, language: str, questionnaire: Questionnaire, name: dict[str, str],
                 value: float) -> str:
    """``Human capital ●●○○ low (2.0 of 4)``: a scale the reader sees at a glance."""
    return tr.gettext("%(capital)s %(bar)s %(word)s (%(score).1f of 4)") % {
        "capital": text_in(name, language), "bar": score_bar(value), "word": score_word(tr, questionnaire, value),
        "score": value}


def household_bubble(tr: NullTranslations, language: str, view: HouseholdView) -> Message:
    """A household in a list: the house and village, the head's name (masked), status and
    size, a button opening its card."""
    _ = tr.gettext
    head = [_("Head: %(name)s") % {"name": view.head}] if view.head else []
    return line.bubble(house_title(tr, view).strip(),
                       [*head, _(STATUS.get(view.status, view.status)),
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
             household_id: int, number: int, total: int, earlier: int | None = None) -> list[Message]:
    """One question with its options as buttons; ``earlier``, the score of the answer just
    undone with Back, is named so the leader sees what she is changing."""
    _ = tr.gettext
    capital = dict(questionnaire.capitals)[item.capital]
    choices = [
        line.postback_action(text_in(option.label, language),
                             postback.encode("ans", id=household_id, q=item.key, v=option.score),
                             display_text=text_in(option.label, language))
        for option in item.options
    ]
    if number > 1:
        choices.append(line.postback_action(_("Back"), postback.encode("back", id=household_id),
                                            display_text=_("Back")))
    choices.append(line.postback_action(_("Pause"), postback.encode("pause"), display_text=_("Pause")))
    heading = _("Question %(number)d of %(total)d · %(capital)s") % {
        "number": number, "total": total, "capital": text_in(capital, language)}
    hint = _("You may also type a note for the person who confirms the check.") if number == 1 else ""
    was = next((option for option in item.options if option.score == earlier), None)
    before = _("Answered before: %(answer)s") % {"answer": text_in(was.label, language)} if was else ""
    return line.text("\n".join(filter(None, (heading, text_in(item.text, language), before, hint))), quick=choices)


def note_kept(tr: NullTranslations, count: int) -> list[Message]:
    _ = tr.gettext
    return line.text(tr.ngettext("Note kept with the check (%(count)d note); the person who confirms it will "
                                 "read it.", "Note kept with the check (%(count)d notes); the person who confirms "
                                 "it will read it.", count) % {"count": count})


def tap_a_button(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Please answer with one of the buttons below."))


def summary(tr: NullTranslations, language: str, questionnaire: Questionnaire, result: Result,
            household_id: int) -> list[Message]:
    _ = tr.gettext
    lines = [capital_line(tr, language, questionnaire, name, result.scores[key])
             for key, name in questionnaire.capitals]
    lines.append(_("Average: %(bar)s %(word)s (%(mean).2f of 4)") % {
        "bar": score_bar(result.mean_score), "word": score_word(tr, questionnaire, result.mean_score),
        "mean": result.mean_score})
    lines.append(_("Group: %(group)s") % {"group": group_name(questionnaire, result.group, language)})
    card = line.bubble(_("Check complete"), lines, buttons=[
        line.postback_action(_("Send to confirm"), postback.encode("submit", id=household_id),
                             display_text=_("Send to confirm")),
        line.postback_action(_("Back"), postback.encode("back", id=household_id), display_text=_("Back")),
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
        lines = [_("Checked by %(name)s on %(date)s") % {
            "name": item.assessor or _("(name unknown)"),
            "date": format_moment(item.submitted_at, language) if item.submitted_at else "-"}]
        for key, name in questionnaire.capitals:
            lines.append(capital_line(tr, language, questionnaire, name, item.scores.get(key, 0)))
            for question_ in questionnaire.questions:
                if question_.capital == key and question_.key in item.answers:
                    chosen = next((option for option in question_.options
                                   if option.score == item.answers[question_.key]), None)
                    lines.append("  · " + _("%(question)s: %(answer)s") % {
                        "question": text_in(question_.text, language),
                        "answer": text_in(chosen.label, language) if chosen else item.answers[question_.key]})
        lines.append(_("Group: %(group)s") % {"group": group_name(questionnaire, item.group, language)})
        for note in item.field_notes:
            lines.append(_("Field note: %(note)s") % {"note": note})
        bubbles.append(line.bubble(house_title(tr, item.view), lines,
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


def my_data(tr: NullTranslations, language: str, view: HouseholdView, consents: Sequence[Decided]
            ) -> list[Message]:
    """What Kaejon keeps about the household, in plain words. The household's poverty group
    is not shown here: it is the leaders' working label, and read about oneself it can hurt."""
    _ = tr.gettext
    lines = [_("Address: %(address)s") % {"address": view.address},
             _("Area: %(area)s") % {"area": area_name(view.village_code, language)},
             _("Status: %(status)s") % {"status": _(STATUS.get(view.status, view.status))}]
    for member in view.members:
        details = [_(RELATION.get(member.relation, member.relation))]
        if member.masked_id:
            details.append(member.masked_id)
        lines.append(f"{member.name} ({', '.join(details)})")
    agreed = False
    for decided in consents:
        said = CONSENT_WORDS.get((decided.scope, decided.decision))
        if said:
            lines.append(_(said) % {"date": format_date(decided.at.astimezone(THAILAND), language, short=True)})
        agreed = agreed or (decided.scope, decided.decision) == ("personal", "accepted")
    buttons = [line.postback_action(_("Ask to correct"), postback.encode("req", k="correct"),
                                    display_text=_("Ask to correct")),
               line.postback_action(_("Ask to delete"), postback.encode("req", k="erase"),
                                    display_text=_("Ask to delete"))]
    if agreed:
        buttons.append(line.postback_action(_("Withdraw consent"), postback.encode("cwithdraw"),
                                            display_text=_("Withdraw consent")))
    else:
        buttons.append(line.postback_action(_("Read and decide"), postback.encode("notice"),
                                            display_text=_("Read and decide")))
    card = line.bubble(_("What Kaejon keeps about you"), lines, buttons=buttons)
    return [line.flex(_("What Kaejon keeps about you"), card)]


# Consent decisions as the person reads them about themselves.
CONSENT_WORDS = {
    ("personal", "accepted"): N_("You agreed to the privacy notice on %(date)s."),
    ("personal", "declined"): N_("You declined the privacy notice on %(date)s."),
    ("personal", "withdrawn"): N_("You withdrew your consent on %(date)s. Nothing new is collected until you "
                                  "agree again."),
    ("sensitive", "accepted"): N_("Your household agreed on %(date)s that health and disability details may be "
                                  "recorded."),
    ("sensitive", "declined"): N_("Your household did not agree to health and disability details being recorded "
                                  "(%(date)s)."),
}


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
