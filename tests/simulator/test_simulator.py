"""The chat simulator, against a real LINE stand-in and a real demo app.

Each test chats the way the page does: ask ``/simulator/api/events`` for a signed
event, post it to ``/callback`` unchanged, run the worker, read the answers
through ``/simulator/api/sent``.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot import worker
from bot.dev import line_events
from bot.app import create_app
from bot.bootstrap import Services, bootstrap
from bot.config import from_env
from bot.dev.demo.cast import load
from tests.keys import TEST_KEYS

SIMULATOR = Path(__file__).resolve().parents[2] / "bot" / "dev" / "simulator"
THAI = re.compile("[\u0e00-\u0e7f]")

CAST = load()
HOUSEHOLD = next(p for p in CAST.people if p.key == "household")
LEADER = next(p for p in CAST.people if p.key == "leader")
GROUP = CAST.groups[0]


def drain(services: Services) -> None:
    for _ in range(200):
        if not (worker.handle_one_event(services) | worker.send_one(services)):
            return
    raise AssertionError("the worker never ran out of work")


def signed(client, **request: Any) -> dict[str, Any]:
    """What the page gets back for one event it asks for."""
    response = client.post("/simulator/api/events", json={"group": None, **request})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def deliver(client, answer: dict[str, Any]):
    """What the page does next: post the body, byte for byte, to the webhook."""
    return client.post("/callback", data=answer["body"].encode("utf-8"),
                       headers={"X-Line-Signature": answer["signature"], "Content-Type": "application/json"})


def event_of(answer: dict[str, Any]) -> dict[str, Any]:
    (event,) = json.loads(answer["body"])["events"]
    return event


def sent_to(client, chat_id: str, after: int = 0) -> list[dict[str, Any]]:
    response = client.get("/simulator/api/sent", query_string={"to": chat_id, "after": after})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


# ------------------------------------------------------------------ the page


def test_the_page_shows_every_demo_person_and_group_in_thai(client):
    response = client.get("/simulator")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.mimetype_params.get("charset") == "utf-8"
    assert b'<meta charset="utf-8">' in response.data
    page = response.get_data(as_text=True)
    assert '<html lang="th">' in page
    for person in CAST.people:
        assert person.name in page
        assert f'data-chat="{person.key}"' in page
    assert GROUP.name in page
    assert "/simulator/static/simulator/simulator.js" in page


def test_the_page_loads_nothing_from_another_host(client):
    page = client.get("/simulator").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    css = client.get("/simulator/static/simulator/simulator.css")
    assert css.status_code == 200
    stylesheet = css.get_data(as_text=True)
    css.close()
    assert '"Noto Sans Thai", "Sarabun", "Leelawadee UI", "Tahoma", sans-serif' in stylesheet
    assert "url(" not in stylesheet and "@import" not in stylesheet


def test_the_script_gets_its_labels_and_addresses_from_the_page(client):
    page = client.get("/simulator").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="simulator-config">(.*?)</script>', page, re.S)
    assert match
    config = json.loads(match.group(1))
    assert config["urls"] == {"events": "/simulator/api/events", "sent": "/simulator/api/sent",
                              "history": "/simulator/api/history", "richmenu": "/simulator/api/richmenu",
                              "callback": "/callback"}
    assert {p["id"] for p in config["people"]} == {p.line_user_id for p in CAST.people}
    assert all(isinstance(value, str) and value for value in config["labels"].values())
    script = client.get("/simulator/static/simulator/simulator.js")
    assert script.status_code == 200
    source = script.get_data(as_text=True)
    script.close()
    assert "innerHTML" not in source
    for key in re.findall(r"\bL\.(\w+)", source):
        assert key in config["labels"], key


@pytest.mark.parametrize("path", sorted(p.relative_to(SIMULATOR).as_posix() for p in SIMULATOR.rglob("*")
                                        if p.suffix in {".py", ".js", ".html", ".css"}))
def test_no_thai_is_written_into_the_code(path):
    """Thai reaches the page only through the catalogs (and the cast's data)."""
    assert not THAI.search((SIMULATOR / path).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ chatting


def test_following_goes_through_the_webhook_and_the_welcome_comes_back(client, services):
    answer = signed(client, **{"as": "household", "kind": "follow"})
    body = answer["body"].encode("utf-8")
    assert answer["signature"] == line_events.sign(body, services.settings.channel_secret)
    event = event_of(answer)
    assert event["type"] == "follow"
    assert event["source"] == {"type": "user", "userId": HOUSEHOLD.line_user_id}
    assert event["replyToken"]

    assert deliver(client, answer).status_code == 200
    drain(services)

    items = sent_to(client, HOUSEHOLD.line_user_id)
    assert [item["kind"] for item in items] == ["reply"]
    welcome, notice = items[0]["messages"]
    assert welcome["type"] == "text" and welcome["text"]
    assert notice["type"] == "flex"
    actions = [item["action"] for item in welcome["quickReply"]["items"]]
    assert actions and all(action["type"] == "postback" for action in actions)
    assert sent_to(client, HOUSEHOLD.line_user_id, after=items[-1]["seq"]) == []
    assert sent_to(client, LEADER.line_user_id) == []


def test_tapping_a_quick_reply_sends_its_postback_and_gets_an_answer(client, services):
    deliver(client, signed(client, **{"as": "household", "kind": "follow"}))
    drain(services)
    (welcome_item,) = sent_to(client, HOUSEHOLD.line_user_id)
    first_action = welcome_item["messages"][0]["quickReply"]["items"][0]["action"]

    answer = signed(client, **{"as": "household", "kind": "postback", "data": first_action["data"]})
    assert event_of(answer)["postback"] == {"data": first_action["data"]}
    assert deliver(client, answer).status_code == 200
    drain(services)
    later = sent_to(client, HOUSEHOLD.line_user_id, after=welcome_item["seq"])
    assert len(later) == 1 and later[0]["messages"]


def test_in_the_group_the_bot_joins_and_answers_the_group(client, services):
    answer = signed(client, **{"as": "agency", "group": GROUP.key, "kind": "join"})
    event = event_of(answer)
    assert event["type"] == "join"
    assert event["source"] == {"type": "group", "groupId": GROUP.line_group_id}
    assert deliver(client, answer).status_code == 200
    drain(services)
    items = sent_to(client, GROUP.line_group_id)
    assert len(items) == 1 and items[0]["kind"] == "reply"

    spoken = event_of(signed(client, **{"as": "leader", "group": GROUP.key, "kind": "text", "text": "hello"}))
    assert spoken["source"] == {"type": "group", "groupId": GROUP.line_group_id, "userId": LEADER.line_user_id}


@pytest.mark.parametrize("kind", ["unfollow", "leave"])
def test_leaving_events_carry_no_reply_token(client, kind):
    group = GROUP.key if kind == "leave" else None
    answer = signed(client, **{"as": "household", "group": group, "kind": kind})
    event = event_of(answer)
    assert event["type"] == kind
    assert "replyToken" not in event
    assert deliver(client, answer).status_code == 200


@pytest.mark.parametrize(
    ("request_fields", "expected"),
    [
        ({"kind": "text", "text": "menu"}, {"type": "text", "text": "menu"}),
        ({"kind": "sticker"}, {"type": "sticker", "packageId": "446", "stickerId": "1988"}),
        ({"kind": "sticker", "params": {"packageId": "11537", "stickerId": "52002734"}},
         {"type": "sticker", "packageId": "11537", "stickerId": "52002734"}),
        ({"kind": "image"}, {"type": "image", "contentProvider": {"type": "line"}}),
        ({"kind": "location", "params": {"latitude": 16.43, "longitude": 103.5, "title": "Hall"}},
         {"type": "location", "latitude": 16.43, "longitude": 103.5, "title": "Hall"}),
    ],
)
def test_messages_of_every_kind_are_shaped_like_line(client, request_fields, expected):
    answer = signed(client, **{"as": "household", **request_fields})
    event = event_of(answer)
    assert event["type"] == "message"
    assert event["replyToken"]
    assert expected.items() <= event["message"].items()
    assert event["message"]["id"]
    assert deliver(client, answer).status_code == 200


def test_a_date_picker_postback_carries_its_params(client):
    answer = signed(client, **{"as": "leader", "kind": "postback", "data": "a=visit",
                               "params": {"date": "2025-01-31"}})
    assert event_of(answer)["postback"] == {"data": "a=visit", "params": {"date": "2025-01-31"}}
    assert deliver(client, answer).status_code == 200


def test_each_reply_token_is_issued_for_the_chat_it_came_from(client, standin_server):
    first = event_of(signed(client, **{"as": "household", "kind": "text", "text": "one"}))
    second = event_of(signed(client, **{"as": "household", "kind": "text", "text": "two"}))
    assert first["replyToken"] != second["replyToken"]
    assert first["webhookEventId"] != second["webhookEventId"]
    assert standin_server.state.use_reply_token(first["replyToken"]) == HOUSEHOLD.line_user_id


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    "request_body",
    [
        {"as": "nobody", "kind": "follow"},
        {"kind": "follow"},
        {"as": "household", "kind": "dance"},
        {"as": "household"},
        {"as": "household", "group": "no-such-group", "kind": "text", "text": "hi"},
        {"as": "household", "group": GROUP.key, "kind": "follow"},
        {"as": "household", "kind": "join"},
        {"as": "household", "kind": "text"},
        {"as": "household", "kind": "text", "text": "   "},
        {"as": "household", "kind": "text", "text": "x" * 5001},
        {"as": "household", "kind": "text", "text": 42},
        {"as": "household", "kind": "postback"},
        {"as": "household", "kind": "postback", "data": "x" * 301},
        {"as": "household", "kind": "postback", "data": "a=b", "params": {"evil": "1"}},
        {"as": "household", "kind": "postback", "data": "a=b", "params": ["date"]},
        {"as": "household", "kind": "sticker", "params": {"stickerId": "<b>"}},
        {"as": "household", "kind": "sticker", "params": {"other": "1"}},
        {"as": "household", "kind": "location", "params": {"latitude": 91}},
        {"as": "household", "kind": "location", "params": {"longitude": "east"}},
        {"as": "household", "kind": "location", "params": {"title": "x" * 101}},
        ["household", "follow"],
    ],
)
def test_bad_event_requests_are_refused(client, standin_server, request_body):
    response = client.post("/simulator/api/events", json=request_body)
    assert response.status_code == 400
    assert response.get_json()["error"]
    assert standin_server.state.sent() == []


def test_an_event_request_must_be_json(client):
    response = client.post("/simulator/api/events", data="as=household&kind=follow",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.get_json()["error"]


@pytest.mark.parametrize(
    "query",
    [{}, {"to": "U0000000000000000000000000000000"}, {"to": HOUSEHOLD.line_user_id, "after": "x"},
     {"to": HOUSEHOLD.line_user_id, "after": "-1"}],
)
def test_bad_sent_requests_are_refused(client, query):
    response = client.get("/simulator/api/sent", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_a_stand_in_that_is_gone_is_reported_not_crashed_on(tmp_path, migrated_db):
    from bot.dev.standin.server import serve

    gone = serve("127.0.0.1", 0)
    gone.stop()
    path = tmp_path / "kaejon.db"
    shutil.copy(migrated_db, path)
    services = bootstrap(from_env({"DATABASE_URL": f"sqlite:///{path}", "KAEJON_STANDIN_URL": gone.url}, demo=True))
    try:
        client = create_app(services=services).test_client()
        events = client.post("/simulator/api/events", json={"as": "household", "kind": "follow"})
        assert events.status_code == 502 and events.get_json()["error"]
        sent = client.get("/simulator/api/sent", query_string={"to": HOUSEHOLD.line_user_id})
        assert sent.status_code == 502 and sent.get_json()["error"]
        assert client.post("/simulator/api/events", json={"as": "household", "kind": "unfollow"}).status_code == 200
    finally:
        services.engine.dispose()


def test_without_demo_mode_there_is_no_simulator(tmp_path, migrated_db):
    path = tmp_path / "kaejon.db"
    shutil.copy(migrated_db, path)
    settings = from_env({"DATABASE_URL": f"sqlite:///{path}", "LINE_CHANNEL_SECRET": "s",
                         "LINE_CHANNEL_ACCESS_TOKEN": "t", **TEST_KEYS}, demo=False)
    services = bootstrap(settings)
    try:
        client = create_app(services=services).test_client()
        assert client.get("/simulator").status_code == 404
        assert client.post("/simulator/api/events", json={"as": "household", "kind": "follow"}).status_code == 404
    finally:
        services.engine.dispose()
