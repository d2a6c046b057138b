"""Issue 11's cards in the simulator, on the demo's data: the households to check name
their head (masked) with house and village; every button reads whole and apart from the
others; scores read on a scale; a mis-tap in the check is undone with Back; a note typed
during the check reaches the confirmer, who sees the answers, who checked and when."""
from __future__ import annotations

from typing import Any

from casework import registry
from casework.thai_time import THAILAND
from messages.line import ELLIPSIS, MAX_LABEL, utf16_units
from tests.simulator.chat import Chat, actions, texts
from tests.simulator.test_simulator import CAST, HOUSEHOLD, LEADER
from bot.dev.demo.seed import seed
from casework.models import Household

COORDINATOR = next(p for p in CAST.people if p.key == "coordinator")


def household_at(services, house_no: str, village: str = "46010105") -> int:
    with services.uow() as uow:
        found = registry.find_by_address(uow.session, uow.sealer, village, house_no)
        assert found is not None
        return found.id


def quick_labels(message: dict[str, Any]) -> list[str]:
    return [item["action"]["label"] for item in message.get("quickReply", {}).get("items", [])]


def start_check(leader: Chat, household_id: int) -> dict[str, Any]:
    """Begin the check, the household declining sensitive questions; the first question."""
    leader.send("postback", data=f"a=check&id={household_id}")
    (question,) = leader.send("postback", data=f"a=sens&id={household_id}&v=no")
    return question


def answer_all(leader: Chat, question: dict[str, Any], choice: int = 1) -> dict[str, Any]:
    """Tap option ``choice`` (0 = the first) of every question; the summary card."""
    message = question
    for _ in range(30):
        if message.get("type") == "flex":
            return message
        (message,) = leader.tap(message, quick_labels(message)[choice])
    raise AssertionError("the check never ended")


def test_11a_the_households_to_check_name_the_head_masked_with_house_and_village(client, services):
    seed(services, CAST)
    leader = Chat(client, services, LEADER)
    heading, carousel = leader.send("postback", data="a=pending")
    bubble = next(b for b in carousel["contents"]["contents"] if "สมชาย" in texts(b))
    shown = texts(bubble)
    assert "สมชาย ใจ." in shown and "ใจดี" not in shown, "the head's name, surname masked"
    assert "บ้านเลขที่ 12" in shown and "หมู่ 5" in shown and "บ้านโนนสวรรค์" in shown


def test_11b_every_button_of_the_household_card_reads_whole_and_apart(client, services):
    seed(services, CAST)
    household_id = household_at(services, "12")
    with services.uow() as uow:
        from casework import accounts
        somchai = accounts.get_or_create(uow.session, HOUSEHOLD.line_user_id, services.clock())
        registry.request_link(uow.session, uow.sealer, uow.session.get(Household, household_id), somchai.id,
                              services.clock(), typed_name="สมชาย ใจดี")
        uow.commit()
    leader = Chat(client, services, LEADER)
    (card,) = leader.send("postback", data=f"a=hh&id={household_id}")
    labels = list(actions(card))
    assert "อนุมัติคำขอ LINE" in labels and "ให้รหัสเชื่อม LINE" in labels
    for label in labels:
        assert utf16_units(label) <= MAX_LABEL and not label.endswith(ELLIPSIS), label
    assert len(labels) == len(set(labels))


def test_11c_scores_read_on_a_scale_with_words(client, services):
    seed(services, CAST)
    leader = Chat(client, services, LEADER)
    summary = answer_all(leader, start_check(leader, household_at(services, "12")), choice=1)
    shown = texts(summary["contents"])
    assert "ทุนมนุษย์ ●●○○ น้อย (2.0 จาก 4)" in shown
    assert "เฉลี่ย: ●●○○ น้อย (2.00 จาก 4)" in shown


def test_11d_back_returns_to_the_previous_question_with_its_answer_dropped(client, services):
    seed(services, CAST)
    leader = Chat(client, services, LEADER)
    household_id = household_at(services, "12")
    first = start_check(leader, household_id)
    assert "ย้อนกลับ" not in quick_labels(first), "nothing to go back to"
    (second,) = leader.tap(first, quick_labels(first)[0])  # a mis-tap: "ไม่ได้เรียน"
    assert second["text"].startswith("ข้อ 2 จาก")
    (again,) = leader.tap(second, "ย้อนกลับ")
    assert again["text"].startswith("ข้อ 1 จาก") and "การศึกษา" in again["text"]
    assert "คำตอบเดิม: ไม่ได้เรียน" in again["text"], "she sees what she is changing"
    (second,) = leader.tap(again, "มัธยม/ปวช.")
    summary = answer_all(leader, second, choice=1)
    (last,) = leader.tap(summary, "ย้อนกลับ")
    assert last["text"].startswith("ข้อ 13 จาก 13")
    summary = answer_all(leader, last, choice=1)
    leader.tap(summary, "ส่งให้ยืนยัน")
    with services.uow() as uow:
        from casework.models import Assessment
        from sqlalchemy import select
        answers = uow.session.scalar(select(Assessment.answers).where(Assessment.household_id == household_id))
    assert answers["education"] == 3, "the answer after Back, not the mis-tap"


