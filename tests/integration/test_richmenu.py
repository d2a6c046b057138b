"""`kaejon richmenu sync` against the LINE stand-in, the menus it builds, and the
`line-richmenu` outbox channel that gives a user their role's menu."""
from __future__ import annotations

import io
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from linebot.v3.messaging import ApiException
from PIL import Image

from bot.line import api as line_api
from bot.line import richmenu as rm
from bot.line import richmenu_images as rm_images
from bot.line.transports import link_messages as link_messages_for
from bot.commands import cli
from bot.line.richmenu_images import MAX_BYTES, contrast_ratio, render
from casework import outbox
from casework.models import OutboxMessage, RichMenu
from messages import menu as role_menus
from messages import postback
from messages.i18n import translator
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, drain

SOMCHAI = "U" + "1" * 32
NOK = "U" + "3" * 32


def sync(services) -> list[rm.SyncResult]:
    settings = services.settings
    return rm.RichMenuSync(
        services,
        line_api.messaging_api(settings),
        line_api.messaging_blob_api(settings),
        line_api.timeout(settings),
        sleep=lambda seconds: None,
    ).run()


def menus_on_line(standin) -> dict[str, Any]:
    found: dict[str, Any] = requests.get(f"{standin.url}/_standin/richmenus", timeout=5).json()
    return found


def calls(standin, method: str, path: str) -> int:
    received = requests.get(f"{standin.url}/_standin/requests", timeout=5).json()["items"]
    return sum(1 for r in received if r["method"] == method and r["path"] == path)


def stored(services) -> dict[str, str]:
    with services.uow() as uow:
        return {row.role: row.line_rich_menu_id for row in uow.session.query(RichMenu)}


def link_messages(services, role: str) -> list[dict[str, Any]] | None:
    """What gives a user ``role``'s menu; None before a sync has stored one."""
    menu_id = stored(services).get(role)
    return link_messages_for(menu_id) if menu_id else None


def enqueue_menu(services, recipient: str, messages: list[dict[str, Any]]) -> int:
    with services.uow() as uow:
        [row] = outbox.enqueue(uow.session, uow.sealer, recipient=recipient, messages=messages,
                               now=services.clock(), channel="line-richmenu")
        uow.commit()
        return row


def test_a_first_sync_creates_every_role_and_a_second_changes_nothing(services, standin):
    first = sync(services)
    second = sync(services)

    every = [f"{role}{suffix}" for role in rm.ROLES for suffix in ("", ".en")]  # Thai and English
    assert [(r.key, r.status) for r in first] == [(key, "created") for key in every]
    assert [(r.key, r.status) for r in second] == [(key, "unchanged") for key in every]
    assert [r.rich_menu_id for r in second] == [r.rich_menu_id for r in first]
    assert calls(standin, "POST", "/v2/bot/richmenu") == len(every)
    line = menus_on_line(standin)
    assert {menu["richMenuId"] for menu in line["richmenus"]} == set(stored(services).values())
    assert line["default"] == stored(services)["household"]
    for menu in line["richmenus"]:
        size = menu["definition"]["size"]
        assert (menu["image"]["width"], menu["image"]["height"]) == (size["width"], size["height"])
        assert menu["image"]["contentType"] == "image/png" and menu["image"]["bytes"] <= MAX_BYTES


def test_the_stored_picture_hash_is_the_uploaded_pictures(services, standin):
    sync(services)

    with services.uow() as uow:
        hashes = {row.line_rich_menu_id: row.image_sha256 for row in uow.session.query(RichMenu)}
    assert hashes == {m["richMenuId"]: m["image"]["sha256"] for m in menus_on_line(standin)["richmenus"]}


def test_a_changed_menu_replaces_the_old_one_and_moves_its_users(services, standin, monkeypatch):
    sync(services)
    old = stored(services)
    enqueue_menu(services, NOK, link_messages(services, "leader"))
    drain(services)
    leader = role_menus.ROLE_MENUS["leader"]
    monkeypatch.setitem(role_menus.ROLE_MENUS, "leader", (leader[1], leader[0], *leader[2:]))

    results = {r.key: r.status for r in sync(services)}

    new = stored(services)
    assert results == {"household": "unchanged", "leader": "created", "coordinator": "unchanged",
                       "agency": "unchanged", "household.en": "unchanged", "leader.en": "created",
                       "coordinator.en": "unchanged", "agency.en": "unchanged"}
    assert new["leader"] != old["leader"] and new["household"] == old["household"]
    line = menus_on_line(standin)
    assert {menu["richMenuId"] for menu in line["richmenus"]} == set(new.values())
    assert line["links"] == {NOK: new["leader"]}


def test_a_menu_deleted_on_line_is_made_again(services, standin):
    sync(services)
    gone = stored(services)["agency"]
    line_api.messaging_api(services.settings).delete_rich_menu(gone, _request_timeout=(3, 5))

    results = {r.key: r.status for r in sync(services)}

    assert results["agency"] == "created" and stored(services)["agency"] != gone


