"""The stand-in answers the real LINE SDK the way LINE does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
import requests
import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    MessagingApi,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
    URIAction,
    ValidateMessageRequest,
)

from bot.dev.standin import StandIn, serve
from tests.standin.conftest import TOKEN, Control

SOMCHAI = "U" + "1" * 32
MALAI = "U" + "2" * 32
GROUP = "C" + "5" * 32


def push(to: str = SOMCHAI, words: str = "สวัสดีครับ") -> PushMessageRequest:
    return PushMessageRequest(to=to, messages=[TextMessage(text=words)])


def reply(token: str, words: str = "รับทราบครับ") -> ReplyMessageRequest:
    return ReplyMessageRequest(reply_token=token, messages=[TextMessage(text=words)])


def error_body(error: ApiException) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(error.body)
    return body


def test_push_is_recorded_for_its_recipient(line: MessagingApi, control: Control) -> None:
    response = line.push_message_with_http_info(push(), _request_timeout=5)

    [item] = control.sent()
    assert item["kind"] == "push" and item["to"] == SOMCHAI
    assert item["messages"] == [{"type": "text", "text": "สวัสดีครับ"}]
    assert item["sentMessages"][0]["id"].isdigit()
    assert response.data.sent_messages[0].id == item["sentMessages"][0]["id"]
    assert response.headers["x-line-request-id"]


def test_a_push_repeated_with_its_retry_key_answers_409_and_is_not_sent_again(
    line: MessagingApi, control: Control
) -> None:
    key = str(uuid.uuid4())
    first = line.push_message_with_http_info(push(), x_line_retry_key=key, _request_timeout=5)

    with pytest.raises(ApiException) as repeated:
        line.push_message(push(), x_line_retry_key=key, _request_timeout=5)

    assert repeated.value.status == 409
    assert error_body(repeated.value)["message"] == "The retry key is already accepted"
    assert error_body(repeated.value)["sentMessages"][0]["id"] == first.data.sent_messages[0].id
    assert repeated.value.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert len(control.sent()) == 1


def test_a_retry_key_must_be_a_uuid(line: MessagingApi, control: Control) -> None:
    with pytest.raises(ApiException) as refused:
        line.push_message(push(), x_line_retry_key="attempt-1", _request_timeout=5)

    assert refused.value.status == 400
    assert control.sent() == []


def test_a_reply_goes_to_the_chat_its_token_was_issued_for(line: MessagingApi, control: Control) -> None:
    token = control.reply_token(GROUP)

    line.reply_message(reply(token), _request_timeout=5)

    [item] = control.sent()
    assert (item["kind"], item["to"], item["replyToken"]) == ("reply", GROUP, token)


@pytest.mark.parametrize("token", ["used", "unknown"])
def test_a_reply_token_is_good_once(line: MessagingApi, control: Control, token: str) -> None:
    if token == "used":
        token = control.reply_token(SOMCHAI)
        line.reply_message(reply(token), _request_timeout=5)

    with pytest.raises(ApiException) as refused:
        line.reply_message(reply(token), _request_timeout=5)

    assert refused.value.status == 400
    assert error_body(refused.value) == {"message": "Invalid reply token"}
    assert len(control.sent()) == (1 if token != "unknown" else 0)


def test_a_reply_token_expires() -> None:
    with serve(channel_access_token=TOKEN, reply_token_ttl=0.05) as standin:
        control = Control(standin.url)
        token = control.reply_token(SOMCHAI)
        time.sleep(0.1)
        with ApiClient(Configuration(host=standin.url, access_token=TOKEN)) as client:
            with pytest.raises(ApiException) as refused:
                MessagingApi(client).reply_message(reply(token), _request_timeout=5)

    assert refused.value.status == 400


def test_an_invalid_body_does_not_use_up_the_reply_token(line: MessagingApi, control: Control) -> None:
    token = control.reply_token(SOMCHAI)

    with pytest.raises(ApiException) as refused:
        line.reply_message(reply(token, words=""), _request_timeout=5)
    line.reply_message(reply(token), _request_timeout=5)

    assert refused.value.status == 400
    assert len(control.sent()) == 1


def test_invalid_flex_is_refused_with_details_naming_the_property(
    line: MessagingApi, control: Control
) -> None:
    button = FlexButton(action=URIAction(uri="https://example.com/case/1"))
    bubble = FlexBubble(body=FlexBox(layout="vertical", contents=[button]))

    with pytest.raises(ApiException) as refused:
        line.push_message(
            PushMessageRequest(to=SOMCHAI, messages=[FlexMessage(alt_text="เคส", contents=bubble)]),
            _request_timeout=5,
        )

    assert refused.value.status == 400
    assert error_body(refused.value) == {
        "message": "The request body has 1 error(s)",
        "details": [
            {
                "message": "'label' is a required property",
                "property": "messages[0].contents.body.contents[0].action.label",
            }
        ],
    }
    assert control.sent() == []
    [received] = control.requests()
    assert received["status"] == 400 and received["reason"] == "invalid-body"
    assert received["errors"] == [
        "messages[0].contents.body.contents[0].action.label: 'label' is a required property"
    ]


def test_a_flex_component_line_does_not_know_is_refused(standin: StandIn) -> None:
    box = {"type": "box", "layout": "vertical", "contents": [{"type": "foo"}]}
    flex = {"type": "flex", "altText": "เคส", "contents": {"type": "bubble", "body": box}}

    response = requests.post(
        f"{standin.url}/v2/bot/message/push",
        json={"to": SOMCHAI, "messages": [flex]},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )

    assert response.status_code == 400
    [detail] = response.json()["details"]
    assert detail["property"] == "messages[0].contents.body.contents[0].type"
    assert detail["message"].startswith("'foo' is not one of")


def test_another_channel_access_token_is_refused(standin: StandIn, control: Control) -> None:
    with ApiClient(Configuration(host=standin.url, access_token="someone-else")) as client:
        with pytest.raises(ApiException) as refused:
            MessagingApi(client).push_message(push(), _request_timeout=5)

    assert refused.value.status == 401
    assert error_body(refused.value)["message"].startswith("Authentication failed")
    assert control.sent() == []


def test_a_request_without_a_token_is_refused(standin: StandIn) -> None:
    response = requests.get(f"{standin.url}/v2/bot/info", timeout=5)

    assert response.status_code == 401


def test_server_errors_then_success(line: MessagingApi, control: Control) -> None:
    control.fault(status=500, times=3)

    statuses = []
    for _ in range(3):
        with pytest.raises(ApiException) as failed:
            line.push_message(push(), _request_timeout=5)
        statuses.append(failed.value.status)
    line.push_message(push(), _request_timeout=5)

    assert statuses == [500, 500, 500]
    assert len(control.sent()) == 1
    assert [r["status"] for r in control.requests()] == [500, 500, 500, 200]


def test_a_rate_limit_says_when_to_retry(line: MessagingApi, control: Control) -> None:
    control.fault(status=429, retry_after=2, paths=["/v2/bot/message/push"])

    with pytest.raises(ApiException) as limited:
        line.push_message(push(), _request_timeout=5)

    assert limited.value.status == 429
    assert limited.value.headers["Retry-After"] == "2"


def test_a_fault_applies_to_its_paths_only(line: MessagingApi, control: Control) -> None:
    control.fault(status=500, times=5, paths=["/v2/bot/message/push"])

    line.reply_message(reply(control.reply_token(SOMCHAI)), _request_timeout=5)

    assert [item["kind"] for item in control.sent()] == ["reply"]
    assert control.call("GET", "faults")["faults"][0]["times"] == 5
    assert control.call("DELETE", "faults") == {"cleared": 1}
    line.push_message(push(), _request_timeout=5)


def test_a_slow_answer_times_out_the_client_but_the_message_is_still_sent(
    line: MessagingApi, control: Control
) -> None:
    control.fault(delay=0.5, paths=["/v2/bot/message/push"])

    with pytest.raises(urllib3.exceptions.TimeoutError):
        line.push_message(push(), x_line_retry_key=str(uuid.uuid4()), _request_timeout=0.2)

    assert control.sent() == []
    [item] = control.wait_for_sent(1)
    assert item["to"] == SOMCHAI


def test_multicast_is_recorded_once_per_recipient(line: MessagingApi, control: Control) -> None:
    request = MulticastRequest(to=[SOMCHAI, MALAI], messages=[TextMessage(text="ประชุมพรุ่งนี้ 9 โมง")])

    line.multicast(request, x_line_retry_key=str(uuid.uuid4()), _request_timeout=5)

    assert [(item["kind"], item["to"]) for item in control.sent()] == [
        ("multicast", SOMCHAI),
        ("multicast", MALAI),
    ]


def test_validate_checks_without_sending(line: MessagingApi, control: Control) -> None:
    line.validate_push(ValidateMessageRequest(messages=[TextMessage(text="ok")]), _request_timeout=5)

    with pytest.raises(ApiException) as refused:
        too_long = ValidateMessageRequest(messages=[TextMessage(text="😀" * 2501)])
        line.validate_reply(too_long, _request_timeout=5)

    assert refused.value.status == 400
    assert error_body(refused.value)["details"][0]["property"] == "messages[0].text"
    assert control.sent() == []


def test_loading_animation_is_recorded_and_shows_until_a_message_arrives(line: MessagingApi, control: Control) -> None:
    assert line.show_loading_animation(ShowLoadingAnimationRequest(chat_id=SOMCHAI, loading_seconds=20)) == {}

    [started] = control.call("GET", "loading", params={"chatId": SOMCHAI})["items"]
    assert (started["chatId"], started["loadingSeconds"], started["active"]) == (SOMCHAI, 20, True)
    assert control.call("GET", "loading", params={"chatId": "U" + "9" * 32})["items"] == []

    line.push_message(PushMessageRequest(to=SOMCHAI, messages=[TextMessage(text="done")]))
    [ended] = control.call("GET", "loading", params={"chatId": SOMCHAI})["items"]
    assert ended["active"] is False


@pytest.mark.parametrize("body", [{"chatId": "C" + "5" * 32}, {"chatId": SOMCHAI, "loadingSeconds": 7},
                                  {"chatId": SOMCHAI, "loadingSeconds": 65}, {}])
def test_loading_animation_only_in_a_one_to_one_chat_for_5_to_60_seconds(
        standin: StandIn, control: Control, body: dict[str, Any]) -> None:
    response = requests.post(f"{standin.url}/v2/bot/chat/loading/start", json=body, timeout=5,
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert control.call("GET", "loading")["items"] == []


def test_what_users_did_is_recorded_in_the_sequence_of_what_was_sent(line: MessagingApi, control: Control) -> None:
    event = {"type": "message", "message": {"type": "text", "text": "hello"}}
    recorded = control.call("POST", "events", json={"to": SOMCHAI, "event": event, "shown": "hello"})
    line.push_message(PushMessageRequest(to=SOMCHAI, messages=[TextMessage(text="hi")]))

    [item] = control.call("GET", "events", params={"to": SOMCHAI})["items"]
    assert item == recorded and (item["event"], item["shown"], item["kind"]) == (event, "hello", "event")
    assert control.sent(to=SOMCHAI)[0]["seq"] > item["seq"]
    assert control.call("GET", "events", params={"to": SOMCHAI, "after": item["seq"]})["items"] == []
    assert control.call("GET", "events", params={"to": MALAI})["items"] == []


def test_profiles_come_from_the_control_api(line: MessagingApi, control: Control) -> None:
    control.call("POST", "profiles", json={"userId": SOMCHAI, "displayName": "สมชาย", "language": "th"})

    profile = line.get_profile(SOMCHAI, _request_timeout=5)
    with pytest.raises(ApiException) as missing:
        line.get_profile(MALAI, _request_timeout=5)

    assert (profile.display_name, profile.language) == ("สมชาย", "th")
    assert missing.value.status == 404
    assert error_body(missing.value) == {"message": "Not found"}


def test_bot_info(line: MessagingApi) -> None:
    assert line.get_bot_info(_request_timeout=5).chat_mode == "bot"


def test_sent_filters_by_chat_and_sequence(line: MessagingApi, control: Control) -> None:
    for to in (SOMCHAI, MALAI, SOMCHAI):
        line.push_message(push(to), _request_timeout=5)

    first, _, third = control.sent()

    assert [item["seq"] for item in control.sent(to=SOMCHAI)] == [first["seq"], third["seq"]]
    assert control.sent(to=SOMCHAI, after=first["seq"]) == [third]


def test_line_never_rejected_what_the_bot_sent_reads_like_this(line: MessagingApi, control: Control) -> None:
    line.push_message(push(), _request_timeout=5)
    line.reply_message(reply(control.reply_token(SOMCHAI)), _request_timeout=5)

    assert not [r for r in control.requests() if r["errors"]]
    assert {r["status"] for r in control.requests()} == {200}


def test_reset_forgets_everything(line: MessagingApi, control: Control) -> None:
    line.push_message(push(), _request_timeout=5)
    control.fault(delay=1.0)

    control.call("POST", "reset")

    assert control.sent() == [] and control.requests() == []
    assert control.call("GET", "faults") == {"faults": []}


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"status": 200},
        {"delay": -1},
        {"status": 500, "times": 0},
        {"status": 500, "paths": "/v2/bot/message/push"},
        {"stauts": 500},
    ],
)
def test_a_fault_must_make_sense(standin: StandIn, settings: dict[str, Any]) -> None:
    response = requests.post(f"{standin.url}/_standin/faults", json=settings, timeout=5)

    assert response.status_code == 400


def test_a_path_line_does_not_have_answers_like_line(standin: StandIn) -> None:
    response = requests.get(
        f"{standin.url}/v2/bot/nothing", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )

    assert (response.status_code, response.json()) == (404, {"message": "Not found"})


def test_runs_as_a_process_until_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.dev.standin", "--port", "0", "--token", TOKEN],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        assert requests.get(f"{url}/_standin/health", timeout=5).json() == {"status": "ok"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_for_a_load_test_the_checks_can_be_off_and_every_send_slowed_like_lines_round_trip() -> None:
    """`--no-check` lets a body LINE would refuse through (a load test checks bodies in a
    separate run), and `--latency-ms` answers every send only after the delay, in parallel."""
    import threading

    with serve(channel_access_token=TOKEN, check=False, latency=0.2) as server:
        body = {"to": SOMCHAI, "messages": [{"type": "text", "text": ""}]}  # LINE refuses empty text
        headers = {"Authorization": f"Bearer {TOKEN}"}
        answers: list[tuple[int, float]] = []

        def send() -> None:
            started = time.perf_counter()
            response = requests.post(f"{server.url}/v2/bot/message/push", json=body, headers=headers, timeout=5)
            answers.append((response.status_code, time.perf_counter() - started))

        started = time.perf_counter()
        threads = [threading.Thread(target=send) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {status for status, _ in answers} == {200}
        assert min(took for _, took in answers) >= 0.2
        assert time.perf_counter() - started < 0.2 * 5  # the delays overlap
        profile = requests.get(f"{server.url}/v2/bot/info", headers=headers, timeout=5)
        assert profile.elapsed.total_seconds() < 0.2  # only sends are slowed
    with serve(channel_access_token=TOKEN) as checking:
        refused = requests.post(f"{checking.url}/v2/bot/message/push", json=body, headers=headers, timeout=5)
        assert refused.status_code == 400
