"""The menus: one definition per role, from which both the rich menu (the panel of big
buttons under the chat, drawn by ``bot.line.richmenu``) and the quick-reply menu under
each message are built, so the two cannot drift; and the pages the menu leads to.

A person's quick replies are the entries of each of their roles, then the entries for
everyone. A rich menu shows the first ``RICH_MENU_SIZE`` entries of its role and the
Menu button. A tapped entry sends a postback (``a=rights``) that the bot routes by
name; typing an entry's label works like tapping it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel.support import NullTranslations

from messages import line, postback
from messages.i18n import N_, available_languages, language_name
from messages.line import MAX_QUICK_REPLY_ITEMS, Message

# White text on these is at least 7:1 (WCAG AAA), for elderly eyes in sunlight.
BLUE, RED, GREEN, PURPLE = "#0D47A1", "#A61B1B", "#1B5E20", "#5B2A86"
TEAL, BROWN, GREY = "#00595C", "#7A3E00", "#37474F"


@dataclass(frozen=True)
class Entry:
    """One menu entry: the postback action it sends, its label (an English msgid), the
    colour of its rich-menu tile. An entry ``coming`` is still being built: its tile on
    the rich menu (whose picture changes only at a sync) says so when tapped, and quick
    replies leave it out. Its ``icon`` is drawn with the label on the tile, as LINE
    Official Accounts' menus do, so a person who reads little can find it by the picture."""

    action: str
    label: str
    colour: str = GREY
    coming: bool = False
    icon: str = "apps"  # a Material Icons name drawn above the label on the tile (bot/line/richmenu_images.ICONS)


MENU = Entry("menu", N_("Menu"), GREY, icon="apps")
RICH_MENU_SIZE = 5  # entries on a rich menu besides Menu: at most three rows of two

ROLE_MENUS: dict[str, tuple[Entry, ...]] = {
    "household": (
        Entry("rights", N_("My rights"), BLUE, icon="volunteer_activism"),
        Entry("help_request", N_("Ask for help"), RED, icon="support_agent"),
        Entry("my_requests", N_("My requests"), GREEN, icon="receipt_long"),
        Entry("my_data", N_("My data"), PURPLE, icon="badge"),
    ),
    "leader": (
        Entry("pending", N_("Households to verify"), BROWN, icon="fact_check"),
        Entry("review", N_("To confirm"), TEAL, icon="task"),
        Entry("open_cases", N_("Open requests"), RED, icon="inbox"),
        Entry("register", N_("Register a household"), GREEN, icon="add_home"),
        Entry("find", N_("Find a household"), BLUE, icon="person_search"),
        Entry("notify", N_("My digest"), GREY, icon="list_alt"),
    ),
    "coordinator": (
        Entry("area", N_("My area"), BLUE, coming=True, icon="map"),
        Entry("review", N_("To confirm"), TEAL, icon="task"),
        Entry("tasks", N_("Data requests"), RED, icon="assignment"),
        Entry("audit", N_("Changes log"), PURPLE, icon="history"),
        Entry("pending", N_("Households to verify"), BROWN, icon="fact_check"),
        Entry("find", N_("Find a household"), BLUE, icon="person_search"),
        Entry("open_cases", N_("Open requests"), RED, icon="inbox"),
        Entry("add_village", N_("Add a village"), GREEN, icon="add_location_alt"),
        Entry("area_referrals", N_("Referrals in my area"), TEAL, icon="forward_to_inbox"),
        Entry("notify", N_("My digest"), GREY, icon="list_alt"),
    ),
    "agency": (
        Entry("referrals", N_("Referrals"), TEAL, icon="forward_to_inbox"),
        Entry("notify", N_("My digest"), GREY, icon="list_alt"),
    ),
    # Someone Kaejon does not know yet; LINE shows them the household's rich menu.
    "guest": (
        Entry("rights", N_("My rights"), BLUE, icon="volunteer_activism"),
        Entry("register_self", N_("Register household"), GREEN, icon="add_home"),
    ),
    # Someone who registered their household and waits for their leader to link their LINE.
    "registered": (
        Entry("rights", N_("My rights"), BLUE, icon="volunteer_activism"),
        Entry("reg", N_("My registration"), GREEN, icon="add_home"),
    ),
}
EVERYONE = (
    Entry("about", N_("About Kaejon"), icon="info"),
    Entry("help", N_("How to use"), icon="help"),
    Entry("language", N_("Language"), icon="translate"),
)
STAFF_ORDER = ("leader", "coordinator", "agency")
RICH_MENU_ROLES = ("household", "leader", "coordinator", "agency")  # the household's is LINE's default


def menu_roles(roles: Iterable[str], *, linked: bool, registered: bool = False) -> list[str]:
    """The menus a person gets: their staff roles, the household's if their LINE is linked
    to one, and if neither the menu of one who ``registered`` a household (and waits for
    their leader), else the guest's."""
    held = set(roles)
    chosen = [role for role in STAFF_ORDER if role in held] + (["household"] if linked else [])
    return chosen or ["registered" if registered else "guest"]


def group_quick_menu(tr: NullTranslations, *, registered: bool) -> list[Message]:
    """A group chat's quick replies, which everyone in it sees: what shows no one's data, and
    "Register this group" until an agency's staff member has."""
    _ = tr.gettext
    register = [] if registered else [line.postback_action(_("Register this group"), postback.encode("rgroup"),
                                                           display_text=_("Register this group"))]
    return register + [line.postback_action(_(entry.label), postback.encode(entry.action),
                                            display_text=_(entry.label)) for entry in EVERYONE]


