"""LINE down: the stand-in drops the connection without an answer, then comes back."""
from __future__ import annotations

import pytest
import urllib3
from linebot.v3.messaging import MessagingApi, PushMessageRequest

from tests.standin.conftest import Control

SOMCHAI = "U" + "1" * 32


def push() -> PushMessageRequest:
    return PushMessageRequest.from_dict({"to": SOMCHAI, "messages": [{"type": "text", "text": "สวัสดีครับ"}]})


def test_line_down_drops_the_connection_twice_then_answers(line: MessagingApi, control: Control) -> None:
    control.fault(down=True, times=2, paths=["/v2/bot/message/push"])

    for _ in range(2):
        with pytest.raises(urllib3.exceptions.HTTPError):
            line.push_message(push(), _request_timeout=5)
    line.push_message(push(), _request_timeout=5)

    assert len(control.sent()) == 1


def test_down_and_a_status_do_not_mix(control: Control) -> None:
    with pytest.raises(Exception, match="400"):
        control.fault(down=True, status=500)
