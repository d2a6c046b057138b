"""Cases as plain rules: the statuses a request moves through, its reference number, and
the buttons households and leaders see (labels LINE shows whole)."""
from datetime import datetime, timezone

import pytest

from casework import cases
from casework.cases import CaseView, Update
from messages import help_requests as views
from messages.i18n import translator
from messages.line import ELLIPSIS, MAX_LABEL, utf16_units

# Every legal move of the one state machine, written out; every other (status, transition) is refused.
LEGAL = {
    ("new", "acknowledged"): "triaged", ("reopened", "acknowledged"): "triaged",
    **{(status, "relayed"): status for status in ("triaged", "planned", "referred", "in_progress")},
    ("new", "relayed"): "triaged", ("reopened", "relayed"): "triaged",
    **{(status, "note"): status for status in cases.OPEN},
    **{(status, "planned"): "planned" for status in ("new", "triaged", "reopened", "referred", "in_progress")},
    **{(status, "referred"): "referred" for status in ("new", "triaged", "planned", "reopened", "in_progress")},
    **{(status, "in_progress"): "in_progress" for status in ("triaged", "planned", "referred")},
    **{(status, "resolved"): "resolved" for status in cases.OPEN},
    **{(status, "closed"): "closed" for status in cases.OPEN},
    ("resolved", "reopened"): "reopened", ("closed", "reopened"): "reopened",
    ("resolved", "confirmed"): "resolved", ("closed", "confirmed"): "closed",
    **{(status, "rejected"): "rejected" for status in ("new", "triaged", "reopened")},
    **{(status, "withdrawn"): "withdrawn" for status in cases.OPEN},
}
MOVES = [(status, kind, LEGAL.get((status, kind))) for status in cases.STATUSES
         for kind in (*cases.TRANSITIONS, "opened")]


@pytest.mark.parametrize("status, kind, after", MOVES)
def test_each_update_moves_a_case_as_the_table_says(status, kind, after):
    assert cases.allowed(status, kind) is (after is not None)
    if after is None:
        with pytest.raises(cases.CaseError):
            cases.next_status(status, kind)
    else:
        assert cases.next_status(status, kind) == after


def test_rejected_and_withdrawn_cases_are_final_and_finished_ones_can_only_be_reopened():
    assert not any(cases.allowed(status, kind) for status in ("rejected", "withdrawn") for kind in cases.TRANSITIONS)
    assert [kind for kind in cases.TRANSITIONS if cases.allowed("closed", kind)] == ["reopened", "confirmed"]
    assert {after for row in cases.TRANSITIONS.values() for after in row.values()} <= set(cases.STATUSES)


@pytest.mark.parametrize("moment, year", [
    (datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc), 2569),
    (datetime(2026, 12, 31, 16, 59, tzinfo=timezone.utc), 2569),
    (datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc), 2570),  # midnight in Bangkok
])
def test_the_reference_year_is_the_buddhist_year_in_thailand(moment, year):
    assert cases.ref_year(moment) == year


@pytest.mark.parametrize("number, ref", [(1, "KJ-2569-000001"), (123, "KJ-2569-000123"),
                                         (999_999, "KJ-2569-999999")])
def test_reference_numbers_read_as_people_quote_them(number, ref):
    assert cases.format_ref(2569, number) == ref


def a_case(status="new", location=(16.43, 103.5)):
    now = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)
    return CaseView(id=42, ref="KJ-2569-000042", need="care", status=status, household_id=7,
                    village_code="46010105", house_no="12", details="x" * 2000, location=location, photos=5,
                    created_at=now, updated_at=now,
                    updates=(Update(kind="relayed", status_after=status, note="y" * 600, at=now),))


def built(tr, language):
    yield views.ask_need(tr)
    yield views.ask_details(tr, "care")
    yield views.not_linked(tr, [])
    yield views.offer_handoff(tr)
    yield views.confirm_close(tr, "KJ-2569-000042", 42, 3)
    yield views.ask_reply(tr, "KJ-2569-000042", 42)
    yield views.case_card(tr, language, a_case(), [])
    yield views.new_case_notice(tr, language, a_case())
    yield views.handoff_notice(tr, language, a_case(), "z" * 1500, more=False)
    yield views.my_requests(tr, language, 30, [a_case(status) for status in cases.STATUSES * 4], [])


def actions(message):
    found = [item["action"] for item in message.get("quickReply", {}).get("items", [])]
    contents = message.get("contents", {})
    for bubble in contents.get("contents", [contents]):
        found += [button["action"] for button in bubble.get("footer", {}).get("contents", [])]
    return found


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_button_label_fits_whole_and_no_answer_needs_more_than_one_call(language):
    tr = translator(language)
    for messages in built(tr, language):
        assert 1 <= len(messages) <= 5
        for message in messages:
            for action in actions(message):
                label = action["label"]
                assert utf16_units(label) <= MAX_LABEL and not label.endswith(ELLIPSIS), label


def test_my_requests_pages_at_a_carousel_and_says_how_many_there_are():
    tr = translator("th")
    heading, listing = views.my_requests(tr, "th", 30, [a_case() for _ in range(12)], [])
    assert heading["text"] == "คำขอล่าสุด 12 รายการ จากทั้งหมด 30 รายการ:"
    assert len(listing["contents"]["contents"]) == 12


@pytest.mark.parametrize("typed, need", [("สุขภาพ", "health"), ("  เงินหรือ อาหาร", None),
                                         ("Money or food", "money_food"), ("ส่งคำขอ", None)])
def test_a_typed_label_counts_as_the_need_it_names(typed, need):
    assert views.typed_need(translator("th"), typed) == need


@pytest.mark.parametrize("reason, text", [
    ("too_long", "ข้อความยาวเกินไป กรุณาพิมพ์ไม่เกิน 1000 ตัวอักษร"),
    ("too_many_photos", "แนบรูปได้สูงสุด 5 รูปต่อคำขอ"),
    ("bad_location", "อ่านตำแหน่งนี้ไม่ได้ กรุณาส่งอีกครั้ง"),
    ("bad_need", "แนบสติกเกอร์หรือข้อความประเภทนี้กับคำขอไม่ได้ค่ะ"),
])
def test_each_problem_is_said_with_its_limit(reason, text):
    (message,) = views.problem(translator("th"), reason)
    assert message["text"] == text