def test_11e_a_field_note_typed_during_the_check_is_kept_sealed_and_shown_to_the_confirmer(client, services):
    seed(services, CAST)
    leader, coordinator = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    household_id = household_at(services, "12")
    first = start_check(leader, household_id)
    kept, question = leader.send("text", text="หลังคารั่ว ฝนตกน้ำเข้าบ้าน")
    assert kept["text"].startswith("เก็บบันทึกไว้กับการสอบทานแล้ว")
    assert question["text"] == first["text"], "the same question is asked again"
    leader.tap(answer_all(leader, question, choice=1), "ส่งให้ยืนยัน")
    with services.uow() as uow:
        from casework.models import Assessment
        from sqlalchemy import select
        stored = uow.session.scalar(select(Assessment).where(Assessment.household_id == household_id))
        assert stored.review_note is not None and "หลังคารั่ว".encode() not in stored.review_note, "sealed"
    *_told, waiting = coordinator.send("postback", data="a=review")  # after the push that a check waits
    assert "บันทึกจากพื้นที่: หลังคารั่ว ฝนตกน้ำเข้าบ้าน" in texts(waiting["contents"])


def test_11f_the_confirmer_sees_the_answers_per_capital_who_checked_and_when(client, services):
    seed(services, CAST)
    leader, coordinator = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    leader.tap(answer_all(leader, start_check(leader, household_at(services, "12")), choice=1), "ส่งให้ยืนยัน")
    *_told, waiting = coordinator.send("postback", data="a=review")
    shown = texts(waiting["contents"])
    human = shown.index("ทุนมนุษย์ ●●○○")
    assert shown.index("การศึกษาสูงสุดของสมาชิกวัยทำงาน: ประถม") > human
    assert shown.index("สภาพที่อยู่อาศัย:") > shown.index("ทุนกายภาพ ●●○○")
    assert "สอบทานโดย กันยา (ผู้นำชุมชน) เมื่อ" in shown
    now = services.clock().astimezone(THAILAND)
    when = shown.split("สอบทานโดย กันยา (ผู้นำชุมชน) เมื่อ ")[1].splitlines()[0]
    assert when.startswith(f"{now.day} ") and f" {now.year + 543} " in when, "a Thai Buddhist-era date and time"


def confirmed_check(client, services) -> tuple[Chat, int]:
    """The leader checks house 12 (with a field note) and the coordinator confirms it."""
    seed(services, CAST)
    leader, coordinator = Chat(client, services, LEADER), Chat(client, services, COORDINATOR)
    household_id = household_at(services, "12")
    start_check(leader, household_id)
    _kept, question = leader.send("text", text="หลังคารั่ว")
    leader.tap(answer_all(leader, question, choice=1), "ส่งให้ยืนยัน")
    *_told, waiting = coordinator.send("postback", data="a=review")
    coordinator.tap(waiting, "ยืนยัน")
    return coordinator, household_id


def test_12_the_changes_log_reads_as_sentences_with_names_and_sealed_values_unshown(client, services):
    coordinator, _household_id = confirmed_check(client, services)
    (log,) = coordinator.send("postback", data="a=audit")
    shown = log["text"]
    assert ("ประเสริฐ (ผู้ประสานงานอำเภอ) ยืนยันผลสอบทานของ บ้านเลขที่ 12 หมู่ 5 บ้านโนนสวรรค์ (สมชาย ใจ.): "
            "สถานะ สอบทานแล้ว รอยืนยัน → ผ่านการสอบทานแล้ว") in shown
    assert "กันยา (ผู้นำชุมชน) ส่งผลสอบทานของ บ้านเลขที่ 12" in shown
    assert "เพิ่มบันทึกจากพื้นที่แล้ว" in shown and "หลังคารั่ว" not in shown, "a sealed value says only that it was added"
    assert f"{services.clock().year + 543}" in shown, "a Buddhist-era date"
    for developer_words in ("household.confirm", "account:", "awaiting_review", " · household "):
        assert developer_words not in shown


