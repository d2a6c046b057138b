"""Correcting a household's details on site, one field at a time."""
from __future__ import annotations

from datetime import datetime

from babel.support import NullTranslations

from casework.conditions import CHOICES
from casework.questionnaire import Questionnaire, text_in
from casework.registry import HouseholdView
from casework.thai_time import THAILAND
from messages import line, postback
from messages.dates import format_date
from messages.i18n import N_
from messages.line import Message

FIELDS = {
    "debt_baht": N_("Debts"), "savings_baht": N_("Savings"), "housing_condition": N_("House condition"),
    "land": N_("Land"), "water": N_("Farm water"), "income_baht_year": N_("Member's income"),
    "occupation": N_("Member's occupation"), "phone": N_("Member's phone"),
    "has_disability_card": N_("Disability card"), "health": N_("Chronic illness"),
}
PROBLEMS = {
    "not_a_number": N_("Please type a number, e.g. 12,000."),
    "negative": N_("An amount cannot be negative."),
    "too_large": N_("That amount is too large. Please check it."),
    "bad_text": N_("Please type a short answer."),
    "bad_phone": N_("A phone number has 9 or 10 digits."),
}


def choose_field(tr: NullTranslations, household_id: int, fields: list[str]) -> list[Message]:
    _ = tr.gettext
    choices = [line.postback_action(_(FIELDS[field]), postback.encode("fixf", id=household_id, f=field),
                                    display_text=_(FIELDS[field])) for field in fields]
    choices.append(line.postback_action(_("Done"), postback.encode("hh", id=household_id), display_text=_("Done")))
    return line.text(_("What needs correcting?"), quick=choices)


def choose_member(tr: NullTranslations, view: HouseholdView, field: str) -> list[Message]:
    _ = tr.gettext
    choices = [line.postback_action(member.name or str(member.person_id),
                                    postback.encode("fixf", id=view.id, f=field, p=member.person_id),
                                    display_text=member.name) for member in view.members[:12]]
    return line.text(_("Whose?"), quick=choices)


def choose_option(tr: NullTranslations, language: str, questionnaire: Questionnaire, household_id: int,
                  field: str) -> list[Message]:
    question = questionnaire.question(CHOICES[field][0])
    assert question is not None
    codes = CHOICES[field][1]
    choices = [line.postback_action(text_in(option.label, language),
                                    postback.encode("fixv", id=household_id, f=field, v=codes[option.score - 1]),
                                    display_text=text_in(option.label, language)) for option in question.options]
    return line.text(text_in(question.text, language), quick=choices)


def choose_yes_no(tr: NullTranslations, household_id: int, field: str, person_id: int) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Does this person hold a disability card?"), quick=[
        line.postback_action(_("Yes"), postback.encode("fixv", id=household_id, f=field, p=person_id, v="yes"),
                             display_text=_("Yes")),
        line.postback_action(_("No"), postback.encode("fixv", id=household_id, f=field, p=person_id, v="no"),
                             display_text=_("No"))])


def ask_value(tr: NullTranslations, field: str) -> list[Message]:
    _ = tr.gettext
    if field.endswith("_baht") or field == "income_baht_year":
        return line.text(_("Type the amount in baht."))
    if field == "phone":
        return line.text(_("Type the phone number."))
    if field == "health":
        return line.text(_("Type the chronic illness in a few words, or \"none\"."))
    return line.text(_("Type the new value."))


def problem(tr: NullTranslations, reason: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_(PROBLEMS.get(reason, PROBLEMS["bad_text"])))


def saved(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Saved."))


def needs_sensitive_consent(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Disability data can be recorded only after the household's explicit consent, given during "
                       "the check."))


# A household asking to correct its own data ------------------------------------------------

ASKED_FIELDS = {
    "name": N_("Name"), "birth_date": N_("Date of birth"), "citizen_id": N_("ID card number"),
    "phone": N_("Phone number"), "income": N_("Income"), "occupation": N_("Occupation"),
    "address": N_("Address"), "members": N_("Who lives here"), "other": N_("Something else"),
}
ASK_PROBLEMS = {
    "bad_value": N_("Please type the right value in a few words (up to 200 characters)."),
    "bad_choice": N_("Please choose from the buttons."),
}


def _ask_cancel(tr: NullTranslations) -> Message:
    _ = tr.gettext
    return line.postback_action(_("Cancel"), postback.encode("fixr", cancel=1), display_text=_("Cancel"))


