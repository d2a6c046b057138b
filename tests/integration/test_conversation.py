"""The first conversation, through /callback, the worker, the real SDK and the stand-in."""
import requests
from sqlalchemy import func, select

from bot.dev import line_events as le
from casework import chats
from casework.models import Chat, InboxEvent, OutboxMessage
from tests.conftest import drain


def count(services, model) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def quick_reply_labels(message) -> list[str]:
    return [item["action"]["label"] for item in message["quickReply"]["items"]]


def test_following_brings_a_thai_welcome_with_the_menu_and_the_privacy_notice(somchai):
    assert somchai.follow().status_code == 200
    welcome, notice = somchai.received()
    assert welcome["text"].startswith("ยินดีต้อนรับสู่แก้จน")
    assert quick_reply_labels(welcome) == ["สิทธิ์ของฉัน", "ลงทะเบียนครัวเรือน", "เกี่ยวกับแก้จน", "วิธีใช้งาน",
                                           "ภาษา"]
    assert notice["type"] == "flex"
    buttons = notice["contents"]["footer"]["contents"]
    assert [b["action"]["data"] for b in buttons] == ["a=consent&v=yes", "a=consent&v=no"]


def sent_calls(standin, user) -> list[dict]:
    return requests.get(f"{standin.url}/_standin/sent", params={"to": user.user_id}, timeout=5).json()["items"]


def test_the_welcome_is_one_reply_not_a_paid_push(somchai, standin):
    somchai.follow()
    somchai.received()
    (item,) = sent_calls(standin, somchai)
    assert item["kind"] == "reply"


def test_unfollowing_marks_the_user_inactive_and_stops_pushes(somchai, services):
    somchai.follow()
    somchai.received()
    somchai.send(le.unfollow(somchai.source()))
    drain(services)
    with services.uow() as uow:
        chat = chats.find(uow.session, somchai.user_id)
        assert chat is not None and chat.active is False
    assert somchai.received() == []


def test_typing_something_unknown_gets_an_apology_and_the_menu(somchai):
    somchai.says("สวัสดีครับ ขอเงินหน่อย")
    (answer,) = somchai.received()
    assert answer["text"].startswith("ขออภัยค่ะ")
    assert len(quick_reply_labels(answer)) == 5


def test_typing_a_button_label_works_like_tapping_it(somchai):
    somchai.says("วิธีใช้งาน")
    (answer,) = somchai.received()
    assert "1300" in answer["text"] and "1330" in answer["text"]


def test_a_sticker_is_answered_in_words_the_user_reads(somchai):
    somchai.send(le.message(somchai.source(), somchai.reply_token(),
                            {"type": "sticker", "id": "1", "packageId": "446", "stickerId": "1988"}))
    (answer,) = somchai.received()
    assert answer["text"].startswith("ตอนนี้แก้จนอ่านได้เฉพาะข้อความและปุ่ม")


def test_about_is_a_flex_card(somchai):
    somchai.taps("a=about")
    (card,) = somchai.received()
    assert card["type"] == "flex"
    assert card["contents"]["header"]["contents"][0]["text"] == "แก้จน"


def test_switching_to_english_changes_later_answers(somchai):
    somchai.taps("a=language")
    (picker,) = somchai.received()
    assert quick_reply_labels(picker) == ["ไทย", "English"]
    somchai.taps("a=language&set=en")
    (done,) = somchai.received()
    assert done["text"] == "Done. I will write to you in this language."
    somchai.says("menu")
    assert quick_reply_labels(somchai.received()[0]) == ["My rights", "Register household", "About Kaejon",
                                                         "How to use", "Language"]


def test_forged_or_stale_postbacks_get_the_menu_back(somchai):
    for data in ("a=delete_everything", "a=language&set=xx", "%%%", "a=" + "x" * 400):
        somchai.taps(data)
        (answer,) = somchai.received()
        assert answer["text"].startswith("ปุ่มนี้ไม่ได้ใช้งานแล้ว")


