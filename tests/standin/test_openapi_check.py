"""The stand-in's checker accepts what LINE accepts and rejects what LINE rejects."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from bot.dev.standin.openapi_check import LineValidator, RequestChecker, grapheme_length, utf16_length

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"


@pytest.fixture(scope="module")
def checker() -> RequestChecker:
    return RequestChecker()


def reply(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"replyToken": "a" * 32, "messages": list(messages)}


def text(words: str = "สวัสดีครับ", **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": words, **extra}


def postback(label: str = "ยืนยัน", data: str = "action=confirm&case=12") -> dict[str, Any]:
    return {"type": "postback", "label": label, "data": data, "displayText": label}


def quick_reply(count: int = 3) -> dict[str, Any]:
    return {"items": [{"type": "action", "action": postback(f"ตัวเลือก {i}")} for i in range(count)]}


def bubble(number: int = 1) -> dict[str, Any]:
    return {
        "type": "bubble",
        "hero": {
            "type": "image",
            "url": f"https://example.com/case/{number}.png",
            "size": "full",
            "aspectRatio": "20:13",
            "aspectMode": "cover",
        },
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                {"type": "text", "text": f"เคส {number}", "weight": "bold", "size": "lg", "wrap": True},
                {
                    "type": "box",
                    "layout": "baseline",
                    "contents": [
                        {"type": "text", "text": "สถานะ", "color": "#aaaaaa", "size": "sm", "flex": 1},
                        {"type": "text", "text": "รอดำเนินการ", "size": "sm", "flex": 3},
                    ],
                },
                {"type": "separator", "margin": "md"},
                {"type": "text", "text": "ตำบลบ้านใหม่", "size": "sm", "color": "#666666"},
            ],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {"type": "button", "style": "primary", "action": postback("รับเรื่อง", f"accept={number}")},
                {"type": "button", "style": "link", "action": {"type": "uri", "label": "เปิด", "uri": "https://x.th"}},
            ],
        },
    }


def with_action(action: dict[str, Any]) -> dict[str, Any]:
    return reply(text(quickReply={"items": [{"type": "action", "action": action}]}))


def flex(contents: dict[str, Any], alt_text: str = "รายการเคส") -> dict[str, Any]:
    return {"type": "flex", "altText": alt_text, "contents": contents}


def carousel(count: int) -> dict[str, Any]:
    return {"type": "carousel", "contents": [bubble(n) for n in range(count)]}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(reply(text()), id="text"),
        pytest.param(reply(text(quickReply=quick_reply(13))), id="text with 13 quick replies"),
        pytest.param(reply(flex(bubble())), id="flex bubble"),
        pytest.param(reply(flex(carousel(12))), id="carousel of 12"),
        pytest.param(reply(*[text(str(n)) for n in range(5)]), id="5 messages"),
        pytest.param(reply(text("😀" * 2500)), id="5,000 UTF-16 units"),
        pytest.param(
            with_action(postback("ยืนยันการลงทะเบียนแล้ว")), id="Thai label of 22 code points but 18 characters"
        ),
    ],
)
def test_accepts_what_line_accepts(checker: RequestChecker, body: dict[str, Any]) -> None:
    assert checker.check("POST", REPLY, body) == []


def flex_with(component: dict[str, Any]) -> dict[str, Any]:
    box = {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "ok"}, component]}
    return reply(flex({"type": "bubble", "body": box}))


QUICK = "messages[0].quickReply.items"
BODY = "messages[0].contents.body.contents[1]"
URI = {"type": "uri", "uri": "https://example.com"}
BAD_BODIES = {
    "text without text": (reply({"type": "text"}), "messages[0].text: 'text' is a required property"),
    "empty text": (reply(text("")), "messages[0].text: must not be empty"),
    "message type foo": (reply({"type": "foo", "text": "x"}), "messages[0].type: 'foo' is not one of"),
    "message without type": (reply({"text": "x"}), "messages[0].type: 'type' is a required property"),
    "flex component foo": (flex_with({"type": "foo"}), f"{BODY}.type: 'foo' is not one of"),
    "flex text without text": (flex_with({"type": "text"}), f"{BODY}: needs 'text' or 'contents'"),
    "box layout": (
        flex_with({"type": "box", "layout": "diagonal", "contents": []}),
        f"{BODY}.layout: 'diagonal' is not one of",
    ),
    "button without label": (
        flex_with({"type": "button", "action": URI}),
        f"{BODY}.action.label: 'label' is a required property",
    ),
    "button action foo": (
        flex_with({"type": "button", "action": {"type": "foo", "label": "x"}}),
        f"{BODY}.action.type: 'foo' is not one of",
    ),
    "quick reply action foo": (
        with_action({"type": "foo", "label": "x"}),
        f"{QUICK}[0].action.type: 'foo' is not one of",
    ),
    "6 messages": (reply(*[text(str(n)) for n in range(6)]), "messages: has 6 items, at most 5 allowed"),
    "no message": (reply(), "messages: has 0 items, at least 1 allowed"),
    "14 quick replies": (reply(text(quickReply=quick_reply(14))), f"{QUICK}: has 14 items, at most 13 allowed"),
    "21-character quick reply label": (
        with_action(postback("ก" * 21)),
        f"{QUICK}[0].action.label: is 21 characters long, at most 20 allowed",
    ),
    "301-character postback data": (
        with_action(postback(data="d" * 301)),
        f"{QUICK}[0].action.data: is 301 characters long, at most 300 allowed",
    ),
    "13 bubbles": (reply(flex(carousel(13))), "messages[0].contents.contents: has 13 items, at most 12 allowed"),
    "carousel in a carousel": (
        reply(flex({"type": "carousel", "contents": [{"type": "carousel", "contents": []}]})),
        "messages[0].contents.contents[0].type: 'carousel' is not one of ['bubble']",
    ),
    "5,001 UTF-16 units in 2,501 characters": (
        reply(text("😀" * 2500 + "a")),
        "messages[0].text: is 5001 UTF-16 code units long, at most 5000 allowed",
    ),
    "401-unit altText": (reply(flex(bubble(), alt_text="ก" * 401)), "messages[0].altText: is 401 UTF-16"),
    "no reply token": ({"messages": [text()]}, "replyToken: 'replyToken' is a required property"),
    "wrong type": (reply(text(quoteToken=12)), "messages[0].quoteToken: 12 is not of type 'string'"),
}


@pytest.mark.parametrize(("body", "expected"), BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_rejects_what_line_rejects(checker: RequestChecker, body: dict[str, Any], expected: str) -> None:
    errors = checker.check("POST", REPLY, body)

    assert len(errors) == 1, errors
    assert errors[0].startswith(expected)


def test_reports_every_problem_at_its_own_path(checker: RequestChecker) -> None:
    box = {"type": "box", "layout": "vertical", "contents": [{"type": "bar"}]}
    body = reply(text(""), {"type": "foo"}, flex({"type": "bubble", "body": box}))

    problems = checker.problems("POST", REPLY, body)

    assert [p.property for p in problems] == [
        "messages[0].text",
        "messages[1].type",
        "messages[2].contents.body.contents[0].type",
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("POST", PUSH, {"to": "U1", "messages": [text()]}, []),
        (
            "POST",
            "/v2/bot/message/multicast",
            {"to": ["U1"] * 501, "messages": [text()]},
            ["to: has 501 items, at most 500 allowed"],
        ),
        ("POST", "/v2/bot/message/validate/push", {"messages": [text()]}, []),
        (
            "POST",
            "/v2/bot/chat/loading/start",
            {"chatId": "U1", "loadingSeconds": 65},
            ["loadingSeconds: 65 is greater than the maximum of 60"],
        ),
        ("POST", PUSH, None, ["The request body is required"]),
        ("GET", "/v2/bot/profile/U123", None, []),
        ("POST", "/v2/bot/nothing", {}, ["POST /v2/bot/nothing is not an operation of the Messaging API"]),
    ],
)
def test_finds_the_operation_by_its_path(
    checker: RequestChecker, method: str, path: str, body: Any, expected: list[str]
) -> None:
    assert checker.check(method, path, body) == expected


def test_path_templates_match_a_segment() -> None:
    checker = RequestChecker()

    operation = checker.operation("GET", "/v2/bot/message/123456/content")

    assert operation is not None and operation.template == "/v2/bot/message/{messageId}/content"
    assert checker.operation("GET", "/v2/bot/message/1/2/content") is None


@pytest.mark.parametrize(
    ("schema", "instance", "valid"),
    [
        ({"type": "string", "nullable": True}, None, True),
        ({"type": "string"}, None, False),
        ({"type": "string", "readOnly": True}, "x", True),
        ({"type": "string", "format": "no-such-format"}, "x", True),
        ({"type": "string", "format": "uri"}, "not a uri", True),
        ({"type": "integer", "format": "int32"}, 2**31, False),
    ],
)
def test_oas30_keywords(schema: dict[str, Any], instance: Any, valid: bool) -> None:
    validator = LineValidator(schema, format_checker=LineValidator.FORMAT_CHECKER)

    assert validator.is_valid(instance) is valid


@pytest.mark.parametrize(
    ("words", "units", "characters"),
    [("abc", 3, 3), ("😀", 2, 1), ("ยืนยัน", 6, 4), ("ทำ", 2, 1), ("👍🏽", 4, 1), ("🇹🇭", 4, 1), ("👨‍👩‍👧", 8, 1)],
)
def test_counts_like_line(words: str, units: int, characters: int) -> None:
    assert utf16_length(words) == units
    assert grapheme_length(words) == characters


def test_checking_does_not_change_the_body(checker: RequestChecker) -> None:
    body = reply(flex(carousel(3)), text(quickReply=quick_reply()))
    before = copy.deepcopy(body)

    checker.check("POST", REPLY, body)

    assert body == before


def test_a_flex_carousel_is_checked_in_milliseconds(checker: RequestChecker) -> None:
    body = {"to": "U" + "1" * 32, "messages": [flex(carousel(5))]}
    checker.check("POST", PUSH, body)
    rounds = 50
    started = time.perf_counter()
    for _ in range(rounds):
        checker.check("POST", PUSH, body)
    elapsed_ms = (time.perf_counter() - started) / rounds * 1000
    print(f"\nchecking a 5-bubble Flex carousel: {elapsed_ms:.2f} ms")
