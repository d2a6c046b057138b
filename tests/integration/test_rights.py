""""My rights" in chat and on the command line: an anonymous person answers by buttons
alone (or types numbers, Thai digits too), a linked household gets answers from its
record, every answer shown is kept as a decision with its rule version and inputs, and
nothing personal is kept for the anonymous."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.dev import line_events as le
from casework import accounts, consent, registry
from casework.entitlements import decisions as decision_log
from casework.entitlements import rules
from casework.models import Conversation, Decision, Household
from casework.sealing import open_from
from tests import registry_data
from tests.conftest import LineUser
from tests.rules_data import OLD_AGE_RAISED_FROM_2027


def buttons(message) -> dict[str, str]:
    """A question's quick replies: label -> postback data."""
    return {item["action"]["label"]: item["action"]["data"] for item in message["quickReply"]["items"]}


def tap(user: LineUser, message, label: str):
    """Tap the quick reply whose label is ``label``; the next message(s) the bot sent."""
    user.taps(buttons(message)[label])
    return user.received()


def bubbles(carousel) -> list[dict]:
    assert carousel["type"] == "flex" and carousel["contents"]["type"] == "carousel"
    return carousel["contents"]["contents"]


def bubble_text(bubble) -> str:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "text":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bubble)
    return "\n".join(found)


def titled(carousel, name: str) -> list[str]:
    return [bubble_text(b) for b in bubbles(carousel) if bubble_text(b["header"]).startswith(name)]


def start(user: LineUser):
    user.taps("a=rights")
    (question,) = user.received()
    return question


def answer_all(user: LineUser, *, age="70-79 ปี", card="ไม่มี", children="ไม่มี", size="2 คน", income=0,
               receives=("บัตรทอง",)):
    """Go through the questionnaire by buttons; ``income`` is the index of the band button."""
    question = start(user)
    assert question["text"].startswith("ข้อ 1 จาก 6")
    (question,) = tap(user, question, age)
    (question,) = tap(user, question, card)
    (question,) = tap(user, question, children)
    (question,) = tap(user, question, size)
    assert question["text"].startswith("ข้อ 5 จาก 6")
    (question,) = tap(user, question, list(buttons(question))[income])
    for label in receives:
        (question,) = tap(user, question, label)
        assert "✓ " + label in buttons(question)
    return tap(user, question, "เสร็จแล้ว")


def test_an_anonymous_person_gets_their_rights_by_buttons_alone(somchai, services):
    summary, carousel = answer_all(somchai)
    assert summary["text"].startswith("สิทธิสวัสดิการของคุณ ณ วันที่")
    assert "256" in summary["text"]  # the Buddhist era
    cards = bubbles(carousel)
    assert 1 <= len(cards) <= 12
    (old_age,) = titled(carousel, "เบี้ยยังชีพผู้สูงอายุ")
    assert "ยื่นขอได้" in old_age and "เดือนละ 700 บาท" in old_age
    assert "อายุ 75: ตั้งแต่ 60 ขึ้นไป ✓" in old_age
    assert "ถือว่ามีสัญชาติไทย" in old_age
    assert "องค์การบริหารส่วนตำบล" in old_age and "บัตรประจำตัวประชาชน" in old_age
    assert bubble_text(cards[0]["header"]).startswith("เบี้ยยังชีพผู้สูงอายุ")  # can apply: first
    (gold,) = titled(carousel, "หลักประกันสุขภาพถ้วนหน้า")
    assert "ได้รับอยู่แล้ว" in gold
    assert not titled(carousel, "เบี้ยความพิการ")  # ruled out by the answers: counted in one line, no card
    assert "โครงการอื่นอีก" in summary["text"] and "ไม่ตรงกับคำตอบของคุณ" in summary["text"]

    with services.uow() as uow:
        kept = uow.session.scalars(select(Decision)).all()
        assert kept and {d.channel for d in kept} == {"anonymous"}
        assert {(d.household_id, d.person_id, d.shown_to) for d in kept} == {(None, None, None)}
        old = next(d for d in kept if d.programme == "old_age")
        assert (old.status, old.amount, old.rule_version) == ("eligible", 700, "old_age@2552")
        assert open_from(uow.sealer, old, "inputs")["age"] == 75
        assert uow.session.scalars(select(Conversation)).all() == []  # the answers are gone


