"""What a person is told when a use case refuses for a reason of the request itself (not
"not for you"): the step no longer fits, something is missing. Each in plain words."""
from __future__ import annotations

from datetime import timezone

from babel.support import NullTranslations

from casework.errors import AlreadyDone
from casework.thai_time import THAILAND
from messages.dates import format_date

from messages import line
from messages.i18n import N_
from messages.line import Message

REASONS = {
    "not_allowed": N_("That cannot be done now: it has moved on since. Open it again to see where it stands."),
    "already_referred": N_("This case is already referred for that service."),
    "no_service": N_("That agency does not handle this service."),
    "bad_service": N_("That service is not known. Please choose again."),
    "not_waiting_for_consent": N_("This referral no longer waits for the household's answer."),
    "not_a_group": N_("A group is registered from inside the group chat."),
    "needs_note": N_("A reason is needed."),
    "needs_reason": N_("A reason is needed."),
    "bad_outcome": N_("Please choose how it ended from the buttons."),
    "bad_choice": N_("Please choose from the buttons."),
    # A repeated tap of something done: said with who and when (``already_done``).
    "already_submitted": N_("This check was already submitted."),
    "already_confirmed": N_("This check was already confirmed: the household is verified."),
    "already_approved": N_("This household's LINE was already linked."),
    "already_returned": N_("This check was already returned to the person who did it, with a note."),
    "already_handled": N_("This request was already marked done."),
    # Checks, links and merges are done by someone outside the household, a check's second person is not its first.
    "own_household": N_("This is your own household: another leader or the coordinator checks, confirms and "
                        "links it."),
    "own_check": N_("You did this check yourself: another leader or the coordinator confirms it."),
    "own_assessment": N_("You did this check yourself: another leader or the coordinator confirms it."),
    "merge_verified": N_("A verified household is kept: merge the other record into it instead."),
    "not_awaiting_review": N_("This check no longer waits for confirmation. Open it again to see where it stands."),
    "not_checkable": N_("This household cannot be checked now: its check already waits for confirmation."),
    "not_verified": N_("The household is not verified yet: its check must be confirmed first."),
    "case_changed": N_("Someone else changed this request since you opened it. Open it again to see where it "
                       "stands."),
    "referral_changed": N_("Someone else changed this referral since you opened it. Open it again to see where it "
                           "stands."),
    "already_linked": N_("Your LINE is already linked to a household record."),
    "registration_pending": N_("Your registration already waits for your community leader."),
    "too_many_registrations": N_("Too many registrations from this LINE. Please ask your community leader."),
    "identity_unproven": N_("The name given is not a member of this household. Meet them and offer a link code "
                            "instead."),
    "not_requested": N_("This link request was already answered."),
    "bad_link_code": N_("That code is not valid or has expired. Ask your community leader for a new one."),
    "unknown": N_("That invite code is not known. Check it and send it again."),
    "used": N_("That invite code has already been used."),
    "expired": N_("That invite code has expired. Ask for a new one."),
    "bad_role": N_("That role is not known."),
    "bad_area": N_("That area is not known. Please choose again."),
    "no_agency": N_("Agency staff need their agency named."),
    "bad_kind": N_("That kind of agency is not known."),
    "bad_village": N_("That village is not known or its code does not fit the area."),
    "incomplete": N_("Some answers are still missing. Please finish them first."),
    "bad_answer": N_("Please answer with the buttons."),
    "bad_location": N_("That location could not be read. Please send it again with the location button."),
    "bad_field": N_("That detail cannot be changed here. Please choose from the buttons."),
    "bad_value": N_("That value does not fit. Please type it again."),
    "bad_text": N_("That text cannot be used. Please type it again."),
    "bad_phone": N_("That phone number does not look right. Please type it again, for example 0812345678."),
    "no_sensitive_consent": N_("The household has not agreed to record health and disability details, so this "
                               "is not kept."),
    "needs_sensitive_consent": N_("The household has not agreed to record health and disability details, so "
                                  "this is not kept."),
    "citizen_id_format": N_("A citizen ID has 13 digits. Please type it again."),
    "citizen_id_check_digit": N_("That citizen ID has a wrong digit. Please check the 13 digits on the card."),
    "not_a_number": N_("Please type a number."),
    "negative": N_("The number cannot be below zero. Please type it again."),
    "too_large": N_("That number is too large. Please check it."),
    "not_a_date": N_("That is not a date. Please type it as day/month/year."),
    "birth_in_future": N_("A birth date cannot be in the future. Please type it again."),
    "too_old": N_("That birth date is too long ago. Please check the year."),
    "future_date": N_("That date is in the future. Please choose a date up to today."),
    "past_date": N_("That date has passed. Please choose a later date."),
    "too_far": N_("That date is too far ahead. Please choose a nearer date."),
    "empty": N_("Nothing was written yet. Please type a few words."),
    "empty_query": N_("Please type a name, a house number, a phone or a citizen ID to search."),
    "too_long": N_("That is too long. Please make it shorter."),
    "too_many": N_("Too many at once. Please wait a while and try again."),
    "too_many_photos": N_("No more photos can be added here."),
    "bad_need": N_("Please choose the help needed from the buttons."),
    "choose_need": N_("Please choose the help needed first."),
    "bad_origin": N_("Where this request came from is not known."),
    "bad_note": N_("That note cannot be used. Please type a short note."),
    "bad_request": N_("That request is not known. Please choose from the buttons."),
    "no_request": N_("There is no such request waiting."),
    "not_open": N_("This request is already closed."),
    "not_kept": N_("Nothing was kept yet. Please start again."),
    "bad_item": N_("That step is not in this plan. Open the plan again."),
    "not_draft": N_("This plan is already approved and can no longer be changed."),
    "nothing_kept": N_("The plan has no steps yet. Add one first."),
    "bad_programme": N_("That welfare programme is not known. Please choose from the buttons."),
    "bad_status": N_("Please choose the status from the buttons."),
    "bad_email": N_("That does not look like an email address. Please type it again, like name@example.go.th."),
    "bad_channel": N_("Please choose LINE or email from the buttons."),
}
FALLBACK = N_("That cannot be done now. Open it again to see where it stands.")


def explain(tr: NullTranslations, reason: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_(REASONS.get(reason, FALLBACK)), quick=quick)


def already_done(tr: NullTranslations, language: str, done: AlreadyDone, quick: list[Message]) -> list[Message]:
    """A repeated tap: what was done, by whom and when (Thai dates in the Buddhist era)."""
    _ = tr.gettext
    words = _(REASONS.get(done.reason, FALLBACK))
    if done.at is not None:
        at = done.at if done.at.tzinfo is not None else done.at.replace(tzinfo=timezone.utc)
        at = at.astimezone(THAILAND)
        when = {"date": format_date(at, language), "time": f"{at:%H:%M}"}
        if done.mine:
            words += "\n" + _("You did it on %(date)s at %(time)s.") % when
        else:
            words += "\n" + _("Done by %(name)s on %(date)s at %(time)s.") % {
                "name": done.by or _("someone else"), **when}
    return line.text(words, quick=quick)
