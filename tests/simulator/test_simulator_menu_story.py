"""Issue 11, the simulator (items 16 and 17): each person's rich menu under the chat, as
LINE shows it, and a tap on it; the page's words in the chosen language; a conversation
that survives a reload; LINE's loading animation while a slow answer is made."""
from __future__ import annotations

import hashlib
import io
import json
import re
import time
from typing import Any

from PIL import Image

from bot import worker
from bot.dev.demo.seed import seed
from bot.flows import router
from bot.line.richmenu import build
from tests.simulator.chat import Chat
from tests.simulator.test_simulator import CAST, GROUP, HOUSEHOLD, LEADER, deliver, drain, sent_to, signed

PHONE_WIDTH = 420  # px: the menu is shown as wide as the chat


def rich_menu(client, person) -> dict[str, Any] | None:
    response = client.get("/simulator/api/richmenu", query_string={"to": person.line_user_id})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["richMenu"]


def area_at(menu: dict[str, Any], x: float, y: float, shown_width: float = PHONE_WIDTH) -> dict[str, Any]:
    """The area a tap at (x, y) on the menu shown ``shown_width`` wide lands on, as the page
    places them: bounds scaled by the shown width over the picture's width."""
    scale = shown_width / menu["size"]["width"]
    for area in menu["areas"]:
        b = area["bounds"]
        if b["x"] * scale <= x < (b["x"] + b["width"]) * scale and b["y"] * scale <= y < (b["y"] + b["height"]) * scale:
            return area
    raise AssertionError(f"no area under ({x}, {y})")


def config(client, **query: str) -> tuple[str, dict[str, Any]]:
    page = client.get("/simulator", query_string=query).get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="simulator-config">(.*?)</script>', page, re.S)
    assert match
    return page, json.loads(match.group(1))


def test_each_person_sees_their_role_menu_and_a_tap_sends_the_area_action(client, services):
    from bot.dev.demo.richmenus import install  # what `kaejon demo` does at start

    seed(services, CAST)
    install(services, CAST)

    leader_menu, household_menu = rich_menu(client, LEADER), rich_menu(client, HOUSEHOLD)
    assert leader_menu["source"] == "linked" and household_menu["source"] == "default"
    assert {area["action"]["data"] for area in household_menu["areas"]} >= {"a=rights", "a=help_request"}
    # The picture is the one the service drew and uploaded, at the menu's size.
    image = client.get(leader_menu["image"])
    assert image.mimetype == "image/png"
    assert hashlib.sha256(image.data).hexdigest() == build("leader").image_sha256
    with Image.open(io.BytesIO(image.data)) as picture:
        assert picture.size == (leader_menu["size"]["width"], leader_menu["size"]["height"])

    # Kanya taps the top-left tile of her menu, shown 420 px wide: "Households to verify".
    tapped = area_at(leader_menu, 40, 30)
    assert tapped["action"] == {"type": "postback", "data": "a=pending", "label": "ครัวเรือนรอสอบทาน",
                                "displayText": "ครัวเรือนรอสอบทาน"}
    kanya = Chat(client, services, LEADER)
    answer = kanya.send("postback", data=tapped["action"]["data"], shown=tapped["action"]["displayText"])
    assert answer and "ครัวเรือน" in json.dumps(answer, ensure_ascii=False)
    # The tile lower right is the Menu tile, wherever on it she taps.
    assert area_at(leader_menu, PHONE_WIDTH - 5, leader_menu["size"]["height"] * PHONE_WIDTH / 2500 - 5
                   )["action"]["data"] == "a=menu"


def test_a_person_who_chooses_english_gets_the_menu_in_english_and_back_in_thai(client, services):
    from bot.dev.demo.richmenus import install

    seed(services, CAST)
    install(services, CAST)
    kanya, somchai = Chat(client, services, LEADER), Chat(client, services, HOUSEHOLD)

    kanya.send("postback", data="a=language&set=en")
    somchai.send("postback", data="a=language&set=en")
    leader_menu, household_menu = rich_menu(client, LEADER), rich_menu(client, HOUSEHOLD)
    assert area_at(leader_menu, 40, 30)["action"]["label"] == "Households to verify"
    assert {area["action"]["data"] for area in household_menu["areas"]} >= {"a=rights", "a=help_request"}
    for menu in (leader_menu, household_menu):
        labels = " ".join(area["action"]["label"] for area in menu["areas"])
        assert not re.search("[\u0e00-\u0e7f]", labels), labels
    image = client.get(leader_menu["image"])
    assert hashlib.sha256(image.data).hexdigest() == build("leader", "en").image_sha256

    kanya.send("postback", data="a=language&set=th")
    assert area_at(rich_menu(client, LEADER), 40, 30)["action"]["label"] == "ครัวเรือนรอสอบทาน"


def test_a_group_has_no_rich_menu_and_a_person_without_one_gets_none(client, services):
    response = client.get("/simulator/api/richmenu", query_string={"to": GROUP.line_group_id})
    assert response.status_code == 400
    assert rich_menu(client, HOUSEHOLD) is None  # before any sync LINE shows no menu