def test_menus_left_by_a_failed_sync_are_cleaned_up(services, standin):
    sync(services)
    built = rm.build("coordinator")
    sync_ = rm.RichMenuSync(services, line_api.messaging_api(services.settings),
                            line_api.messaging_blob_api(services.settings), (3, 5))
    leftover = sync_._create(built)  # created on LINE, never stored: a crash at this point

    retired = sync_.retire_stale(stored(services))

    assert retired == [leftover]
    assert leftover not in {m["richMenuId"] for m in menus_on_line(standin)["richmenus"]}


def test_a_failed_upload_deletes_the_menu_it_made(services, standin):
    requests.post(f"{standin.url}/_standin/faults", json={"status": 500, "paths": ["/v2/bot/richmenu/*/content"]},
                  timeout=5).raise_for_status()

    with pytest.raises(ApiException):
        sync(services)

    assert menus_on_line(standin)["richmenus"] == [] and stored(services) == {}


def test_the_cli_command_syncs(database_url, standin, monkeypatch):
    monkeypatch.setattr("bot.logs.configure", lambda *args, **kwargs: None)
    env = {
        "DATABASE_URL": database_url, "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "LINE_API_ENDPOINT": standin.url,
        "KAEJON_DEMO": "",
    }

    first = CliRunner().invoke(cli, ["richmenu", "sync"], env=env, catch_exceptions=False)
    second = CliRunner().invoke(cli, ["richmenu", "sync"], env=env, catch_exceptions=False)

    assert first.exit_code == 0 and second.exit_code == 0
    assert [line.split(":")[0] for line in first.output.splitlines()] == [
        key for role in rm.ROLES for key in (role, f"{role}.en")]
    assert "household: created (richmenu-" in first.output and "household.en: created (richmenu-" in first.output
    assert second.output.count("unchanged") == 2 * len(rm.ROLES)


@pytest.mark.parametrize("role", rm.ROLES)
def test_each_menu_is_a_picture_line_accepts(role):
    built = rm.build(role)

    picture = Image.open(io.BytesIO(built.image))
    size = built.definition["size"]
    assert picture.format == "PNG" and picture.size == (size["width"], size["height"])
    assert (size["width"], size["height"]) in {(2500, 1686), (2500, 843)}
    assert len(built.image) < MAX_BYTES
    assert len(built.definition["areas"]) <= 20 and len(built.definition["name"]) <= 300


@pytest.mark.parametrize("role", rm.ROLES)
def test_each_area_is_a_thai_button_for_its_action(role):
    built = rm.build(role)
    thai = translator("th")

    buttons = [button for row in role_menus.rich_menu_rows(role) for button in row]
    actions = [area["action"] for area in built.definition["areas"]]
    assert [postback.decode(action["data"]) for action in actions] == [(b.action, {}) for b in buttons]
    assert [action["displayText"] for action in actions] == [thai.gettext(b.label) for b in buttons]
    assert all(action["displayText"] != button.label for action, button in zip(actions, buttons))
    assert built.definition["chatBarText"] == thai.gettext("Menu")


@pytest.mark.parametrize("role", rm.ROLES)
def test_the_areas_tile_the_whole_picture(role):
    built = rm.build(role)
    size = built.definition["size"]

    covered = sum(a["bounds"]["width"] * a["bounds"]["height"] for a in built.definition["areas"])
    assert covered == size["width"] * size["height"]
    for area in built.definition["areas"]:
        b = area["bounds"]
        assert b["x"] + b["width"] <= size["width"] and b["y"] + b["height"] <= size["height"]


def test_every_button_colour_is_high_contrast_behind_white_text():
    every = (*role_menus.ROLE_MENUS.values(), role_menus.EVERYONE, (role_menus.MENU,))
    colours = {entry.colour for entries in every for entry in entries}

    assert min(contrast_ratio("#FFFFFF", colour) for colour in colours) >= 7


def test_household_actions_are_the_ones_other_features_route():
    actions = [button.action for row in role_menus.rich_menu_rows("household") for button in row]

    assert actions == ["rights", "help_request", "my_requests", "my_data", "menu"]


def ink_top(png: bytes) -> int:
    """The highest row with white (text) pixels inside the tile."""
    image = Image.open(io.BytesIO(png)).convert("L").crop((100, 100, 2400, 743))
    return image.point(lambda value: 255 if value > 200 else 0).getbbox()[1]


def test_without_complex_layout_a_tone_mark_is_still_drawn_above_the_vowel():
    """Pillow's basic layout draws the tone mark of ที่ onto the vowel (it reads ที);
    the fallback lifts it clear, as libraqm does."""
    from bot.line.richmenu_images import Tile

    def drawn(text: str, raqm: bool) -> bytes:
        return render((2500, 843), [Tile(0, 0, 2500, 843, text, "#0D47A1")], raqm=raqm)

    assert ink_top(drawn("ที่", raqm=False)) < ink_top(drawn("ที", raqm=False)) - 15
    if rm_images.complex_layout_available():
        assert abs(ink_top(drawn("ที่", raqm=False)) - ink_top(drawn("ที่", raqm=True))) <= 2