def test_income_bands_follow_the_household_size_and_children_count_each(somchai, services):
    question = start(somchai)
    (question,) = tap(somchai, question, "18-59 ปี")
    (question,) = tap(somchai, question, "ไม่มี")
    (question,) = tap(somchai, question, "2 คน")
    assert "1 คน (อยู่คนเดียว)" not in buttons(question) and "2 คน" not in buttons(question)
    (question,) = tap(somchai, question, "4 คน")
    assert list(buttons(question))[:4] == ["ไม่เกิน 12,000", "12,001-33,333", "มากกว่า 33,333", "ไม่ทราบ"]
    (question,) = tap(somchai, question, "12,001-33,333")
    summary, carousel = tap(somchai, question, "ไม่ได้รับเลย")
    (child,) = titled(carousel, "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด")
    assert "เด็กอายุต่ำกว่า 6 ปี (1), เด็กอายุต่ำกว่า 6 ปี (2)" in child
    assert "เดือนละ 600 บาท" in child and "คนละเท่านี้ รวม 2 คน" in child
    with services.uow() as uow:
        support = uow.session.scalars(select(Decision).where(Decision.programme == "child_support",
                                                            Decision.status == "eligible")).all()
        assert len(support) == 2


def test_a_typed_age_in_thai_digits_is_an_answer(somchai):
    start(somchai)
    somchai.says("๗๒")
    (question,) = somchai.received()
    assert question["text"].startswith("ข้อ 2 จาก 6")


@pytest.mark.parametrize("typed, reason", [
    ("150", "อายุนี้เป็นไปไม่ได้"),
    ("-5", "อายุนี้เป็นไปไม่ได้"),
    ("เจ็ดสิบ", "กรุณาพิมพ์ตัวเลข"),
])
def test_an_impossible_or_unreadable_age_is_asked_again(somchai, services, typed, reason):
    start(somchai)
    somchai.says(typed)
    problem, question = somchai.received()
    assert problem["text"].startswith(reason)
    assert question["text"].startswith("ข้อ 1 จาก 6")
    with services.uow() as uow:
        assert uow.session.scalars(select(Decision)).all() == []


def to_income_question(user: LineUser):
    question = start(user)
    for label in ("60-69 ปี", "ไม่มี", "ไม่มี", "3 คน"):
        (question,) = tap(user, question, label)
    return question


@pytest.mark.parametrize("typed, reason", [
    ("-3,000", "รายได้ติดลบไม่ได้"),
    ("๙๙๙,๙๙๙,๙๙๙", "รายได้นี้มากเกินไป"),
    ("พอกิน", "กรุณาพิมพ์ตัวเลข"),
])
def test_a_negative_or_absurd_income_is_asked_again(somchai, typed, reason):
    to_income_question(somchai)
    somchai.says(typed)
    problem, question = somchai.received()
    assert problem["text"].startswith(reason)
    assert question["text"].startswith("ข้อ 5 จาก 6")


def test_a_typed_income_with_separators_is_an_answer(somchai, services):
    to_income_question(somchai)
    somchai.says("๒๕,๐๐๐ บาท")
    (question,) = somchai.received()
    assert question["text"].startswith("ข้อ 6 จาก 6")


@pytest.mark.parametrize("kind", ["sticker", "image", "location"])
def test_a_sticker_or_photo_gets_a_clear_message_and_the_same_question(somchai, kind):
    start(somchai)
    content = {"sticker": {"type": "sticker", "id": "9", "packageId": "446", "stickerId": "1988"},
               "image": {"type": "image", "id": "555010"},
               "location": {"type": "location", "id": "3", "latitude": 16.4, "longitude": 103.5}}[kind]
    somchai.send(le.message(somchai.source(), somchai.reply_token(), content))
    problem, question = somchai.received()
    assert problem["text"] == "กรุณาแตะปุ่มด้านล่าง หรือพิมพ์ตัวเลข"
    assert question["text"].startswith("ข้อ 1 จาก 6")


def test_text_where_a_button_is_expected_asks_again(somchai):
    question = start(somchai)
    (question,) = tap(somchai, question, "ต่ำกว่า 18 ปี")
    somchai.says("มีครับ")
    problem, again = somchai.received()
    assert problem["text"] == "กรุณาตอบโดยแตะปุ่มด้านล่าง"
    assert again["text"] == question["text"]


@pytest.mark.parametrize("data", ["a=rq&s=household_income&v=0", "a=rq&s=age&v=99", "a=rq&s=age&v=x",
                                  "a=rq&s=age&v=%C2%B2", "a=rq&s=age", "a=rq&s=receives&v=done"])
