import pytest

from messages import line, postback
from messages.line import MessageLimitError, utf16_units


def test_short_text_is_one_message():
    assert line.text("hello") == [{"type": "text", "text": "hello"}]


def test_long_text_is_split_within_utf16_limit_without_breaking_emoji():
    long = "😀" * 3000  # 6,000 UTF-16 units
    pieces = line.text(long)
    assert len(pieces) == 2
    assert all(utf16_units(p["text"]) <= line.MAX_TEXT_UNITS for p in pieces)
    assert "".join(p["text"] for p in pieces) == long


def test_long_thai_text_splits_at_spaces_and_keeps_marks_with_their_consonant():
    sentence = "ผู้สูงอายุที่ยังไม่ได้รับเบี้ยยังชีพ "
    pieces = line.split_text(sentence * 400, limit=1000)
    assert len(pieces) > 1
    for piece in pieces:
        assert utf16_units(piece) <= 1000
        assert piece.startswith("ผู้")


def test_quick_replies_go_on_the_last_message():
    actions = [line.message_action("a", "a")]
    pieces = line.text("x" * 6000, quick=actions)
    assert "quickReply" not in pieces[0]
    assert pieces[-1]["quickReply"]["items"][0]["action"]["label"] == "a"


def test_labels_are_shortened_to_what_line_shows():
    action = line.postback_action("ขอความช่วยเหลือเร่งด่วนมากที่สุด", "a=help")
    assert utf16_units(action["label"]) <= line.MAX_LABEL
    assert action["label"].endswith(line.ELLIPSIS)


@pytest.mark.parametrize(
    "build",
    [
        lambda: line.quick_reply([line.message_action(str(i), str(i)) for i in range(14)]),
        lambda: line.postback_action("x", "a=" + "x" * 299),
        lambda: line.carousel([line.bubble("t", ["l"])] * 13),
        lambda: line.carousel([]),
        lambda: postback.encode("x", v="y" * 300),
    ],
    ids=["14 quick replies", "301-char postback", "13 bubbles", "empty carousel", "long encoded postback"],
)
def test_what_line_would_refuse_cannot_be_built(build):
    with pytest.raises(MessageLimitError):
        build()


def test_limits_at_the_edge_are_allowed():
    assert len(line.quick_reply([line.message_action(str(i), str(i)) for i in range(13)])["items"]) == 13
    assert len(line.carousel([line.bubble("t", ["l"])] * 12)["contents"]) == 12
    assert line.postback_action("x", "a=" + "x" * 298)["data"]


@pytest.mark.parametrize(
    "data, expected",
    [
        ("a=language&set=en", ("language", {"set": "en"})),
        ("a=menu", ("menu", {})),
        ("", ("", {})),
        (None, ("", {})),
        ("garbage&&==", ("", {})),
        ("a=x&" + "k=v&" * 100, ("", {})),
    ],
)
def test_postback_data_decodes_or_yields_nothing(data, expected):
    assert postback.decode(data) == expected


def test_postback_roundtrip():
    assert postback.decode(postback.encode("case", id=42, page=2)) == ("case", {"id": "42", "page": "2"})