def test_a_label_left_in_english_on_a_thai_menu_is_refused_and_an_english_menu_is_drawn():
    from bot.line.richmenu_images import Tile

    with pytest.raises(ValueError, match="no one font has a glyph"):
        render((2500, 843), [Tile(0, 0, 1250, 843, "My rights", "#0D47A1"),
                             Tile(1250, 0, 1250, 843, "สิทธิของฉัน", "#0D47A1")])
    english = Image.open(io.BytesIO(render((2500, 843), [Tile(0, 0, 2500, 843, "My rights", "#0D47A1")])))
    assert english.convert("L").getextrema()[1] == 255, "the label is drawn in white"


def test_the_transport_links_and_unlinks_a_user(services, standin):
    assert link_messages(services, "leader") is None
    sync(services)
    leader = stored(services)["leader"]

    linked = enqueue_menu(services, SOMCHAI, link_messages(services, "leader"))
    drain(services)
    assert menus_on_line(standin)["links"] == {SOMCHAI: leader}

    unlinked = enqueue_menu(services, SOMCHAI, link_messages_for(None))
    drain(services)
    assert menus_on_line(standin)["links"] == {}
    with services.uow() as uow:
        assert [uow.session.get(OutboxMessage, row).status for row in (linked, unlinked)] == ["sent", "sent"]


def test_linking_to_a_menu_line_does_not_have_fails_for_good(services, standin):
    row = enqueue_menu(services, SOMCHAI, [{"richMenuId": "richmenu-" + "0" * 32}])

    drain(services)

    with services.uow() as uow:
        found = uow.session.get(OutboxMessage, row)
        assert (found.status, found.last_status) == ("dead", 404)


def test_a_rate_limited_link_is_retried_later(services, standin):
    sync(services)
    requests.post(f"{standin.url}/_standin/faults", json={"status": 429, "retry_after": 30,
                  "paths": ["/v2/bot/user/*/richmenu/*"]}, timeout=5).raise_for_status()
    row = enqueue_menu(services, SOMCHAI, link_messages(services, "coordinator"))

    drain(services)

    with services.uow() as uow:
        found = uow.session.get(OutboxMessage, row)
        assert (found.status, found.last_status) == ("pending", 429)


def test_every_menu_entry_has_an_icon_the_icon_font_draws():
    """Issue 11 item 18: tiles carry a picture as well as words, as LINE Official Accounts do."""
    from PIL import ImageFont

    every = (*role_menus.ROLE_MENUS.values(), role_menus.EVERYONE, (role_menus.MENU,))
    icons = {entry.icon for entries in every for entry in entries}
    font = ImageFont.truetype(str(rm_images.ICON_FONT_PATH), 100)

    assert icons <= set(rm_images.ICONS)
    for name, char in rm_images.ICONS.items():
        left, top, right, bottom = font.getbbox(char)
        assert right - left > 40 and bottom - top > 40, f"{name} has no glyph in {rm_images.ICON_FONT_PATH.name}"
    assert "Apache License" in (rm_images.ICON_FONT_PATH.parent / "MaterialIcons-LICENSE.txt").read_text()


@pytest.mark.parametrize("size", [(2500, 843), (1250, 562)])
def test_each_tile_draws_its_icon_above_its_label(size):
    from bot.line.richmenu_images import Tile

    def drawn(icon: str | None) -> bytes:
        return render(size, [Tile(0, 0, *size, "สิทธิของฉัน", "#0D47A1", icon)])

    def ink(png: bytes) -> tuple[int, int, int, int]:
        image = Image.open(io.BytesIO(png)).convert("L").crop((40, 40, size[0] - 40, size[1] - 40))
        return image.point(lambda value: 255 if value > 200 else 0).getbbox()

    with_icon, without = ink(drawn("volunteer_activism")), ink(drawn(None))
    assert with_icon[1] < without[1] - size[1] // 8  # something white well above where the label alone sits
    assert with_icon[3] <= size[1] - 80  # and the label still inside the tile


def test_an_icon_the_font_lacks_is_refused():
    from bot.line.richmenu_images import Tile

    with pytest.raises(ValueError, match="no icon"):
        render((2500, 843), [Tile(0, 0, 2500, 843, "เมนู", "#0D47A1", "rocket_launch")])


def test_a_person_gets_their_roles_menu_in_their_language_and_thai_where_there_is_none(services, standin):
    from casework import rich_menus

    with services.uow() as uow:
        assert rich_menus.menu_id(uow.session, "leader", "en") is None  # nothing before a sync
    sync(services)
    menus = stored(services)
    with services.uow() as uow:
        assert rich_menus.menu_id(uow.session, "leader", "en") == menus["leader.en"]
        assert rich_menus.menu_id(uow.session, "leader", "th") == menus["leader"]
        assert rich_menus.menu_id(uow.session, "leader", "ms") == menus["leader"]
    line = menus_on_line(standin)
    names = {menu["richMenuId"]: menu["definition"]["name"] for menu in line["richmenus"]}
    assert rm.key_of(names[menus["leader.en"]]) == "leader.en" and rm.key_of(names[menus["leader"]]) == "leader"
