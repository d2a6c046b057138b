"""The PDPA notice and the answers to it."""
from __future__ import annotations

from babel.support import NullTranslations

from messages import line, postback
from messages.line import Message


def notice(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    card = line.bubble(
        _("Your data and your rights"),
        [
            _("Purpose: to check your welfare rights, answer your requests for help and follow them up."),
            _("Who sees it: the community leaders and agency staff of your area who work on your case."),
            _("Your rights: see, correct or take away your data, or ask us to delete it, at any time "
              "under “My data”."),
            _("If you decline you can still check rights without giving your name; nothing personal is kept."),
        ],
        subtitle=_("Personal Data Protection Act"),
        buttons=[
            line.postback_action(_("I agree"), postback.encode("consent", v="yes"), display_text=_("I agree")),
            line.postback_action(_("No, thank you"), postback.encode("consent", v="no"),
                                 display_text=_("No, thank you")),
        ],
    )
    return [line.flex(_("Your data and your rights"), card)]


def accepted(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Thank you. You can change your mind at any time under “My data”."), quick=quick)


def declined(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Understood. We keep nothing personal about you. You can still check rights "
                       "without giving your name."), quick=quick)


def needed(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("This needs your agreement to keep your data first."), quick=[
        line.postback_action(_("Read and decide"), postback.encode("notice"), display_text=_("Read and decide"))])


def confirm_withdraw(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Withdraw your consent? From then on nothing new about you is collected or used, and you "
                       "cannot ask for help in this chat until you agree again. What is kept already stays until "
                       "you ask to delete it under \u201cMy data\u201d."), quick=[
        line.postback_action(_("Withdraw"), postback.encode("cwithdraw", ok=1), display_text=_("Withdraw")),
        line.postback_action(_("Keep my consent"), postback.encode("my_data"), display_text=_("Keep my consent"))])


def withdrawn(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Your consent is withdrawn and this has been recorded. We will ask you again before "
                       "anything personal. You can still check rights without giving your name."), quick=quick)


def not_given(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("There is no consent of yours to withdraw: it was already withdrawn or not given."),
                     quick=quick)
