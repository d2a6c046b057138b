"""Rich menus and message content on the stand-in, through the real LINE SDK, as LINE answers."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    RichMenuBatchRequest,
    RichMenuRequest,
)
from PIL import Image

from bot.dev.standin import StandIn
from tests.standin.conftest import TOKEN, Control

SOMCHAI = "U" + "1" * 32
MALAI = "U" + "2" * 32
TIMEOUT = (3.0, 5.0)


@pytest.fixture
def blob(standin: StandIn) -> Iterator[MessagingApiBlob]:
    with ApiClient(Configuration(host=standin.url, access_token=TOKEN)) as client:
        yield MessagingApiBlob(client)


def definition(width: int = 2500, height: int = 843, **changes: Any) -> dict[str, Any]:
    half = width // 2
    body = {
        "size": {"width": width, "height": height},
        "selected": True,
        "name": "kaejon-test",
        "chatBarText": "เมนู",
        "areas": [
            {
                "bounds": {"x": 0, "y": 0, "width": half, "height": height},
                "action": {"type": "postback", "label": "สิทธิ์ของฉัน", "data": "a=rights",
                           "displayText": "สิทธิ์ของฉัน"},
            },
            {
                "bounds": {"x": half, "y": 0, "width": width - half, "height": height},
                "action": {"type": "postback", "data": "a=menu", "displayText": "เมนู"},
            },
        ],
    }
    return body | changes


def picture(width: int = 2500, height: int = 843, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#0D47A1").save(buffer, format=kind)
    return buffer.getvalue()


def create(line: MessagingApi, body: dict[str, Any] | None = None) -> str:
    request = RichMenuRequest.from_dict(body or definition())
    menu_id: str = line.create_rich_menu(request, _request_timeout=TIMEOUT).rich_menu_id
    return menu_id


def upload(blob: MessagingApiBlob, menu_id: str, image: bytes, content_type: str = "image/png") -> None:
    # The SDK sends a blob without a Content-Type unless told to; LINE needs one.
    blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": content_type}, _request_timeout=TIMEOUT)


def ready(line: MessagingApi, blob: MessagingApiBlob, **size: int) -> str:
    menu_id = create(line, definition(**size))
    upload(blob, menu_id, picture(**size))
    return menu_id


def refusal(error: ApiException) -> tuple[int, str]:
    return error.status, json.loads(error.body)["message"]


def snapshot(control: Control) -> dict[str, Any]:
    found: dict[str, Any] = control.call("GET", "richmenus")
    return found


def test_a_menu_is_created_given_its_picture_and_linked_to_a_user(
    line: MessagingApi, blob: MessagingApiBlob, control: Control
) -> None:
    menu_id = create(line)
    image = picture()
    upload(blob, menu_id, image)
    line.link_rich_menu_id_to_user(SOMCHAI, menu_id, _request_timeout=TIMEOUT)

    assert menu_id.startswith("richmenu-") and len(menu_id) == len("richmenu-") + 32
    assert line.get_rich_menu_id_of_user(SOMCHAI, _request_timeout=TIMEOUT).rich_menu_id == menu_id
    [menu] = snapshot(control)["richmenus"]
    assert menu["definition"] == definition()
    assert menu["image"] == {
        "contentType": "image/png", "width": 2500, "height": 843, "bytes": len(image),
        "sha256": hashlib.sha256(image).hexdigest(),
    }
    assert snapshot(control)["links"] == {SOMCHAI: menu_id}
    assert bytes(blob.get_rich_menu_image(menu_id, _request_timeout=TIMEOUT)) == image


def test_a_menu_reads_back_as_created(line: MessagingApi, blob: MessagingApiBlob) -> None:
    menu_id = ready(line, blob)

    menu = line.get_rich_menu(menu_id, _request_timeout=TIMEOUT)
    [listed] = line.get_rich_menu_list(_request_timeout=TIMEOUT).richmenus

    assert menu.rich_menu_id == listed.rich_menu_id == menu_id
    assert (menu.name, menu.chat_bar_text, menu.selected) == ("kaejon-test", "เมนู", True)
    assert [area.action.data for area in menu.areas] == ["a=rights", "a=menu"]


def test_a_large_menu_takes_a_jpeg(line: MessagingApi, blob: MessagingApiBlob, control: Control) -> None:
    menu_id = create(line, definition(height=1686))

    upload(blob, menu_id, picture(height=1686, kind="JPEG"), "image/jpeg")

    [menu] = snapshot(control)["richmenus"]
    assert (menu["image"]["contentType"], menu["image"]["height"]) == ("image/jpeg", 1686)


def test_the_default_menu_is_set_read_and_cancelled(line: MessagingApi, blob: MessagingApiBlob) -> None:
    menu_id = ready(line, blob)

    line.set_default_rich_menu(menu_id, _request_timeout=TIMEOUT)
    assert line.get_default_rich_menu_id(_request_timeout=TIMEOUT).rich_menu_id == menu_id
    line.cancel_default_rich_menu(_request_timeout=TIMEOUT)

    with pytest.raises(ApiException) as missing:
        line.get_default_rich_menu_id(_request_timeout=TIMEOUT)
    assert refusal(missing.value) == (404, "no default richmenu")


def test_deleting_a_menu_unlinks_its_users_and_clears_the_default(
    line: MessagingApi, blob: MessagingApiBlob, control: Control
) -> None:
    menu_id = ready(line, blob)
    line.link_rich_menu_id_to_user(SOMCHAI, menu_id, _request_timeout=TIMEOUT)
    line.set_default_rich_menu(menu_id, _request_timeout=TIMEOUT)

    line.delete_rich_menu(menu_id, _request_timeout=TIMEOUT)

    assert snapshot(control) == {"richmenus": [], "links": {}, "default": None}
    with pytest.raises(ApiException) as gone:
        line.get_rich_menu(menu_id, _request_timeout=TIMEOUT)
    assert refusal(gone.value) == (404, "Not found")
    with pytest.raises(ApiException) as again:
        line.delete_rich_menu(menu_id, _request_timeout=TIMEOUT)
    assert again.value.status == 404


def test_unlinking_leaves_the_user_without_a_menu_of_their_own(line: MessagingApi, blob: MessagingApiBlob) -> None:
    menu_id = ready(line, blob)
    line.link_rich_menu_id_to_user(SOMCHAI, menu_id, _request_timeout=TIMEOUT)

    line.unlink_rich_menu_id_from_user(SOMCHAI, _request_timeout=TIMEOUT)
    line.unlink_rich_menu_id_from_user(SOMCHAI, _request_timeout=TIMEOUT)

    with pytest.raises(ApiException) as none:
        line.get_rich_menu_id_of_user(SOMCHAI, _request_timeout=TIMEOUT)
    assert refusal(none.value) == (404, "the user has no richmenu")


def test_a_menu_without_a_picture_cannot_be_linked_or_made_the_default(
    line: MessagingApi, control: Control
) -> None:
    menu_id = create(line)

    with pytest.raises(ApiException) as linked:
        line.link_rich_menu_id_to_user(SOMCHAI, menu_id, _request_timeout=TIMEOUT)
    with pytest.raises(ApiException) as default:
        line.set_default_rich_menu(menu_id, _request_timeout=TIMEOUT)

    expected = (400, "must upload richmenu image before applying it to user")
    assert refusal(linked.value) == refusal(default.value) == expected
    assert snapshot(control)["links"] == {} and snapshot(control)["default"] is None


def test_a_menu_that_does_not_exist_cannot_be_linked(line: MessagingApi) -> None:
    with pytest.raises(ApiException) as linked:
        line.link_rich_menu_id_to_user(SOMCHAI, "richmenu-" + "0" * 32, _request_timeout=TIMEOUT)

    assert refusal(linked.value) == (404, "Not found")


@pytest.mark.parametrize("user_id", ["U123", "somchai", "C" + "1" * 32])
def test_a_link_needs_a_user_id(line: MessagingApi, blob: MessagingApiBlob, user_id: str) -> None:
    menu_id = ready(line, blob)

    with pytest.raises(ApiException) as refused:
        line.link_rich_menu_id_to_user(user_id, menu_id, _request_timeout=TIMEOUT)

    assert refusal(refused.value) == (400, "The value for the 'userId' parameter is invalid")


def test_a_picture_of_another_size_is_refused(line: MessagingApi, blob: MessagingApiBlob, control: Control) -> None:
    menu_id = create(line)

    with pytest.raises(ApiException) as refused:
        upload(blob, menu_id, picture(height=1686))

    assert refusal(refused.value) == (400, "The image size is not allowed for richmenu")
    assert snapshot(control)["richmenus"][0]["image"] is None
    [request] = [r for r in control.requests() if r["path"].endswith("/content")]
    assert request["errors"] == ["the image is 2500x1686, the rich menu 2500x843"]


@pytest.mark.parametrize(
    ("image", "content_type", "status"),
    [
        (picture(), "image/gif", 415),
        (picture(kind="JPEG"), "image/png", 400),
        (b"not a picture at all", "image/png", 400),
        (picture()[:200], "image/png", 400),
        (b"\x89PNG" + b"\x00" * (1024 * 1024), "image/png", 400),
    ],
    ids=["gif", "jpeg-called-png", "not-an-image", "truncated", "over-1-MB"],
)
def test_a_picture_line_cannot_use_is_refused(
    line: MessagingApi, blob: MessagingApiBlob, control: Control, image: bytes, content_type: str, status: int
) -> None:
    menu_id = create(line)

    with pytest.raises(ApiException) as refused:
        upload(blob, menu_id, image, content_type)

    assert refused.value.status == status
    assert snapshot(control)["richmenus"][0]["image"] is None


def test_a_picture_cannot_be_replaced(line: MessagingApi, blob: MessagingApiBlob) -> None:
    menu_id = ready(line, blob)

    with pytest.raises(ApiException) as refused:
        upload(blob, menu_id, picture())

    assert refusal(refused.value) == (400, "An image has already been uploaded to the richmenu")


def test_a_picture_for_a_menu_that_does_not_exist(blob: MessagingApiBlob) -> None:
    with pytest.raises(ApiException) as refused:
        upload(blob, "richmenu-" + "0" * 32, picture())

    assert refusal(refused.value) == (404, "Not found")


@pytest.mark.parametrize(
    ("changes", "property_"),
    [
        ({"size": {"width": 2500, "height": 2000}}, "size"),
        ({"size": {"width": 3000, "height": 843}}, "size.width"),
        ({"chatBarText": "เมนูสำหรับครัวเรือนทุกครัวเรือน"}, "chatBarText"),
        ({"areas": [{"bounds": {"x": 10, "y": 0, "width": 2500, "height": 843},
                     "action": {"type": "postback", "data": "a=menu"}}]}, "areas[0].bounds"),
        ({"areas": [{"bounds": {"x": 0, "y": 0, "width": 100, "height": 100},
                     "action": {"type": "postback", "data": "a=menu"}}] * 21}, "areas"),
        ({"areas": [{"bounds": {"x": 0, "y": 0, "width": 100, "height": 100},
                     "action": {"type": "postback", "label": "ก" * 21, "data": "a=menu"}}]},
         "areas[0].action.label"),
        ({"areas": [{"bounds": {"x": 0, "y": 0, "width": 100, "height": 100},
                     "action": {"type": "postback"}}]}, "areas[0].action.data"),
    ],
    ids=["too-tall", "too-wide", "chat-bar-text", "area-outside", "21-areas", "long-label", "no-data"],
)
def test_a_menu_line_would_refuse(line: MessagingApi, standin: StandIn, changes: dict[str, Any], property_: str) -> None:
    body = definition(**changes)
    for path in ("/v2/bot/richmenu", "/v2/bot/richmenu/validate"):
        response = requests.post(
            standin.url + path, json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
        )
        assert response.status_code == 400
        assert property_ in [detail["property"] for detail in response.json()["details"]]
    assert line.get_rich_menu_list(_request_timeout=TIMEOUT).richmenus == []


def test_a_name_is_required(standin: StandIn) -> None:
    body = definition()
    del body["name"]

    response = requests.post(
        f"{standin.url}/v2/bot/richmenu", json=body, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )

    assert response.status_code == 400
    assert response.json()["details"] == [{"message": "'name' is a required property", "property": "name"}]


def test_validate_checks_a_menu_without_creating_it(line: MessagingApi, control: Control) -> None:
    line.validate_rich_menu_object(RichMenuRequest.from_dict(definition()), _request_timeout=TIMEOUT)

    assert snapshot(control)["richmenus"] == []


def test_a_batch_moves_every_user_of_one_menu_to_another(
    line: MessagingApi, blob: MessagingApiBlob, control: Control
) -> None:
    old, new = ready(line, blob), ready(line, blob)
    for user in (SOMCHAI, MALAI):
        line.link_rich_menu_id_to_user(user, old, _request_timeout=TIMEOUT)

    response = line.rich_menu_batch_with_http_info(
        RichMenuBatchRequest.from_dict({"operations": [{"type": "link", "from": old, "to": new}]}),
        _request_timeout=TIMEOUT,
    )
    progress = line.get_rich_menu_batch_progress(response.headers["x-line-request-id"], _request_timeout=TIMEOUT)

    assert response.status_code == 202
    assert progress.phase == "succeeded" and progress.completed_time is not None
    assert snapshot(control)["links"] == {SOMCHAI: new, MALAI: new}


def test_a_batch_can_unlink_everyone(line: MessagingApi, blob: MessagingApiBlob, control: Control) -> None:
    menu_id = ready(line, blob)
    line.link_rich_menu_id_to_user(SOMCHAI, menu_id, _request_timeout=TIMEOUT)

    line.rich_menu_batch(RichMenuBatchRequest.from_dict({"operations": [{"type": "unlinkAll"}]}),
                         _request_timeout=TIMEOUT)

    assert snapshot(control)["links"] == {}


def test_a_batch_to_a_menu_without_a_picture_is_refused(line: MessagingApi, blob: MessagingApiBlob) -> None:
    old, bare = ready(line, blob), create(line)

    with pytest.raises(ApiException) as refused:
        line.rich_menu_batch(
            RichMenuBatchRequest.from_dict({"operations": [{"type": "link", "from": old, "to": bare}]}),
            _request_timeout=TIMEOUT,
        )

    assert refused.value.status == 400


def test_message_content_is_served_as_registered(blob: MessagingApiBlob, control: Control, standin: StandIn) -> None:
    photo = picture(800, 600, "JPEG")
    requests.post(f"{standin.url}/_standin/content/100001", data=photo,
                  headers={"Content-Type": "image/jpeg"}, timeout=5).raise_for_status()

    response = blob.get_message_content_with_http_info("100001", _request_timeout=TIMEOUT)

    assert response.status_code == 200
    assert bytes(response.data) == photo
    assert response.headers["Content-Type"] == "image/jpeg"


def test_content_nobody_sent_is_not_found(blob: MessagingApiBlob) -> None:
    with pytest.raises(ApiException) as missing:
        blob.get_message_content_with_http_info("999999", _request_timeout=TIMEOUT)

    assert refusal(missing.value) == (404, "Not found")


def test_content_needs_a_body_and_its_type(standin: StandIn) -> None:
    response = requests.post(f"{standin.url}/_standin/content/1", data=b"", timeout=5)

    assert response.status_code == 400


def test_reset_forgets_menus_and_content(
    line: MessagingApi, blob: MessagingApiBlob, control: Control, standin: StandIn
) -> None:
    menu_id = ready(line, blob)
    line.link_rich_menu_id_to_user(SOMCHAI, menu_id, _request_timeout=TIMEOUT)
    line.set_default_rich_menu(menu_id, _request_timeout=TIMEOUT)
    requests.post(f"{standin.url}/_standin/content/7", data=b"voice",
                  headers={"Content-Type": "audio/m4a"}, timeout=5).raise_for_status()

    control.call("POST", "reset")

    assert snapshot(control) == {"richmenus": [], "links": {}, "default": None}
    with pytest.raises(ApiException):
        blob.get_message_content("7", _request_timeout=TIMEOUT)


def test_the_menu_a_user_sees_is_served_with_its_areas_and_its_picture(
    line: MessagingApi, blob: MessagingApiBlob, control: Control
) -> None:
    """What the simulator draws under a chat: the user's own menu, else the default, and the
    picture the bot uploaded, byte for byte."""
    household_menu = create(line, definition(name="household"))
    household_picture = picture()
    upload(blob, household_menu, household_picture)
    leader_menu = create(line, definition(height=1686, name="leader"))
    leader_picture = picture(height=1686)
    upload(blob, leader_menu, leader_picture)
    assert requests.get(f"{control.url}/_standin/users/{MALAI}/richmenu", timeout=5).status_code == 404

    line.set_default_rich_menu(household_menu, _request_timeout=TIMEOUT)
    line.link_rich_menu_id_to_user(SOMCHAI, leader_menu, _request_timeout=TIMEOUT)

    somchai = control.call("GET", f"users/{SOMCHAI}/richmenu")
    malai = control.call("GET", f"users/{MALAI}/richmenu")
    assert (somchai["richMenuId"], somchai["source"]) == (leader_menu, "linked")
    assert (malai["richMenuId"], malai["source"]) == (household_menu, "default")
    assert somchai["definition"]["areas"] == definition(height=1686)["areas"]
    assert somchai["definition"]["size"] == {"width": 2500, "height": 1686}
    image = requests.get(control.url + somchai["imageUrl"], timeout=5)
    assert image.headers["Content-Type"] == "image/png"
    assert image.content == leader_picture
    assert requests.get(control.url + malai["imageUrl"], timeout=5).content == household_picture

    line.unlink_rich_menu_id_from_user(SOMCHAI, _request_timeout=TIMEOUT)
    assert control.call("GET", f"users/{SOMCHAI}/richmenu")["richMenuId"] == household_menu