def test_one_event_delivered_three_times_is_answered_once(somchai, services, standin):
    event = le.follow(somchai.source(), somchai.reply_token())
    for redelivery in (False, True, True):
        event["deliveryContext"]["isRedelivery"] = redelivery
        assert somchai.send(event).status_code == 200
    somchai.received()
    assert len(sent_calls(standin, somchai)) == 1
    assert count(services, InboxEvent) == 1


def test_many_events_in_one_request_are_each_answered_once_in_order(somchai):
    source = somchai.source()
    somchai.send(*(le.text(source, somchai.reply_token(), f"#{i}") for i in range(5)),
                 le.postback_event(source, somchai.reply_token(), "a=help"))
    answers = somchai.received()
    assert len(answers) == 6
    assert "1300" in answers[-1]["text"]


def test_standby_events_are_stored_and_nothing_is_sent(somchai, services):
    somchai.send(le.follow(somchai.source(), somchai.reply_token(), mode="standby"))
    assert somchai.received() == []
    assert count(services, InboxEvent) == 1 and count(services, OutboxMessage) == 0


def test_unknown_event_types_are_stored_and_nothing_breaks(somchai, services):
    assert somchai.send(le.event("quantumEntanglement", somchai.source(), reply_token="x")).status_code == 200
    assert somchai.received() == []
    somchai.says("menu")
    assert len(somchai.received()) == 1


def test_the_bot_greets_a_group_and_stays_quiet_in_its_chatter(agency_group):
    agency_group.send(le.event("join", {"type": "group", "groupId": agency_group.group_id},
                               reply_token=agency_group.reply_token()))
    (hello,) = agency_group.received()
    assert "กลุ่มนี้" in hello["text"]
    agency_group.says("ประชุมบ่ายนี้นะครับ")
    assert agency_group.received() == []
    agency_group.says("เมนู")
    assert len(agency_group.received()) == 1


def test_leaving_a_group_marks_it_inactive(agency_group, services):
    agency_group.send(le.event("leave", {"type": "group", "groupId": agency_group.group_id}))
    drain(services)
    with services.uow() as uow:
        assert uow.session.scalar(select(Chat.active).where(Chat.line_id == agency_group.group_id)) is False


def test_consenting_is_recorded_and_declining_keeps_nothing_personal(somchai, malai, services):
    somchai.follow()
    somchai.received()
    somchai.taps("a=consent&v=yes")
    (thanks,) = somchai.received()
    assert thanks["text"].startswith("ขอบคุณ")
    malai.taps("a=consent&v=no")
    (ok,) = malai.received()
    assert "ไม่เก็บข้อมูลส่วนบุคคล" in ok["text"]
    with services.uow() as uow:
        from casework import accounts, consent
        assert consent.given(uow.session, scope="personal",
                             account_id=accounts.find(uow.session, somchai.user_id).id)
        assert not consent.given(uow.session, scope="personal",
                                 account_id=accounts.find(uow.session, malai.user_id).id)


def test_two_people_get_their_own_answers(somchai, malai):
    somchai.follow()
    malai.says("อะไรนะ")
    assert somchai.received()[0]["text"].startswith("ยินดีต้อนรับ")
    assert malai.received()[0]["text"].startswith("ขออภัยค่ะ")


def test_rich_menu_buttons_for_parts_not_built_yet_say_so(somchai):
    somchai.taps("a=area")  # "My area" is not built yet
    assert somchai.received()[0]["text"].startswith("ส่วนนี้ของแก้จนยังไม่เปิดใช้งาน")


def test_buttons_in_a_group_never_show_personal_data(agency_group, services):
    from tests import registry_data

    household_id = registry_data.household(services)
    for data in (f"a=hh&id={household_id}", "a=pending", "a=my_data", "a=consent&v=yes"):
        agency_group.taps(data)
        assert agency_group.received()[0]["text"].startswith("ข้อมูลส่วนบุคคลแสดงเฉพาะในแชตส่วนตัว")
    agency_group.taps("a=help")
    assert "1300" in agency_group.received()[0]["text"]
