"""The issue's story in chat: a leader invited for a sub-district verifies a household,
a second person confirms, a leader of another area is refused, the audit log shows
each step, and a household links its LINE only through a leader."""
import json

import pytest
import requests
from sqlalchemy import select

from casework import audit
from casework.models import Assessment, Household
from casework.questionnaire import default as questionnaire
from casework.sealing import open_from
from tests import registry_data
from tests.conftest import LineUser


def answer_everything(leader, household_id, value=2):
    leader.taps(f"a=check&id={household_id}")
    (question,) = leader.received()
    assert "ยินยอม" in question["text"]  # sensitive-data consent comes first
    leader.taps(f"a=sens&id={household_id}&v=yes")
    for item in questionnaire().questions:
        (question,) = leader.received()
        assert question["text"].startswith("ข้อ")
        leader.taps(f"a=ans&id={household_id}&q={item.key}&v={value}")
    (summary,) = leader.received()
    return summary


def test_an_invite_makes_a_leader_of_the_sub_district(client, services, standin):
    user = LineUser("U" + "6" * 32, client, services, standin)
    user.says(registry_data.invite(services, "leader", "460101", "กันยา"))
    (welcome,) = user.received()
    assert "ผู้นำชุมชน" in welcome["text"] and "กาฬสินธุ์" in welcome["text"]
    labels = [item["action"]["label"] for item in welcome["quickReply"]["items"]]
    assert labels[:2] == ["ครัวเรือนรอสอบทาน", "รอยืนยัน"]


def test_an_invite_works_once(client, services, standin):
    code = registry_data.invite(services, "leader", "460101")
    first = LineUser("U" + "6" * 32, client, services, standin)
    second = LineUser("U" + "7" * 32, client, services, standin)
    first.says(code)
    first.received()
    second.says(code)
    assert second.received()[0]["text"] == "รหัสเชิญนี้ถูกใช้ไปแล้ว"


def test_a_leader_verifies_and_another_confirms(kanya, lek, services):
    household_id = registry_data.household(services)
    kanya.taps("a=pending")
    heading, carousel = kanya.received()
    assert heading["text"] == "ครัวเรือนรอสอบทาน 1 หลัง"
    assert carousel["contents"]["type"] == "carousel"
    kanya.taps(f"a=hh&id={household_id}")
    (card,) = kanya.received()
    body = str(card["contents"]["body"])
    assert "สมชาย ใจดี" in body and "1-1017-xxxxx-xx-" in body and "110170012345" not in body

    summary = answer_everything(kanya, household_id, value=2)
    assert "กลุ่ม: 2 อยู่ยาก" in str(summary)
    kanya.taps(f"a=submit&id={household_id}")
    assert kanya.received()[0]["text"].startswith("ส่งแล้ว")

    kanya.taps("a=review")
    assert kanya.received()[0]["text"] == "ไม่มีรายการรอให้คุณยืนยัน"  # not one's own
    (news,) = lek.received()  # no coordinator covers the village: its other leader is told
    assert news["altText"] == "มีผลสอบทานรอคุณยืนยัน"
    lek.taps("a=review")
    (to_confirm,) = lek.received()
    confirm = to_confirm["contents"]["contents"][0]["footer"]["contents"][0]["action"]["data"]
    lek.taps(confirm)
    assert lek.received()[0]["text"].startswith("ยืนยันแล้ว")
    (told,) = kanya.received()
    assert told["altText"] == "ผลสอบทานของคุณได้รับการยืนยันแล้ว"

    with services.uow() as uow:
        household = uow.session.get(Household, household_id)
        assessment = uow.session.scalars(select(Assessment)).one()
        assert (household.status, household.poverty_group) == ("verified", 2)
        assert assessment.scores == {"human": 2, "physical": 2, "financial": 2, "natural": 2, "social": 2}
        assert assessment.status == "confirmed"
        steps = [c.action for c in audit.history(uow.session, uow.sealer, entity="household",
                                                   entity_id=household_id)]
    assert steps == ["household.confirm", "household.submit", "consent.sensitive", "household.created"]