def test_13_a_coordinators_task_says_what_for_whom_by_when_and_opens_and_closes(client, services):
    seed(services, CAST)
    household_id = household_at(services, "12")
    with services.uow() as uow:
        from casework import accounts
        somchai = accounts.get_or_create(uow.session, HOUSEHOLD.line_user_id, services.clock())
        task = registry.request_change(uow.session, uow.sealer, household=uow.session.get(Household, household_id),
                                       account_id=somchai.id, kind="correct", now=services.clock(),
                                       details="เบอร์โทรเปลี่ยนเป็น 0812345678")
        due = task.due_at.astimezone(THAILAND)
        uow.commit()
    coordinator = Chat(client, services, COORDINATOR)
    (tasks,) = coordinator.send("postback", data="a=tasks")
    shown = texts(tasks["contents"])
    assert "ครัวเรือนขอให้แก้ไขข้อมูล" in shown
    assert "บ้านเลขที่ 12 หมู่ 5 บ้านโนนสวรรค์" in shown and "สมชาย ใจ." in shown
    assert f"ภายใน {due.day} " in shown and f"{due.year + 543}" in shown
    buttons = actions(tasks)
    (card,) = coordinator.tap(tasks, "เปิดข้อมูลครัวเรือน")
    assert card["type"] == "flex" and "สมชาย ใจดี" in texts(card["contents"])
    (done,) = coordinator.send("postback", data=buttons["ทำเสร็จแล้ว"])
    assert done["text"] == "บันทึกว่าดำเนินการเสร็จแล้ว"
    (again,) = coordinator.send("postback", data=buttons["ทำเสร็จแล้ว"])
    assert again["text"].startswith("คำขอนี้ถูกบันทึกว่าดำเนินการเสร็จแล้ว") and "คุณ" in again["text"]
    (empty,) = coordinator.send("postback", data="a=tasks")
    assert empty["text"] == "ไม่มีคำขอแก้ไขหรือลบข้อมูลที่รอคุณในพื้นที่"


def test_13_the_coordinators_two_request_lists_are_named_apart():
    from messages import menu
    from messages.i18n import translator

    thai = translator("th")
    labels = {entry.action: thai.gettext(entry.label) for entry in menu.ROLE_MENUS["coordinator"]}
    assert labels["tasks"] == "คำขอแก้หรือลบข้อมูล" and labels["open_cases"] == "คำขอที่ยังเปิดอยู่"
    assert {entry.label for entry in menu.ROLE_MENUS["coordinator"]} >= {"Data requests", "Open requests"}


def test_11g_a_requests_photos_come_as_images_at_signed_addresses_that_expire(client, services):
    from datetime import timedelta
    from urllib.parse import urlsplit

    from bot.photo_links import PhotoLinks
    from casework import cases, photos
    from casework.models import Attachment
    from sqlalchemy import select

    seed(services, CAST)
    household_id = household_at(services, "12")
    picture = b"\xff\xd8\xff\xe0 a roof that leaks \xff\xd9"
    with services.uow() as uow:
        from casework import accounts
        somchai = accounts.get_or_create(uow.session, HOUSEHOLD.line_user_id, services.clock())
        case = cases.open_case(uow.session, uow.sealer, household=uow.session.get(Household, household_id),
                               need="housing", account_id=somchai.id, now=services.clock(), details="หลังคารั่ว",
                               photos=["900000000001"])
        pending = photos.claim(uow.session, services.clock())
        photos.store(uow.session, uow.sealer, pending, picture, "image/jpeg")
        case_id = case.id
        photo_id = uow.session.scalar(select(Attachment.id).where(Attachment.case_id == case_id))
        uow.commit()
    leader = Chat(client, services, LEADER)
    (card,) = leader.send("postback", data=f"a=case&id={case_id}")
    heading, image = leader.tap(card, "ดูรูปถ่าย")
    assert "ใช้ได้ 1 ชั่วโมง" in heading["text"]
    assert image["type"] == "image" and image["originalContentUrl"] == image["previewImageUrl"]
    address = urlsplit(image["originalContentUrl"])
    assert address.geturl().startswith(services.settings.public_url + "/photos/")
    served = client.get(address.path)
    assert served.status_code == 200 and served.data == picture and served.mimetype == "image/jpeg"
    assert "private" in served.headers["Cache-Control"]
    token = address.path.rsplit("/", 1)[1]
    # Change the signature's first character: its last one may only carry padding bits.
    head, signature = token.rsplit(".", 1)
    forged = f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert client.get(f"/photos/{forged}").status_code == 404, "a wrong signature"
    assert client.get(f"/photos/{photo_id + 1}.{token.split('.', 1)[1]}").status_code == 404, "another photo"
    old = PhotoLinks(services.settings, lambda: services.clock() - timedelta(hours=1, minutes=1))
    assert client.get(urlsplit(old.url(photo_id)).path).status_code == 410, "past its hour"
    household = Chat(client, services, HOUSEHOLD)
    household.send("follow")
    (refused,) = household.send("postback", data=f"a=cphotos&id={case_id}")
    assert refused["type"] == "text" and "image" not in str(refused)