def ask_whose(tr: NullTranslations, members: list[tuple[int, str]]) -> list[Message]:
    """Whose details are wrong: a member (masked name), or the household's own."""
    _ = tr.gettext
    choices = [line.postback_action(name, postback.encode("fixr", w=person_id), display_text=name)
               for person_id, name in members[:line.MAX_QUICK_REPLY_ITEMS - 2]]
    choices.append(line.postback_action(_("The household"), postback.encode("fixr", w=0),
                                        display_text=_("The household")))
    return line.text(_("What needs correcting? First, whose details are wrong?"), quick=[*choices, _ask_cancel(tr)])


def ask_which(tr: NullTranslations, fields: tuple[str, ...], whose: str | None) -> list[Message]:
    _ = tr.gettext
    choices = [line.postback_action(_(ASKED_FIELDS[field]), postback.encode("fixr", f=field),
                                    display_text=_(ASKED_FIELDS[field])) for field in fields]
    question = _("What is wrong about %(whose)s?") % {"whose": whose} if whose else _(
        "What is wrong about the household?")
    return line.text(question, quick=[*choices, _ask_cancel(tr)])


def ask_right_value(tr: NullTranslations, field: str) -> list[Message]:
    _ = tr.gettext
    if field == "other":
        text = _("Please type what is wrong and what is right.")
    else:
        text = _("Please type what is right for \u201c%(field)s\u201d.") % {"field": _(ASKED_FIELDS[field])}
    return line.text(text, quick=[_ask_cancel(tr)])


def ask_document(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("If a document shows it (an ID card, the house registration), you can send a photo of it. "
                       "Or tap \u201cSkip\u201d."), quick=[
        line.camera_action(_("Take a photo")), line.camera_roll_action(_("Choose a photo")),
        line.postback_action(_("Skip"), postback.encode("fixr", skip=1), display_text=_("Skip")), _ask_cancel(tr)])


def correction_summary(tr: NullTranslations, whose: str | None, field: str, value: str, photo: bool
                       ) -> list[Message]:
    """What will be sent, to check before sending."""
    _ = tr.gettext
    lines = [_("Whose: %(whose)s") % {"whose": whose or _("The household")},
             _("What: %(field)s") % {"field": _(ASKED_FIELDS[field])},
             _("Right value: %(value)s") % {"value": value},
             _("Photo of a document: %(photo)s") % {"photo": _("attached") if photo else _("none")}]
    card = line.bubble(_("Ask to correct your data"), lines, buttons=[
        line.postback_action(_("Send"), postback.encode("fixr", send=1), display_text=_("Send")),
        line.postback_action(_("Start again"), postback.encode("req", k="correct"), display_text=_("Start again")),
        _ask_cancel(tr)])
    return [line.flex(_("Ask to correct your data"), card)]


def ask_problem(tr: NullTranslations, reason: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_(ASK_PROBLEMS.get(reason, ASK_PROBLEMS["bad_choice"])))


def ask_cancelled(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Cancelled. Nothing was sent."), quick=quick)


def already_sent(tr: NullTranslations, language: str, sent_at: datetime, due_at: datetime,
                 handled_at: datetime | None, quick: list[Message]) -> list[Message]:
    """A second tap on "Send": the request went the first time, on that day; where it stands."""
    _ = tr.gettext

    def day(value: datetime) -> str:
        return format_date(value.astimezone(THAILAND), language)

    text = _("You already sent this request on %(date)s.") % {"date": day(sent_at)}
    if handled_at is not None:
        text += " " + _("The coordinator handled it on %(date)s.") % {"date": day(handled_at)}
    else:
        text += " " + _("The coordinator of your area will answer by %(date)s.") % {"date": day(due_at)}
    return line.text(text, quick=quick)


def request_handled(tr: NullTranslations, language: str, asked_at: datetime) -> list[Message]:
    """To the household: the coordinator handled the request to correct it sent that day."""
    _ = tr.gettext
    return line.text(_("The coordinator of your area has handled the request to correct your data that you sent "
                       "on %(date)s. Tap \u201cMy data\u201d to see what Kaejon keeps now.") % {
        "date": format_date(asked_at.astimezone(THAILAND), language)},
        quick=[line.postback_action(_("My data"), postback.encode("my_data"), display_text=_("My data"))])