def test_a_reviewer_can_return_with_a_note_and_the_assessor_hears_it(kanya, lek, services):
    household_id = registry_data.household(services)
    answer_everything(kanya, household_id, value=3)
    kanya.taps(f"a=submit&id={household_id}")
    kanya.received()
    lek.received()  # the news that a check waits
    lek.taps("a=review")
    (to_confirm,) = lek.received()
    back = to_confirm["contents"]["contents"][0]["footer"]["contents"][1]["action"]["data"]
    lek.taps(back)
    assert lek.received()[0]["text"].startswith("ควรสอบทาน")
    lek.says("บ้านมีหลังคารั่ว ตรวจอีกครั้ง")
    assert lek.received()[0]["text"] == "ส่งกลับพร้อมหมายเหตุของคุณแล้ว"
    (news,) = kanya.received()
    assert "หลังคารั่ว" in str(news["contents"])
    with services.uow() as uow:
        assert uow.session.get(Household, household_id).status == "returned"


def check_begun(leader, services) -> int:
    """A household whose check the leader has begun (no sensitive consent, one answer given)."""
    household_id = registry_data.household(services)
    for data in (f"a=check&id={household_id}", f"a=sens&id={household_id}&v=no",
                 f"a=ans&id={household_id}&q=education&v=3"):
        leader.taps(data)
        leader.received()
    return household_id


def test_a_questionnaire_can_be_paused_and_resumed(kanya, services):
    household_id = check_begun(kanya, services)
    kanya.taps("a=pause")
    assert kanya.received()[0]["text"].startswith("พักไว้แล้ว")
    kanya.taps(f"a=hh&id={household_id}")
    (card,) = kanya.received()
    assert "สอบทานต่อ" in str(card)
    kanya.taps(f"a=check&id={household_id}")
    (question,) = kanya.received()
    assert question["text"].startswith("ข้อ 2 จาก 13")  # health skipped without consent


@pytest.mark.parametrize("what", ["text", "sticker"])
def test_typing_where_a_button_is_expected_keeps_a_note_or_asks_again(kanya, services, what):
    household_id = registry_data.household(services)
    kanya.taps(f"a=check&id={household_id}")
    kanya.received()
    kanya.taps(f"a=sens&id={household_id}&v=yes")
    kanya.received()
    if what == "text":
        kanya.says("สอง")
    else:
        from bot.dev import line_events as le
        kanya.send(le.message(kanya.source(), kanya.reply_token(),
                              {"type": "sticker", "id": "9", "packageId": "446", "stickerId": "1988"}))
    please, question = kanya.received()
    if what == "text":  # words typed during a check are a field note for the confirmer (issue 11e)
        assert please["text"].startswith("เก็บบันทึกไว้กับการสอบทานแล้ว")
    else:
        assert please["text"] == "กรุณาตอบโดยแตะปุ่มด้านล่าง"
    assert question["text"].startswith("ข้อ 1 จาก 14")


def test_a_forged_answer_is_refused_and_saves_nothing(kanya, services):
    household_id = registry_data.household(services)
    kanya.taps(f"a=check&id={household_id}")
    kanya.received()
    kanya.taps(f"a=sens&id={household_id}&v=yes")
    kanya.received()
    kanya.taps(f"a=ans&id={household_id}&q=education&v=9")
    please, question = kanya.received()
    assert question["text"].startswith("ข้อ 1 จาก 14")


def test_a_leader_of_another_area_is_refused_everything(dao, services, caplog):
    household_id = registry_data.household(services)
    dao.taps("a=pending")
    assert dao.received()[0]["text"] == "ไม่มีครัวเรือนรอสอบทานในพื้นที่ของคุณ"
    for data in (f"a=hh&id={household_id}", f"a=check&id={household_id}",
                 f"a=ans&id={household_id}&q=education&v=2", f"a=submit&id={household_id}",
                 f"a=link&id={household_id}"):
        dao.taps(data)
        assert dao.received()[0]["text"] == "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"
    refusals = [r for r in caplog.records if r.getMessage() == "refused"]
    assert len(refusals) == 5
    with services.uow() as uow:
        assert uow.session.get(Household, household_id).status == "listed"


