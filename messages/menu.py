"""The main menu and the pages it leads to.

The menu is a list of entries so later features add themselves to it; each
entry becomes a quick-reply button whose postback the bot routes by name.
"""
from __future__ import annotations

from dataclasses import dataclass

from babel.support import NullTranslations

from messages import line, postback
from messages.i18n import N_, available_languages, language_name
from messages.line import Message


@dataclass(frozen=True)
class MenuEntry:
    action: str
    label: str
    roles: frozenset[str] | None = None  # None: everyone


MAIN_MENU: list[MenuEntry] = [
    MenuEntry("pending", N_("Households to verify"), frozenset({"leader", "coordinator"})),
    MenuEntry("review", N_("To confirm"), frozenset({"leader", "coordinator"})),
    MenuEntry("open_cases", N_("Open requests"), frozenset({"leader", "coordinator"})),
    MenuEntry("tasks", N_("Requests to handle"), frozenset({"coordinator"})),
    MenuEntry("audit", N_("Changes log"), frozenset({"coordinator"})),
    MenuEntry("add_village", N_("Add a village"), frozenset({"coordinator"})),
    MenuEntry("rights", N_("My rights"), frozenset({"household", "guest"})),
    MenuEntry("help_request", N_("Ask for help"), frozenset({"household"})),
    MenuEntry("my_requests", N_("My requests"), frozenset({"household"})),
    MenuEntry("my_data", N_("My data"), frozenset({"household"})),
    MenuEntry("about", N_("About Kaejon")),
    MenuEntry("help", N_("How to use")),
    MenuEntry("language", N_("Language")),
    MenuEntry("register_self", N_("Register household"), frozenset({"guest"})),
]


def entries_for(roles: frozenset[str] | set[str]) -> list[MenuEntry]:
    return [entry for entry in MAIN_MENU if entry.roles is None or entry.roles & roles]


def menu_actions(tr: NullTranslations, roles: frozenset[str] | set[str] = frozenset()) -> list[Message]:
    _ = tr.gettext
    return [
        line.postback_action(_(entry.label), postback.encode(entry.action), display_text=_(entry.label))
        for entry in entries_for(roles)
    ]


def main_menu(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("What would you like to do? Tap a button below."), quick=quick)


def about(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    card = line.bubble(
        _("Kaejon"),
        [
            _("Kaejon helps households check the welfare they are entitled to, ask for help "
              "and follow what happens to their requests."),
            _("Community leaders and agency staff use it to find, verify and help households "
              "in their area, so that nobody falls through."),
            _("What you send is used only to serve you and is kept safe under the Personal "
              "Data Protection Act."),
        ],
        subtitle=_("Area-based poverty alleviation"),
        buttons=[line.postback_action(_("How to use"), postback.encode("help"), display_text=_("How to use"))],
    )
    return [line.flex(_("About Kaejon"), card, quick=quick)]


def help_page(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(
        _("Tap the buttons under the messages instead of typing; they are the quickest way.\n\n"
          "Need help now?\n"
          "- Social assistance hotline (Ministry of Social Development and Human Security): 1300\n"
          "- Health coverage hotline (National Health Security Office): 1330"),
        quick=quick,
    )


def language_picker(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    choices = [
        line.postback_action(language_name(code), postback.encode("language", set=code),
                             display_text=language_name(code))
        for code in available_languages()
    ]
    return line.text(_("Choose the language for our chat."), quick=choices)


def language_changed(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Done. I will write to you in this language."), quick=quick)
