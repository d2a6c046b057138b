"""The news handed over between people: a check waits for a second person, it was confirmed
or returned, a household linked its LINE by the leader's code, a household asks the
coordinator to correct or delete its data. Each is
built wholly in its recipient's language (the ``tr`` and ``language`` of their chat), with
a button to act."""
from __future__ import annotations

from datetime import date, datetime

from babel.support import NullTranslations

from casework.questionnaire import default as questionnaire
from messages import line, postback
from messages.dates import format_date
from messages.line import Message
from messages.registry import area_name, group_name
from messages.staff import TASK

TEAL, BROWN, GREEN = "#00595C", "#7A3E00", "#1B5E20"


def open_household(tr: NullTranslations, household_id: int) -> Message:
    _ = tr.gettext
    return line.postback_action(_("Open the household"), postback.encode("hh", id=household_id),
                                display_text=_("Open the household"))


def awaits_confirmation(tr: NullTranslations, language: str, assessment_id: int, address: str, village_code: str,
                        group: int) -> list[Message]:
    """To the area's coordinators (or the village's other leaders): a check waits for them."""
    _ = tr.gettext
    title = _("A check waits for your confirmation")
    card = line.bubble(title, [
        address or _("(no address)"),
        _("Group: %(group)s") % {"group": group_name(questionnaire(), group, language)},
        _("A second person confirms it, or returns it with a note.")],
        subtitle=area_name(village_code, language), accent=TEAL, buttons=[
            line.postback_action(_("Open the check"), postback.encode("review", id=assessment_id),
                                 display_text=_("Open the check"))])
    return [line.flex(title, card)]


def confirmed_to_assessor(tr: NullTranslations, language: str, household_id: int, address: str, group: int,
                          by: str) -> list[Message]:
    """To the leader who did the check: it was confirmed, the household is verified."""
    _ = tr.gettext
    title = _("Your check was confirmed")
    card = line.bubble(title, [
        address or _("(no address)"),
        _("Group: %(group)s") % {"group": group_name(questionnaire(), group, language)},
        _("Confirmed by %(name)s. The household is verified.") % {"name": by or _("someone else")}],
        accent=GREEN, buttons=[open_household(tr, household_id)])
    return [line.flex(title, card)]


def returned_to_assessor(tr: NullTranslations, language: str, household_id: int, address: str,
                         note: str) -> list[Message]:
    """To the leader who did the check: it came back with a note, to be checked again."""
    _ = tr.gettext
    title = _("Your check was returned")
    card = line.bubble(title, [
        _("A check you submitted was returned: %(address)s\nNote: %(note)s") % {"address": address, "note": note}],
        accent=BROWN, buttons=[
            line.postback_action(_("Check again"), postback.encode("check", id=household_id),
                                 display_text=_("Check again")),
            open_household(tr, household_id)])
    return [line.flex(title, card)]


def household_linked(tr: NullTranslations, language: str, household_id: int, address: str,
                     village_code: str) -> list[Message]:
    """To the leader whose code the household sent: its LINE is now linked to its record."""
    _ = tr.gettext
    title = _("A household linked its LINE")
    card = line.bubble(title, [
        address or _("(no address)"),
        _("The household sent your code: its LINE is now linked to its record, and it can ask for help "
          "and see its rights here.")],
        subtitle=area_name(village_code, language), accent=GREEN, buttons=[open_household(tr, household_id)])
    return [line.flex(title, card)]


def change_requested(tr: NullTranslations, language: str, kind: str, village_code: str,
                     due: datetime | date) -> list[Message]:
    """To the area's coordinators: a household asks to correct or erase its data."""
    _ = tr.gettext
    title = _("A household asks to correct or delete its data")
    card = line.bubble(title, [
        _("Request: %(kind)s") % {"kind": _(TASK.get(f"data_{kind}", kind))},
        _("Answer by %(date)s.") % {"date": format_date(due, language)}],
        subtitle=area_name(village_code, language), accent=BROWN, buttons=[
            line.postback_action(_("Open the requests"), postback.encode("tasks"),
                                 display_text=_("Open the requests"))])
    return [line.flex(title, card)]