def quick_menu(tr: NullTranslations, roles: Iterable[str], *, linked: bool, registered: bool = False
               ) -> list[Message]:
    """The quick-reply menu of a person with these roles."""
    _ = tr.gettext
    entries = _unique(entry for role in menu_roles(roles, linked=linked, registered=registered)
                      for entry in ROLE_MENUS[role])
    shown = [entry for entry in (*entries, *EVERYONE) if not entry.coming][:MAX_QUICK_REPLY_ITEMS]
    return [line.postback_action(_(entry.label), postback.encode(entry.action), display_text=_(entry.label))
            for entry in shown]


def rich_menu_rows(role: str) -> list[list[Entry]]:
    """A role's rich menu, top row first: three buttons fit one row of the compact menu;
    more go two to a row on the large one, the last row alone if odd."""
    buttons = [*ROLE_MENUS[role][:RICH_MENU_SIZE], MENU]
    if len(buttons) <= 3:
        return [buttons]
    return [buttons[start:start + 2] for start in range(0, len(buttons), 2)]


def typed_action(tr: NullTranslations, words: str) -> str | None:
    """People type an entry's label too (or "menu"), in their language or in English."""
    typed = words.strip().casefold()
    for entry in (MENU, *EVERYONE, *(entry for entries in ROLE_MENUS.values() for entry in entries)):
        if typed in {tr.gettext(entry.label).casefold(), entry.label.casefold()}:
            return entry.action
    return None


def _unique(entries: Iterable[Entry]) -> list[Entry]:
    first: dict[str, Entry] = {}
    for entry in entries:
        first.setdefault(entry.action, entry)
    return list(first.values())


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


# "How to use" for each role: what its buttons do. An operator works at the command line.
ROLE_HELP = {
    "guest": N_("- My rights: answer a few questions to see the welfare you may receive.\n"
                "- Register household: ask your community leader to add your household, then link your LINE."),
    "registered": N_("- My rights: answer a few questions to see the welfare you may receive.\n"
                     "- My registration: where your registration stands. Your community leader will visit, then "
                     "link your LINE to your household; you can then ask for help and follow your requests."),
    "household": N_("- My rights: the welfare your household may receive.\n"
                    "- Ask for help: send a request to your community leader, with words, photos or your "
                    "location.\n"
                    "- My requests: what happened to each request.\n"
                    "- My data: what Kaejon keeps about your household; ask to correct or delete it."),
    "leader": N_("For community leaders:\n"
                 "- Households to verify: open a household, tap \"Start the check\" on site and answer the "
                 "questions with the household; send photos and the location during the check.\n"
                 "- To confirm: confirm the checks other leaders submitted, or return one with a note. Nobody "
                 "confirms their own check, nor checks their own household.\n"
                 "- Open requests: answer households' requests for help and make their plans.\n"
                 "- Register a household, Find a household: by house number, name, phone or citizen ID.\n"
                 "- Link a household's LINE from its card: show the code, the household sends it."),
    "coordinator": N_("For coordinators:\n"
                      "- To confirm: checks waiting for a second person in your area.\n"
                      "- Requests to handle: households' requests to correct or delete their data, within 30 "
                      "days.\n"
                      "- Changes log: who changed what in your area.\n"
                      "- Add a village, Referrals in my area: villages to work in, referrals no agency "
                      "covers."),
    "agency": N_("For agency staff:\n"
                 "- Referrals: your agency's referrals, overdue first. Open one to accept or decline it, give "
                 "an update or say it is complete.\n"
                 "- In your agency's LINE group, tap \"Register this group\" to hear of new referrals there."),
    "operator": N_("For operators, at the command line:\n"
                   "- kaejon invite --role ROLE --area CODE --name NAME: a one-time code that makes a leader, "
                   "coordinator or agency staff member when they send it in chat.\n"
                   "- kaejon agency load FILE, kaejon village add: agencies and villages.\n"
                   "- kaejon import households FILE: survey lists of households.\n"
                   "- kaejon richmenu sync: the menus under the chat.\n"
                   "Each command's --help says more."),
}
HOTLINES = N_("Tap the buttons under the messages instead of typing; they are the quickest way.\n\n"
              "Need help now?\n"
              "- Social assistance hotline (Ministry of Social Development and Human Security): 1300\n"
              "- Health coverage hotline (National Health Security Office): 1330")


def how_to_use(tr: NullTranslations, roles: Iterable[str], *, linked: bool = False, registered: bool = False) -> str:
    """What this person's buttons do, role by role (a guest's if they hold none)."""
    _ = tr.gettext
    held = ["operator"] if "operator" in set(roles) else menu_roles(roles, linked=linked, registered=registered)
    return "\n\n".join(_(ROLE_HELP[role]) for role in held if role in ROLE_HELP)


def help_page(tr: NullTranslations, quick: list[Message], roles: Iterable[str] = (), *,
              linked: bool = False, registered: bool = False) -> list[Message]:
    _ = tr.gettext
    return line.text(how_to_use(tr, roles, linked=linked, registered=registered) + "\n\n" + _(HOTLINES),
                     quick=quick)


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
