"""The webhook's contract with LINE: verify, store durably, answer 200 fast."""
import json

import pytest
from sqlalchemy import func, select

from bot.dev import line_events as le
from bot.app import create_app
from bot.bootstrap import bootstrap
from casework.models import InboxEvent
from tests.conftest import CHANNEL_SECRET, make_settings


def stored(services) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(InboxEvent))


@pytest.mark.parametrize(
    "signature",
    ["", "bm90IGEgc2lnbmF0dXJl", le.sign(b"another body", CHANNEL_SECRET), le.sign(b"x", "wrong secret")],
    ids=["missing", "garbage", "other body", "other secret"],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(somchai, services, signature, caplog):
    response = somchai.send(le.follow(somchai.source(), "t"), signature=signature)
    assert response.status_code == 400
    assert stored(services) == 0
    refusals = [r for r in caplog.records if r.getMessage() == "webhook refused"]
    assert len(refusals) == 1


def test_the_consoles_verify_request_gets_200(client):
    body = json.dumps({"destination": "U0", "events": []}).encode()
    response = client.post("/callback", data=body, headers={"X-Line-Signature": le.sign(body, CHANNEL_SECRET)})
    assert response.status_code == 200


@pytest.mark.parametrize("body", [b"not json", b'{"events": "nope"}', b"[]", b'{"events": [1]}', b"\xff\xfe"])
def test_a_signed_but_malformed_body_is_refused(client, services, body):
    response = client.post("/callback", data=body, headers={"X-Line-Signature": le.sign(body, CHANNEL_SECRET)})
    assert response.status_code == 400
    assert stored(services) == 0


def test_logs_carry_no_message_text_or_user_id(somchai, caplog):
    caplog.set_level("INFO")
    somchai.says("เบอร์โทร 0812345678 ป่วยเป็นเบาหวาน")
    somchai.received()
    logged = "\n".join(str(r.__dict__) for r in caplog.records)
    assert "0812345678" not in logged and "เบาหวาน" not in logged
    assert somchai.user_id not in logged
    assert any(getattr(r, "fields", {}).get("outcome") == "not_understood" for r in caplog.records)


def test_healthz_says_ok_when_the_database_answers(client):
    assert client.get("/healthz").status_code == 200


def test_healthz_says_unavailable_when_the_database_does_not(tmp_path):
    settings = make_settings(f"sqlite:///{tmp_path}/missing/dir/kaejon.db", "http://127.0.0.1:9")
    response = create_app(services=bootstrap(settings)).test_client().get("/healthz")
    assert response.status_code == 503