def test_a_stale_or_forged_button_saves_nothing(somchai, services, data):
    start(somchai)
    somchai.taps(data)
    problem, question = somchai.received()
    assert problem["text"] == "กรุณาตอบโดยแตะปุ่มด้านล่าง"
    assert question["text"].startswith("ข้อ 1 จาก 6")
    with services.uow() as uow:
        assert uow.session.scalars(select(Decision)).all() == []


def test_typing_a_buttons_label_is_the_same_as_tapping_it(somchai):
    start(somchai)
    somchai.says("80-89 ปี")
    (question,) = somchai.received()
    assert question["text"].startswith("ข้อ 2 จาก 6")
    somchai.says("ไม่แน่ใจ")
    (question,) = somchai.received()
    assert question["text"].startswith("ข้อ 3 จาก 6")


def test_not_sure_and_dont_know_leave_those_rights_to_check(somchai):
    summary, carousel = answer_all(somchai, age="80-89 ปี", card="ไม่แน่ใจ", size="1 คน (อยู่คนเดียว)", income=3,
                                   receives=())
    (old_age,) = titled(carousel, "เบี้ยยังชีพผู้สูงอายุ")
    assert "เดือนละ 800 บาท" in old_age
    (disability,) = titled(carousel, "เบี้ยความพิการ")
    assert "ยังบอกไม่ได้" in disability and "คนนี้มีบัตรประจำตัวคนพิการหรือไม่" in disability
    (welfare,) = titled(carousel, "บัตรสวัสดิการแห่งรัฐ")
    assert "ทั้งครัวเรือนมีรายได้รวมปีละเท่าไร" in welfare and "คนนี้มีรายได้ของตนเองปีละเท่าไร" in welfare


def test_stopping_keeps_nothing(somchai, services):
    question = start(somchai)
    (question,) = tap(somchai, question, "60-69 ปี")
    (stopped,) = tap(somchai, question, "หยุด")
    assert stopped["text"].startswith("หยุดแล้ว")
    with services.uow() as uow:
        assert uow.session.scalars(select(Conversation)).all() == []
        assert uow.session.scalars(select(Decision)).all() == []
    somchai.taps("a=rq&s=disability_card&v=0")
    assert somchai.received()[0]["text"].startswith("คำถามชุดนั้นจบแล้ว")


def test_in_english_the_answers_are_in_english(somchai):
    somchai.taps("a=language&set=en")
    somchai.received()
    question = start(somchai)
    assert question["text"].startswith("Question 1 of 6")
    for label in ("90 or over", "Yes", "None", "1 (just me)"):
        (question,) = tap(somchai, question, label)
    assert list(buttons(question))[:3] == ["Up to 3,000", "3,001-8,333", "Over 8,333"]
    (question,) = tap(somchai, question, "Over 8,333")
    summary, carousel = tap(somchai, question, "None of these")
    assert summary["text"].startswith("Your welfare rights on ")
    (old_age,) = titled(carousel, "Old-age allowance")
    assert "1,000 baht a month" in old_age and "Age 92: 60 or over ✓" in old_age
    (disability,) = titled(carousel, "Disability allowance")
    assert "800 baht a month" in disability
    assert not titled(carousel, "State welfare card")  # lives alone: her own income is over the limit
    assert re.search(r"\d+ other programmes? do(es)? not fit your answers\.", summary["text"])


def test_buttons_of_my_rights_are_refused_in_a_group(agency_group):
    agency_group.taps("a=rights")
    assert agency_group.received()[0]["text"].startswith("ข้อมูลส่วนบุคคลแสดงเฉพาะในแชตส่วนตัว")


# A linked household ----------------------------------------------------------------------

def linked_household(services, user: LineUser, people: list[registry.NewPerson]) -> int:
    registry_data.village(services, "46010105")
    with services.uow() as uow:
        home = registry.add_household(uow.session, uow.sealer, village_code="46010105", house_no="7",
                                      address="", people=people, source="imported", status="verified",
                                      actor="test", now=services.clock())
        account = accounts.get_or_create(uow.session, user.user_id, services.clock())
        consent.record(uow.session, scope="personal", decision=consent.ACCEPTED, channel="chat",
                       now=services.clock(), account_id=account.id)  # a LINE is linked only after agreeing
        link = registry.request_link(uow.session, uow.sealer, home, account.id, services.clock())
        registry.approve_link(uow.session, uow.sealer, link, account.id, services.clock())
        uow.commit()
        return home.id