def test_a_household_links_only_through_its_leader(kanya, somchai, services):
    household_id = registry_data.household(services)
    somchai.follow()
    somchai.received()
    somchai.taps("a=consent&v=yes")
    somchai.received()
    somchai.says("1101700123456")  # typing a citizen ID opens nothing
    assert somchai.received()[0]["text"].startswith("ขออภัยค่ะ")
    somchai.says("k7qm 4xpd 9a")  # a guessed code
    assert somchai.received()[0]["text"].startswith("รหัสนี้ไม่ถูกต้อง")

    kanya.taps(f"a=link&id={household_id}")
    (offer,) = kanya.received()
    code = offer["text"].splitlines()[-1]
    somchai.says(code)
    assert somchai.received()[0]["text"].startswith("เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")
    somchai.taps("a=my_data")
    (mine,) = somchai.received()
    assert "สมชาย ใจดี" in str(mine) and "110170012345" not in str(mine)
    somchai.taps("a=req&k=erase")
    assert somchai.received()[0]["text"].startswith("ส่งคำขอถึงผู้ประสานงาน")


def test_coordinators_read_the_changes_log_and_requests(prasert, kanya, lek, services):
    household_id = registry_data.household(services)
    answer_everything(kanya, household_id)
    kanya.taps(f"a=submit&id={household_id}")
    kanya.received()
    assert prasert.received()[0]["altText"] == "มีผลสอบทานรอคุณยืนยัน"
    prasert.taps("a=audit")
    (log,) = prasert.received()
    assert "ส่งผลสอบทานของ" in log["text"] and "household.submit" not in log["text"]
    assert "สถานะ อยู่ในรายชื่อ ยังไม่สอบทาน → สอบทานแล้ว รอยืนยัน" in log["text"]
    kanya.taps("a=audit")
    assert kanya.received()[0]["text"] == "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"


def test_an_invite_gives_the_role_its_rich_menu(client, services, standin):
    from bot.line import api as line_api
    from bot.line import richmenu as rm

    rm.RichMenuSync(services, line_api.messaging_api(services.settings),
                    line_api.messaging_blob_api(services.settings), line_api.timeout(services.settings)).run()
    user = LineUser("U" + "6" * 32, client, services, standin)
    user.says(registry_data.invite(services, "leader", "460101"))
    user.received()
    menus = requests.get(f"{standin.url}/_standin/richmenus", timeout=5).json()
    with services.uow() as uow:
        from casework.models import RichMenu
        leader_menu = uow.session.get(RichMenu, "leader").line_rich_menu_id
    assert menus["links"][user.user_id] == leader_menu


def test_photos_and_the_location_sent_during_a_check_are_kept_sealed(kanya, services, standin):
    from bot import worker
    from bot.dev import line_events as le
    from casework.models import Attachment

    household_id = registry_data.household(services)
    kanya.taps(f"a=check&id={household_id}")
    kanya.received()
    picture = b"\x89PNG\r\n\x1a\n" + b"roof" * 100
    requests.post(f"{standin.url}/_standin/content/555001", data=picture,
                  headers={"Content-Type": "image/png"}, timeout=5).raise_for_status()
    kanya.send(le.message(kanya.source(), kanya.reply_token(), {"type": "image", "id": "555001"}))
    assert kanya.received()[0]["text"] == "บันทึกรูปแล้ว (รวม 1 รูป)"
    kanya.send(le.message(kanya.source(), kanya.reply_token(),
                          {"type": "location", "id": "2", "latitude": 16.43, "longitude": 103.5, "address": "x"}))
    assert kanya.received()[0]["text"] == "บันทึกตำแหน่งแล้ว"
    assert worker.fetch_one_photo(services)
    with services.uow() as uow:
        photo = uow.session.scalars(select(Attachment)).one()
        assert photo.status == "stored" and photo.size == len(picture)
        assert b"roof" not in photo.content
        assert open_from(services.sealer, photo, "content", as_json=False) == picture
        assert uow.session.get(Household, household_id).location is not None


def test_a_photo_outside_a_check_is_not_kept(somchai, services):
    from bot.dev import line_events as le
    from casework.models import Attachment

    somchai.send(le.message(somchai.source(), somchai.reply_token(), {"type": "image", "id": "555002"}))
    assert somchai.received()[0]["text"].startswith("ตอนนี้แก้จนอ่านได้เฉพาะข้อความและปุ่ม")
    with services.uow() as uow:
        assert uow.session.scalars(select(Attachment)).all() == []


