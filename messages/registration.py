"""A household registering itself in chat, step by step."""
from __future__ import annotations

from babel.support import NullTranslations

from casework.areas import Area
from messages import line, postback
from messages.line import Message
from messages.registry import area_name


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


def registered(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Registered. Your community leader will visit to check the details and link your LINE to "
                       "the household."), quick=quick)


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


def leaders_notice(tr: NullTranslations, language: str, village_code: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_("A household in %(area)s registered itself in Kaejon. It is in your list of households "
                       "to verify.") % {"area": area_name(village_code, language)})


def _cancel(tr: NullTranslations) -> Message:
    _ = tr.gettext
    return line.postback_action(_("Cancel"), postback.encode("reg", cancel=1), display_text=_("Cancel"))
