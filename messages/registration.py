"""A household registering itself in chat, step by step."""
from __future__ import annotations

from babel.support import NullTranslations

from casework.areas import Area
from casework.registry import HouseholdView
from messages import line, postback
from messages.handovers import open_household
from messages.line import Message
from messages.registry import STATUS, area_name


def ask_subdistrict(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Let's register your household. Your community leader will then visit to check it.\n"
                       "Which sub-district (tambon) do you live in? Type its name."),
                     quick=[_cancel(tr)])


def subdistrict_choices(tr: NullTranslations, language: str, found: list[Area]) -> list[Message]:
    _ = tr.gettext
    if not found:
        return line.text(_("I could not find that sub-district. Please type its name again."), quick=[_cancel(tr)])
    bubbles = [line.bubble(area.name_th if language == "th" else area.name_en, [area_name(area.code, language)],
                           buttons=[line.postback_action(_("This one"), postback.encode("reg", sd=area.code),
                                                         display_text=area_name(area.code, language))])
               for area in found[:10]]
    return [line.flex(_("Choose your sub-district"), line.carousel(bubbles), quick=[_cancel(tr)])]


def ask_village(tr: NullTranslations, villages: list[tuple[str, str]]) -> list[Message]:
    _ = tr.gettext
    choices = [line.postback_action(f"{int(code[6:])} {name}".strip(), postback.encode("reg", v=code),
                                    display_text=f"{int(code[6:])} {name}".strip()) for code, name in villages[:12]]
    return line.text(_("Which village (moo) number? Tap it or type the number."), quick=choices or None)


def ask_house_no(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("What is your house number?"), quick=[_cancel(tr)])


def ask_head(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("What is the name of the head of the household? Type first name and surname."),
                     quick=[_cancel(tr)])


def confirm(tr: NullTranslations, language: str, village_code: str, house_no: str, head: str) -> list[Message]:
    _ = tr.gettext
    card = line.bubble(_("Register this household?"), [
        _("House number: %(house_no)s") % {"house_no": house_no},
        _("Area: %(area)s") % {"area": area_name(village_code, language)},
        _("Head of household: %(name)s") % {"name": head}],
        buttons=[line.postback_action(_("Register"), postback.encode("reg", ok=1), display_text=_("Register")),
                 line.postback_action(_("Cancel"), postback.encode("reg", cancel=1), display_text=_("Cancel"))])
    return [line.flex(_("Register this household?"), card)]


def registered(tr: NullTranslations, quick: list[Message], *, similar: bool = False) -> list[Message]:
    _ = tr.gettext
    text = _("Registered. Your community leader will visit to check the details and link your LINE to "
             "the household.")
    if similar:
        text += "\n" + _("A household with the same head's name is already registered in this village: your "
                         "leader will check that it is not the same one.")
    return line.text(text, quick=quick)


def registered_by_leader(tr: NullTranslations, language: str, household_id: int, village_code: str,
                         house_no: str, similar: tuple[int, ...], quick: list[Message]) -> list[Message]:
    """The leader's own ending: the household waits for the check the leader does next."""
    _ = tr.gettext
    lines = [_("House number: %(house_no)s") % {"house_no": house_no},
             _("It waits for your on-site check. Link the household's LINE when you meet them.")]
    buttons = [line.postback_action(_("Start the check"), postback.encode("check", id=household_id),
                                    display_text=_("Start the check")),
               line.postback_action(_("Link their LINE"), postback.encode("link", id=household_id),
                                    display_text=_("Link their LINE"))]
    if similar:
        lines.append(_("Another household in this village has a member of this name: it may be the same one."))
        buttons.append(_compare(tr, similar[0], household_id))
    card = line.bubble(_("Household registered"), lines, subtitle=area_name(village_code, language),
                       buttons=buttons)
    return [line.flex(_("Household registered"), card, quick=quick)]


def _compare(tr: NullTranslations, keep_id: int, duplicate_id: int) -> Message:
    _ = tr.gettext
    return line.postback_action(_("Same household?"), postback.encode("hmerge", k=keep_id, d=duplicate_id),
                                display_text=_("Same household?"))


def standing(tr: NullTranslations, linked: bool, requested_on: str | None, quick: list[Message]) -> list[Message]:
    """A tap on a button of a registration that is over: what stands, nothing cancelled."""
    _ = tr.gettext
    if linked:
        text = _("Your LINE is linked to your household: there is nothing more to register.")
    elif requested_on is not None:
        text = _("Your registration of %(date)s stands and waits for your community leader.") % {
            "date": requested_on}
    else:
        text = _("That button belongs to a registration that is over. Nothing was changed.")
    return line.text(text, quick=quick)


def compare(tr: NullTranslations, language: str, keep: HouseholdView, duplicate: HouseholdView) -> list[Message]:
    _ = tr.gettext

    def lines(view: HouseholdView) -> list[str]:
        return [_("Status: %(status)s") % {"status": _(STATUS.get(view.status, view.status))},
                *(member.name for member in view.members)]

    keep_card = line.bubble(_("Keep: %(address)s") % {"address": keep.address or "-"}, lines(keep),
                            subtitle=area_name(keep.village_code, language))
    other = line.bubble(_("Merge into it: %(address)s") % {"address": duplicate.address or "-"}, lines(duplicate),
                        subtitle=area_name(duplicate.village_code, language), buttons=[
        line.postback_action(_("Merge the two"), postback.encode("hmerge", k=keep.id, d=duplicate.id, ok=1),
                             display_text=_("Merge the two")),
        line.postback_action(_("Keep both"), postback.encode("hmerge", k=keep.id, d=duplicate.id, no=1),
                             display_text=_("Keep both"))])
    return [line.flex(_("The same household?"), line.carousel([keep_card, other]))]


def merged(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Merged: one household now holds the members, requests and history of both."), quick=quick)


def kept_both(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Kept as two households."), quick=quick)


def invalid(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("That does not look right. Please try again."))


def cancelled(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Registration cancelled."), quick=quick)


def already_linked(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Your LINE is already linked to a household."), quick=quick)


def registration_pending(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Your registration is waiting for your community leader. You can register again once "
                       "they have answered it."), quick=quick)


def too_many_registrations(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("You have registered several households this month. Please ask your community leader to "
                       "register any other household."), quick=quick)


def no_such_village(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Kaejon does not know that village number in this sub-district."))


def leaders_notice(tr: NullTranslations, language: str, village_code: str, household_id: int,
                   similar: tuple[int, ...]) -> list[Message]:
    """To the area's leaders: a household registered itself; a button opens it, to check it."""
    _ = tr.gettext
    lines = [_("A household in %(area)s registered itself in Kaejon. It is in your list of households "
               "to verify.") % {"area": area_name(village_code, language)}]
    buttons = [open_household(tr, household_id)]
    if similar:
        lines.append(_("Another household in this village has a member of this name: it may be the same one."))
        buttons.append(_compare(tr, similar[0], household_id))
    return [line.flex(_("A household registered"), line.bubble(_("A household registered"), lines,
                                                              buttons=buttons))]


def _cancel(tr: NullTranslations) -> Message:
    _ = tr.gettext
    return line.postback_action(_("Cancel"), postback.encode("reg", cancel=1), display_text=_("Cancel"))