def test_a_linked_household_gets_answers_from_its_record(somchai, services):
    household_id = linked_household(services, somchai, [
        registry.NewPerson("บุญมี", "ใจดี", "head", birth_date=date(1951, 6, 1), income_baht_year=60_000),
        registry.NewPerson("น้องใหม่", "ใจดี", "child", birth_date=date.today().replace(year=date.today().year - 3,
                                                                                          day=1)),
    ])
    somchai.taps("a=rights")
    summary, carousel = somchai.received()
    assert "ไม่ได้เก็บสิ่งที่คุณตอบ" not in summary["text"]
    (old_age,) = titled(carousel, "เบี้ยยังชีพผู้สูงอายุ")
    assert "บุญมี ใจดี" in old_age and "เดือนละ 700 บาท" in old_age and "ไม่ได้รับบำนาญ" in old_age
    (child,) = titled(carousel, "เงินอุดหนุนเพื่อการเลี้ยงดูเด็กแรกเกิด")
    assert "น้องใหม่ ใจดี" in child and "รายได้ครัวเรือน 30,000 บาทต่อคนต่อปี: ไม่เกิน 100,000 ✓" in child
    assert "ไม่มีบัตรประจำตัวคนพิการ" not in bubble_text(carousel)  # the card is not recorded: can't tell

    with services.uow() as uow:
        kept = uow.session.scalars(select(Decision).order_by(Decision.id)).all()
        account = accounts.find(uow.session, somchai.user_id)
        assert {(d.channel, d.household_id, d.shown_to) for d in kept} == {("chat", household_id, account.id)}
        old = next(d for d in kept if d.programme == "old_age" and d.status == "eligible")
        assert old.person_id is not None and old.rule_version == "old_age@2552" and old.amount == 700
        assert old.rule["benefit"]["bands"][1] == {"from": 70, "to": 79, "baht": 700}
        assert open_from(uow.sealer, old, "inputs")["age"] == 75
        again = decision_log.explain_again(uow.sealer, old, rules.default())
        assert (again.status, again.amount) == ("eligible", 700)
        household_rows = [d for d in kept if d.programme in ("housing_repair", "emergency_aid")]
        assert household_rows and all(d.person_id is None for d in household_rows)
        assert uow.session.get(Household, household_id) is not None


def test_a_large_household_fits_one_carousel(somchai, services):
    today = date.today()
    people = [registry.NewPerson(f"คน{i}", "ใหญ่", "relative", birth_date=today.replace(year=today.year - age, day=1),
                                 income_baht_year=20_000)
              for i, age in enumerate((95, 85, 75, 65, 45, 40, 16, 12, 9, 5, 4, 2, 1))]
    linked_household(services, somchai, people)
    somchai.taps("a=rights")
    summary, carousel = somchai.received()  # the stand-in refuses anything LINE would (see conftest)
    cards = bubbles(carousel)
    assert len(cards) == 12
    assert len(json.dumps(carousel).encode()) < 50_000


# The command line ------------------------------------------------------------------------

def run_check(database_url, monkeypatch, *args):
    from bot.commands import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    monkeypatch.delenv("KAEJON_RULES", raising=False)
    return CliRunner().invoke(cli, ["rights", "check", *args], catch_exceptions=False)


def test_rights_check_prints_json_and_keeps_the_decisions(database_url, monkeypatch):
    result = run_check(database_url, monkeypatch, "--age", "72", "--language", "en", "--on", "2026-11-25")
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    old_age = next(a for a in output["answers"] if a["programme"] == "old_age")
    assert (old_age["status"], old_age["amount"], old_age["period"]) == ("eligible", 700, "month")
    assert old_age["rule_version"] == "old_age@2552" and old_age["amount_text"] == "700 baht a month"
    assert "Age 72: 60 or over ✓" in [check["text"] for check in old_age["checks"]]
    assert old_age["next_step"].startswith("Next step: apply")
    welfare = next(a for a in output["answers"] if a["programme"] == "welfare_card")
    assert welfare["status"] == "cannot_tell"
    assert {m["fact"] for m in welfare["missing"]} == {"own_income_year", "household_income_per_person_year",
                                                      "household_savings"}

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(database_url)
    with Session(engine) as session:
        kept = session.scalars(select(Decision)).all()
        assert {d.channel for d in kept} == {"command"} and len(kept) == len(output["answers"])
        assert {d.id for d in kept} == {a["decision"] for a in output["answers"]}
    engine.dispose()


