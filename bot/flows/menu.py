"""The menu and the pages it leads to (about, how to use, language): the one flow
whose buttons also answer in a group chat, since they show no one's data.

A button's parameters came from the user's device and are checked like any other input.
"""
from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.context import EventContext
from casework import chats, rich_menus
from messages import greetings, menu
from messages.i18n import available_languages


def show_menu(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(menu.main_menu(ctx.tr, ctx.quick()))
    return "menu"


def show_about(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(menu.about(ctx.tr, ctx.quick()))
    return "about"


def show_help(ctx: EventContext, params: dict[str, str]) -> str:
    ctx.answer(menu.help_page(ctx.tr, ctx.quick(), ctx.actor.roles, linked=bool(ctx.actor.households),
                              registered=ctx.registered))
    return "help"


def choose_language(ctx: EventContext, params: dict[str, str]) -> str:
    choice = params.get("set")
    if choice is None:
        ctx.answer(menu.language_picker(ctx.tr))
        return "language_picker"
    if choice not in available_languages() or ctx.chat is None:
        ctx.answer(greetings.stale_button(ctx.tr, ctx.quick()))
        return "language_invalid"
    chats.set_language(ctx.chat, choice)
    if ctx.chat.kind == "user":
        role = menu.menu_roles(ctx.actor.roles, linked=bool(ctx.actor.households))[0]
        ctx.link_rich_menu(rich_menus.menu_id(ctx.uow.session, "household" if role == "guest" else role, choice))
    ctx.answer(menu.language_changed(ctx.tr, ctx.quick()))
    return "language_set"


def not_open_yet(ctx: EventContext, params: dict[str, str]) -> str:
    """Rich menu buttons for parts still being built answer honestly, not "stale button"."""
    ctx.answer(greetings.not_open_yet(ctx.tr, ctx.quick()))
    return "not_open_yet"


# Rich menu buttons of parts still being built.
COMING = tuple(entry.action for entries in menu.ROLE_MENUS.values() for entry in entries if entry.coming)

FLOWS = (
    Flow("menu", in_groups=True, actions={"menu": show_menu, "about": show_about, "help": show_help,
                                          "language": choose_language}),
    Flow("coming", actions={action: not_open_yet for action in dict.fromkeys(COMING)}),
)