def test_a_photo_line_no_longer_has_is_marked_failed_not_retried_forever(kanya, services):
    from bot import worker
    from bot.dev import line_events as le
    from casework.models import Attachment

    household_id = registry_data.household(services)
    kanya.taps(f"a=check&id={household_id}")
    kanya.received()
    kanya.send(le.message(kanya.source(), kanya.reply_token(), {"type": "image", "id": "555404"}))
    kanya.received()
    assert worker.fetch_one_photo(services)
    assert not worker.fetch_one_photo(services)
    with services.uow() as uow:
        assert uow.session.scalars(select(Attachment)).one().status == "failed"


def test_a_household_registers_itself_and_its_leader_approves_the_link(kanya, somchai, services):
    registry_data.village(services, "46010105")
    somchai.follow()
    somchai.received()
    somchai.taps("a=consent&v=yes")
    somchai.received()
    somchai.taps("a=register_self")
    assert "ตำบล" in somchai.received()[0]["text"]
    somchai.says("กาฬสินธุ์")
    (choices,) = somchai.received()
    choose = next(b["footer"]["contents"][0]["action"]["data"] for b in choices["contents"]["contents"]
                  if "a=reg&sd=460101" == b["footer"]["contents"][0]["action"]["data"])
    somchai.taps(choose)
    (village_question,) = somchai.received()
    assert [i["action"]["data"] for i in village_question["quickReply"]["items"]] == ["a=reg&v=46010105"]
    somchai.says("๕")  # Thai digit, typed
    assert somchai.received()[0]["text"] == "บ้านเลขที่เท่าไร"
    somchai.says("ไม่รู้")
    assert somchai.received()[0]["text"] == "ข้อมูลดูไม่ถูกต้อง กรุณาลองอีกครั้ง"
    somchai.says("99/1")
    somchai.received()
    somchai.says("สมชาย ใจดี")
    (confirm,) = somchai.received()
    assert "46010105" not in str(confirm) and "99/1" in str(confirm)
    somchai.taps("a=reg&ok=1")
    assert somchai.received()[0]["text"].startswith("ลงทะเบียนแล้ว")
    (notice,) = kanya.received()
    assert "ลงทะเบียนเอง" in json.dumps(notice["contents"], ensure_ascii=False)

    with services.uow() as uow:
        household = uow.session.scalars(select(Household).where(Household.source == "self_registered")).one()
        assert household.status == "pending_check"
        household_id = household.id
    kanya.taps(f"a=hh&id={household_id}")
    (card,) = kanya.received()
    approve = next(b["action"]["data"] for b in card["contents"]["footer"]["contents"]
                   if b["action"]["data"].startswith("a=approve"))
    kanya.taps(approve)
    assert kanya.received()[0]["text"].startswith("อนุมัติแล้ว")
    assert somchai.received()[0]["text"].startswith("เชื่อม LINE ของคุณกับข้อมูลครัวเรือนแล้ว")
    somchai.taps("a=my_data")
    assert "สมชาย ใจดี" in str(somchai.received())


def test_without_consent_nothing_is_registered(somchai, services):
    somchai.taps("a=register_self")
    assert somchai.received()[0]["text"] == "ส่วนนี้ต้องได้รับความยินยอมให้เก็บข้อมูลของคุณก่อน"


def test_a_leader_corrects_details_and_bad_amounts_are_asked_again(kanya, services):
    household_id = check_begun(kanya, services)

    kanya.taps(f"a=fix&id={household_id}")
    assert kanya.received()[0]["text"] == "ต้องแก้ไขข้อมูลใด"
    kanya.taps(f"a=fixf&id={household_id}&f=debt_baht")
    assert kanya.received()[0]["text"] == "พิมพ์จำนวนเงินเป็นบาท"
    for bad, reason in (("-500", "ติดลบไม่ได้"), ("ห้าพัน", "กรุณาพิมพ์ตัวเลข")):
        kanya.says(bad)
        problem, again = kanya.received()
        assert reason in problem["text"] and again["text"] == "พิมพ์จำนวนเงินเป็นบาท"
    kanya.says("๑๒,๕๐๐")
    saved, card = kanya.received()
    assert saved["text"] == "บันทึกแล้ว"

    kanya.taps(f"a=fixf&id={household_id}&f=housing_condition")
    (options,) = kanya.received()
    kanya.taps(options["quickReply"]["items"][2]["action"]["data"])
    kanya.received()
    kanya.taps(f"a=fixf&id={household_id}&f=has_disability_card")
    (whose,) = kanya.received()
    kanya.taps(whose["quickReply"]["items"][0]["action"]["data"])
    assert "ยินยอมโดยชัดแจ้ง" in kanya.received()[0]["text"]  # no sensitive consent was given

    with services.uow() as uow:
        household = uow.session.get(Household, household_id)
        assert (household.debt_baht, household.housing_condition) == (12500, "fair")
        changes = [c.changes for c in audit.history(uow.session, uow.sealer, entity="household",
                                                     entity_id=household_id) if c.action == "household.correct"]
    assert {"debt_baht": [None, 12500]} in changes

    kanya.taps(f"a=check&id={household_id}")  # the check goes on where it was
    (question,) = kanya.received()
    assert question["text"].startswith("ข้อ 2 จาก 13")


