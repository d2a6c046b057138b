"""What the bot says when a chat starts, and when it cannot follow."""
from __future__ import annotations

from collections.abc import Iterable

from babel.support import NullTranslations

from messages import line, postback
from messages.i18n import N_
from messages.line import Message
from messages.menu import menu_roles

HOUSEHOLD_WELCOME = N_("Welcome to Kaejon.\n"
                       "Here you can check the welfare you are entitled to, ask for help and follow your "
                       "requests. Community leaders and agency staff work with you here too.\n"
                       "Tap a button below to begin.")
# What each role does here, said when it arrives (a follow, an invite redeemed).
ROLE_WELCOME = {
    "leader": N_("As a community leader you verify the households of your area on site, confirm the checks "
                 "other leaders made, answer households' requests for help and make their plans. You are told "
                 "here when a check of yours is confirmed or returned and when a household links its LINE."),
    "coordinator": N_("As a coordinator you confirm checks, handle households' requests to correct or delete "
                      "their data, read the changes log, add villages and follow the referrals of your area. You "
                      "are told here when a check waits for confirmation and when a household asks about its "
                      "data."),
    "agency": N_("As agency staff you receive the referrals sent to your agency: accept or decline each, and "
                 "say how it went. You are told here when a new referral arrives."),
}
STAFF_GREETING = N_("Welcome to Kaejon.")
STAFF_CLOSING = N_("Tap a button below to begin, or \"How to use\" to read more.")


def role_words(tr: NullTranslations, roles: Iterable[str]) -> list[str]:
    """What each staff role held does here, in the menu's order."""
    _ = tr.gettext
    return [_(ROLE_WELCOME[role]) for role in menu_roles(roles, linked=False) if role in ROLE_WELCOME]


def welcome(tr: NullTranslations, quick: list[Message], roles: Iterable[str] = ()) -> list[Message]:
    """The first words of a chat: a household's (or a guest's), or what this person's staff roles do."""
    _ = tr.gettext
    words = role_words(tr, roles)
    if not words:
        return line.text(_(HOUSEHOLD_WELCOME), quick=quick)
    return line.text("\n\n".join([_(STAFF_GREETING), *words, _(STAFF_CLOSING)]), quick=quick)


def group_welcome(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(
        _("Hello everyone. I am Kaejon. Agency staff: tap \"Register this group\" so that new referrals for "
          "your agency are announced here. Personal details are only shown in one-to-one chats."),
        quick=[line.postback_action(_("Register this group"), postback.encode("rgroup"),
                                    display_text=_("Register this group"))])


def not_understood(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Sorry, I did not understand that. Please choose from the buttons below."),
                     quick=quick)


def unsupported_message(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("I can only read text and buttons here for now. Please choose from the buttons below."),
                     quick=quick)


def stale_button(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("That button is no longer in use. Here is the menu again."), quick=quick)


def not_open_yet(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("This part of Kaejon is not open yet. Here is what you can do now."), quick=quick)


def one_to_one_only(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Personal details are shown only in your one-to-one chat with Kaejon. Please open it there."))
