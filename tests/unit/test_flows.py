"""The one registry of flows and button actions, and the one definition of each role's menu."""
from __future__ import annotations

import pytest

from bot.app import create_app
from bot.config import ConfigError, from_env
from bot.flows import DuplicateName, Flow, Flows, menu as menu_flow, registry
from bot.line import richmenu
from casework.conversations import Conversation, Frame, _nest, _unnest
from messages import menu, postback
from messages.i18n import translator
from tests.keys import TEST_KEYS


def noop(ctx, params):  # type: ignore[no-untyped-def]
    return "noop"


def test_a_flow_named_twice_is_refused_with_its_name():
    with pytest.raises(DuplicateName, match="two flows are named 'rights'"):
        Flows([Flow("rights"), Flow("rights")])


def test_a_button_action_of_two_flows_is_refused_with_both_names():
    with pytest.raises(DuplicateName, match="'hh' belongs to flow 'assess' and to flow 'other'"):
        Flows([Flow("assess", actions={"hh": noop}), Flow("other", actions={"hh": noop})])


def test_a_duplicate_action_stops_the_app_at_start(monkeypatch, tmp_path):
    monkeypatch.setattr(menu_flow, "FLOWS", (*menu_flow.FLOWS, Flow("shadow", actions={"about": noop})))
    settings = from_env({"DATABASE_URL": f"sqlite:///{tmp_path}/kaejon.db", "LINE_CHANNEL_SECRET": "s",
                         "LINE_CHANNEL_ACCESS_TOKEN": "t", **TEST_KEYS})
    with pytest.raises(ConfigError, match="chat flows: the button action 'about' belongs to flow 'menu' "
                                          "and to flow 'shadow'"):
        create_app(settings)


def test_the_shipped_flows_register_and_the_short_ones_are_those_that_wait_for_typed_words():
    flows = registry()
    # a leader's check takes typed words too, as a field note it does not wait for: not short
    assert set(flows.short()) == {flow.name for flow in flows if flow.text is not None} - {"assess"}
    assert "assess" not in flows.short()  # a leader's paused check is kept


@pytest.mark.parametrize("role", richmenu.ROLES)
def test_a_roles_rich_menu_and_quick_replies_come_from_one_definition(role):
    thai = translator("th")
    tapped = [postback.decode(area["action"]["data"])[0] for area in richmenu.build(role).definition["areas"]]
    quick = [postback.decode(item["data"])[0]
             for item in menu.quick_menu(thai, {role} - {"household"}, linked=role == "household")]
    coming = {entry.action for entry in menu.ROLE_MENUS[role] if entry.coming}
    assert tapped[:-1] == [entry.action for entry in menu.ROLE_MENUS[role][:menu.RICH_MENU_SIZE]]
    assert tapped[-1] == "menu"
    assert [action for action in tapped[:-1] if action not in coming] == quick[:len(tapped) - 1 - len(coming)]


def test_every_menu_entry_is_a_button_some_flow_answers():
    actions = registry().actions
    entries = [entry for entries in menu.ROLE_MENUS.values() for entry in entries]
    assert {entry.action for entry in (*entries, *menu.EVERYONE, menu.MENU)} <= set(actions)


def test_a_conversation_keeps_its_stack_in_the_row_format_older_rows_have():
    older = {"answers": {"age": 72}, "_previous": ["assess", {"current": 7, "drafts": {}}]}
    frames = _unnest("rights", older)
    assert frames == [Frame("assess", {"current": 7, "drafts": {}}), Frame("rights", {"answers": {"age": 72}})]
    assert _unnest("rights", _nest(frames)) == frames
    talk = Conversation(frames=list(frames))
    talk.interrupt("rights", {"answers": {}})
    assert [frame.flow for frame in talk.frames] == ["assess", "rights"]
    talk.resume()
    assert talk.top == Frame("assess", {"current": 7, "drafts": {}}) and talk.changed