def test_another_areas_leader_cannot_correct(dao, services):
    household_id = registry_data.household(services)
    for data in (f"a=fix&id={household_id}", f"a=fixf&id={household_id}&f=debt_baht",
                 f"a=fixv&id={household_id}&f=land&v=none"):
        dao.taps(data)
        assert dao.received()[0]["text"] == "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"


def test_a_coordinator_adds_a_village_in_their_area_only(prasert, services):
    from casework.models import Village

    prasert.taps("a=add_village")
    prasert.received()
    prasert.says("4601010 บ้านใหม่")
    assert prasert.received()[0]["text"].startswith("รหัสหมู่บ้านมี 8 หลัก")
    prasert.says("46010107 บ้านหนองบัวใหม่")
    assert prasert.received()[0]["text"].startswith("เพิ่มหมู่บ้านแล้ว")
    prasert.taps("a=add_village")
    prasert.received()
    prasert.says("46020101 บ้านนอกเขต")  # another district
    assert prasert.received()[0]["text"] == "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"
    with services.uow() as uow:
        assert uow.session.get(Village, "46010107").name == "บ้านหนองบัวใหม่"
        assert uow.session.get(Village, "46020101") is None


def test_a_coordinator_marks_a_household_moved_and_a_leader_cannot(prasert, kanya, services):
    household_id = registry_data.household(services)
    kanya.taps(f"a=end&id={household_id}&k=move&ok=1")
    assert kanya.received()[0]["text"] == "ขออภัย คุณไม่มีสิทธิ์ใช้งานส่วนนี้"
    prasert.taps(f"a=end&id={household_id}&k=move")
    (question,) = prasert.received()
    prasert.taps(question["quickReply"]["items"][0]["action"]["data"])
    assert prasert.received()[0]["text"] == "บันทึกว่าย้ายออกแล้ว"
    with services.uow() as uow:
        assert uow.session.get(Household, household_id).status == "moved"
    kanya.taps("a=pending")
    assert kanya.received()[0]["text"] == "ไม่มีครัวเรือนรอสอบทานในพื้นที่ของคุณ"


def test_a_sticker_during_registration_is_answered_and_the_question_asked_again(somchai, services):
    from bot.dev import line_events as le

    somchai.taps("a=consent&v=yes")
    somchai.received()
    somchai.taps("a=register_self")
    somchai.received()
    somchai.send(le.message(somchai.source(), somchai.reply_token(),
                            {"type": "sticker", "id": "9", "packageId": "446", "stickerId": "1988"}))
    problem, again = somchai.received()
    assert problem["text"] == "ข้อมูลดูไม่ถูกต้อง กรุณาลองอีกครั้ง" and "ตำบล" in again["text"]


def test_chronic_illness_is_recorded_sealed_only_with_consent(kanya, services):
    from casework.models import Person

    household_id = registry_data.household(services)
    kanya.taps(f"a=check&id={household_id}")
    kanya.received()
    kanya.taps(f"a=sens&id={household_id}&v=yes")  # the household consents on site
    kanya.received()
    with services.uow() as uow:
        person_id = uow.session.scalars(select(Person.id)).one()
    kanya.taps(f"a=fixf&id={household_id}&f=health&p={person_id}")
    assert "โรคประจำตัว" in kanya.received()[0]["text"]
    kanya.says("เบาหวาน ความดัน")
    assert kanya.received()[0]["text"] == "บันทึกแล้ว"
    with services.uow() as uow:
        person = uow.session.get(Person, person_id)
        assert "เบาหวาน".encode() not in person.health
        assert open_from(services.sealer, person, "health") == {"value": "เบาหวาน ความดัน"}