def test_the_page_words_follow_the_chosen_language(client):
    page, thai = config(client)
    assert '<html lang="th">' in page and 'aria-current="true">ไทย' in page
    assert thai["language"] == "th" and thai["labels"]["follow"] == "เพิ่มเพื่อน"
    assert "Follow (add friend)" not in page

    page, english = config(client, lang="en")
    assert '<html lang="en">' in page
    assert english["language"] == "en" and english["labels"]["follow"] == "Follow (add friend)"
    assert ">Follow (add friend)<" in page and "Kaejon chat simulator" in page
    assert not re.search("[\u0e00-\u0e7f]", json.dumps(english["labels"], ensure_ascii=False))

    page, unknown = config(client, lang="xx")
    assert unknown["language"] == "th"


def test_in_a_group_the_quick_replies_offer_nothing_personal(client, services):
    seed(services, CAST)
    deliver(client, signed(client, **{"as": "agency", "group": GROUP.key, "kind": "join"}))
    drain(services)
    deliver(client, signed(client, **{"as": "household", "group": GROUP.key, "kind": "text", "text": "เมนู"}))
    drain(services)
    answer = sent_to(client, GROUP.line_group_id)[-1]["messages"][-1]
    offered = [item["action"]["data"] for item in answer["quickReply"]["items"]]
    assert offered == ["a=rgroup", "a=about", "a=help", "a=language"], "everyone in the group sees them"

    deliver(client, signed(client, **{"as": "agency", "group": GROUP.key, "kind": "postback", "data": "a=rgroup"}))
    drain(services)
    deliver(client, signed(client, **{"as": "household", "group": GROUP.key, "kind": "text", "text": "เมนู"}))
    drain(services)
    answer = sent_to(client, GROUP.line_group_id)[-1]["messages"][-1]
    offered = [item["action"]["data"] for item in answer["quickReply"]["items"]]
    assert offered == ["a=about", "a=help", "a=language"], "registered, the group is offered no registration"


def test_the_picker_names_each_person_once_so_it_reads_whole_on_a_phone(client):
    page, _ = config(client)
    select = re.search(r'<select id="chat-select">(.*?)</select>', page, re.S)
    assert select
    options = re.findall(r"<option[^>]*>(.*?)</option>", select.group(1))
    assert len(options) == len(CAST.people) + 1
    for person, shown in zip(CAST.people, options):
        assert shown == person.name, "the name says the role already; said twice it is cut off at 420 px"


def test_a_reload_reads_the_conversation_back_from_line(client, services):
    somchai = Chat(client, services, HOUSEHOLD)
    welcome = somchai.send("follow")
    somchai.send("text", text="สวัสดีครับ")
    somchai.send("postback", data="a=rights", shown="สิทธิของฉัน")

    response = client.get("/simulator/api/history", query_string={"to": HOUSEHOLD.line_user_id})
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["seq"] for item in items] == sorted(item["seq"] for item in items)
    done = [(item["event"]["type"], item["event"].get("message", {}).get("text"), item["shown"])
            for item in items if item["kind"] == "event"]
    assert done == [("follow", None, None), ("message", "สวัสดีครับ", None), ("postback", None, "สิทธิของฉัน")]
    assert [item["kind"] for item in items][:2] == ["event", "reply"]
    assert items[1]["messages"] == welcome
    assert items[-1]["kind"] == "reply"  # the answer to the last tap, after it
    assert client.get("/simulator/api/history", query_string={"to": LEADER.line_user_id}).get_json()["items"] == []


def test_a_slow_answer_shows_the_loading_animation_until_it_arrives(client, services, standin_server):
    def slow(ctx):
        time.sleep(1.4)
        return router.handle(ctx)

    assert deliver(client, signed(client, **{"as": "household", "kind": "text", "text": "เมนู"})).status_code == 200
    worker.handle_events(services, handler=slow)

    [started] = standin_server.state.loading(chat_id=HOUSEHOLD.line_user_id)
    assert started["loadingSeconds"] == 10 and started["active"]
    sent = client.get("/simulator/api/sent", query_string={"to": HOUSEHOLD.line_user_id}).get_json()
    assert sent == {"items": [], "loading": True}
    drain(services)
    sent = client.get("/simulator/api/sent", query_string={"to": HOUSEHOLD.line_user_id}).get_json()
    assert sent["items"] and sent["loading"] is False


def test_a_quick_answer_and_a_group_get_no_loading_animation(client, services, standin_server):
    Chat(client, services, HOUSEHOLD).send("text", text="เมนู")
    deliver(client, signed(client, **{"as": "leader", "group": GROUP.key, "kind": "text", "text": "เมนู"}))
    worker.handle_events(services, handler=lambda ctx: (time.sleep(1.4), router.handle(ctx))[1])
    drain(services)
    time.sleep(0.1)
    assert standin_server.state.loading() == []
    assert sent_to(client, HOUSEHOLD.line_user_id)
