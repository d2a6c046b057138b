"""What the bot says when a chat starts, and when it cannot follow."""
from __future__ import annotations

from babel.support import NullTranslations

from messages import line, postback
from messages.line import Message


def welcome(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(
        _("Welcome to Kaejon.\n"
          "Here you can check the welfare you are entitled to, ask for help and follow your "
          "requests. Community leaders and agency staff work with you here too.\n"
          "Tap a button below to begin."),
        quick=quick,
    )


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
