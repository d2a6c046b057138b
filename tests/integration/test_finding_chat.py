"""Finding a household in chat, through /callback: the leader taps "Find a household", types
what they know, gets cards of the households of their area, each opening the household's card."""
from __future__ import annotations

from casework.citizen_id import with_check_digit
from tests import registry_data

ASKED = "ค้นหาครัวเรือนไหน"
NOTHING = "ไม่พบครัวเรือนในพื้นที่ของคุณ"


def bubbles(carousel):
    return carousel["contents"]["contents"]


def test_a_leader_finds_a_household_by_name_and_opens_its_card(kanya, services):
    household_id = registry_data.household(services, head="สมชาย ใจดี")
    kanya.taps("a=find")
    (question,) = kanya.received()
    assert question["text"].startswith(ASKED)
    kanya.says("นายสมชาย  ใจดี")
    heading, carousel = kanya.received()
    assert heading["text"] == "พบครัวเรือน 1 หลัง"
    (card,) = bubbles(carousel)
    assert f"a=hh&id={household_id}" in str(card)
    kanya.taps(f"a=hh&id={household_id}")
    (opened,) = kanya.received()
    assert "สมชาย ใจดี" in str(opened["contents"]["body"])


def test_by_house_number_and_village_and_by_id_then_nothing_found_asks_again(kanya, services):
    household_id = registry_data.household(services, "46010105", "12")
    kanya.taps("a=find")
    kanya.received()
    kanya.says("บ้านเลขที่ ๑๒ หมู่ ๕")
    _heading, carousel = kanya.received()
    assert f"a=hh&id={household_id}" in str(bubbles(carousel))
    kanya.says(with_check_digit("110170012345"))  # the question stays open for another search
    _heading, carousel = kanya.received()
    assert f"a=hh&id={household_id}" in str(bubbles(carousel))
    kanya.says("มานี มีนา")
    (answer,) = kanya.received()
    assert answer["text"].startswith(NOTHING)


def test_a_leader_of_another_area_finds_nothing(dao, services):
    registry_data.household(services, head="สมชาย ใจดี")
    dao.taps("a=find")
    dao.received()
    dao.says("สมชาย")
    (answer,) = dao.received()
    assert answer["text"].startswith(NOTHING)


def test_many_results_come_in_pages_with_a_more_button(kanya, services):
    for number in range(12):
        registry_data.household(services, "46010105", str(40 + number), head=f"บุญมี ศรีสุข{number}",
                                citizen=f"11017009{number:04d}")
    kanya.taps("a=find")
    kanya.received()
    kanya.says("บุญมี")
    heading, carousel = kanya.received()
    assert heading["text"] == "พบครัวเรือน 12 หลัง"
    first = bubbles(carousel)
    assert len(first) == 11 and "a=find_more&o=10" in str(first[-1])
    kanya.taps("a=find_more&o=10")
    _heading, carousel = kanya.received()
    second = bubbles(carousel)
    assert len(second) == 2 and "find_more" not in str(second)
    assert not {str(b) for b in first[:10]} & {str(b) for b in second}