def test_rights_check_reads_facts_from_a_file(database_url, monkeypatch, tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"persons": [{"age": 35, "own_income_year": 480_000}, {"age": 3}],
                                 "household": {"size": 4}}), encoding="utf-8")
    result = run_check(database_url, monkeypatch, "--facts", str(facts), "--on", "2026-11-25")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.output)["answers"]
    child = next(a for a in answers if a["programme"] == "child_support" and a["subject"] == "person 2")
    assert child["status"] == "not_eligible"
    assert "รายได้ครัวเรือน 120,000 บาทต่อคนต่อปี: เพดานคือ 100,000" in [c["text"] for c in child["checks"]]


@pytest.mark.parametrize("content, message", [
    ('{"persons": [{"age": 200}]}', "persons[0].age must be a number from 0 to 130"),
    ('{"persons": [{"height": 1}]}', "unknown keys height"),
    ('{"persons": []}', '"persons" must be a list'),
    ('{"persons": [{"age": 30}], "household": {"size": 0}}', "household.size"),
    ("{persons", "not valid JSON"),
])
def test_rights_check_explains_a_bad_facts_file(database_url, monkeypatch, tmp_path, content, message):
    facts = tmp_path / "facts.json"
    facts.write_text(content, encoding="utf-8")
    from bot.commands import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["rights", "check", "--facts", str(facts)])
    assert result.exit_code == 1 and message in result.output


def test_a_stored_decision_is_explained_by_its_own_rule_after_the_rules_change(database_url, monkeypatch, tmp_path):
    from bot.commands import cli

    first = json.loads(run_check(database_url, monkeypatch, "--age", "72", "--on", "2026-11-25").output)
    (old_age,) = [entry for entry in first["answers"] if entry["programme"] == "old_age"]
    assert (old_age["amount"], old_age["rule_version"]) == (700, "old_age@2552")

    shipped = (rules.DEFAULT_DIR / "old_age.yaml").read_text(encoding="utf-8")
    assert "{from: 70, to: 79, baht: 700}" in shipped
    changed = shipped.replace("{from: 70, to: 79, baht: 700}", "{from: 70, to: 79, baht: 750}")  # edited in place
    changed = changed.replace("    from: 2009-10-01\n", "    from: 2009-10-01\n    until: 2026-12-31\n")
    changed += OLD_AGE_RAISED_FROM_2027
    (tmp_path / "old_age.yaml").write_text(changed, encoding="utf-8")
    monkeypatch.setenv("KAEJON_RULES", str(tmp_path))

    def amount_on(day: str) -> int:
        result = CliRunner().invoke(cli, ["rights", "check", "--age", "72", "--on", day], catch_exceptions=False)
        return json.loads(result.output)["answers"][0]["amount"]

    assert (amount_on("2026-11-25"), amount_on("2027-01-15")) == (750, 900)
    result = CliRunner().invoke(cli, ["rights", "explain", str(old_age["decision"]), "--language", "en"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    again = json.loads(result.output)
    assert (again["amount"], again["rule_version"], again["status"]) == (700, "old_age@2552", "eligible")
    assert again["rule_changed_since"] is True
    assert "Age 72: 60 or over \u2713" in [check["text"] for check in again["checks"]]
    missing = CliRunner().invoke(cli, ["rights", "explain", "999999"])
    assert missing.exit_code == 1 and "no decision 999999" in missing.output


def test_rights_check_can_judge_by_another_rules_directory(database_url, monkeypatch, tmp_path):
    shipped = (rules.DEFAULT_DIR / "old_age.yaml").read_text(encoding="utf-8")
    (tmp_path / "old_age.yaml").write_text(shipped.replace("{from: 70, to: 79, baht: 700}",
                                                           "{from: 70, to: 79, baht: 750}"), encoding="utf-8")
    result = run_check(database_url, monkeypatch, "--age", "72", "--on", "2026-11-25", "--rules", str(tmp_path))
    assert result.exit_code == 0, result.output
    (old_age,) = json.loads(result.output)["answers"]
    assert (old_age["programme"], old_age["amount"]) == ("old_age", 750)


@pytest.mark.backends("sqlite")
def test_commands_on_a_database_not_yet_migrated_say_so_in_one_line(tmp_path, monkeypatch):
    from bot.commands import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/new.db")
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    checked = CliRunner().invoke(cli, ["rights", "check", "--age", "72"])
    assert checked.exit_code == 1 and "run `kaejon db upgrade` first" in checked.output
    assert checked.exception is None or isinstance(checked.exception, SystemExit)
