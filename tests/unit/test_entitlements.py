"""The entitlements engine as a person meets it: the issue's "done when" cases on dates
in 2026, the words that explain them in Thai and English, rules that change on a date
while earlier decisions keep their own rule, rules files that name the file and line of
a mistake, and the "My rights" questionnaire's data."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from bot.config import ConfigError, rules_directory
from casework import rights_questions, sealing
from casework.crypto import Sealer
from casework.entitlements import decisions, evaluate, rules
from casework.entitlements.decisions import Subject
from casework.entitlements.evaluate import Check
from casework.entitlements.facts import HouseholdRecord, PersonRecord, columns_from
from messages import line
from messages import rights as views
from messages import rights_questions as questions_views
from messages.i18n import translator
from tests.rules_data import OLD_AGE_RAISED

ON = date(2026, 11, 25)
SHIPPED = rules.load()
EN, TH = translator("en"), translator("th")


def answer_for(programme: str, persons: list[PersonRecord], household: HouseholdRecord = HouseholdRecord(), *,
               on: date = ON, row: int = 0, loaded: rules.Rules = SHIPPED) -> evaluate.Answer:
    found = evaluate.answers(loaded, columns_from(persons, [household]), on)
    return next(a for a in found if a.programme.id == programme and a.row == row)


# The "done when" -----------------------------------------------------------------

@pytest.mark.parametrize("age, amount", [(60, 600), (65, 600), (72, 700), (79, 700), (85, 800), (90, 1000),
                                         (101, 1000)])
def test_old_age_allowance_by_age_band(age, amount):
    answer = answer_for("old_age", [PersonRecord(age=age, welfare=())])
    assert (answer.status, answer.amount, answer.receiving) == ("eligible", amount, False)


def test_aged_72_not_receiving_is_told_700_a_month_and_where_to_apply():
    answer = answer_for("old_age", [PersonRecord(age=72)])
    assert (answer.status, answer.amount) == ("eligible", 700)
    assert views.category(answer) == views.APPLY
    assert views.amount_text(EN, answer.version.benefit, answer.amount) == "700 baht a month"
    assert views.amount_text(TH, answer.version.benefit, answer.amount) == "เดือนละ 700 บาท"
    assert "Age 72: 60 or over ✓" in views.held(EN, answer)
    assert "Assuming Thai nationality" in views.held(EN, answer)
    where = views.apply_lines(EN, "en", answer.programme)
    assert where[0] == ("Where: The sub-district administration (SAO) or municipality where you are "
                        "registered")
    assert "Bring: Citizen ID card, House registration, Bank book" in where
    assert views.apply_lines(TH, "th", answer.programme)[0].startswith("ที่ไหน: องค์การบริหารส่วนตำบล (อบต.)")


def test_already_receiving_is_said_as_such():
    answer = answer_for("old_age", [PersonRecord(age=72, welfare=("old_age",))])
    assert (answer.status, answer.receiving) == ("eligible", True)
    assert views.category(answer) == views.RECEIVING


@pytest.mark.parametrize("age", [59, 30])
def test_under_60_is_not_eligible_for_the_old_age_allowance(age):
    answer = answer_for("old_age", [PersonRecord(age=age)])
    assert (answer.status, answer.amount) == ("not_eligible", None)
    assert views.reasons(EN, answer) == [f"Age {age}: must be 60 or over"]


def family(per_person: int) -> tuple[list[PersonRecord], HouseholdRecord]:
    """A parent and a child aged 3 in a household of three with ``per_person`` a year each."""
    return ([PersonRecord(age=35, welfare=()), PersonRecord(age=3, welfare=())],
            HouseholdRecord(size=3, income_year=per_person * 3))


def test_a_child_of_3_at_80000_per_person_gets_600_a_month():
    answer = answer_for("child_support", *family(80_000), row=1)
    assert (answer.status, answer.amount, answer.version.benefit.per) == ("eligible", 600, "month")
    assert "Household income 80,000 baht per person a year: up to 100,000 ✓" in views.held(EN, answer)


@pytest.mark.parametrize("language, reason", [
    ("en", "Household income 120,000 baht per person a year: the limit is 100,000"),
    ("th", "รายได้ครัวเรือน 120,000 บาทต่อคนต่อปี: เพดานคือ 100,000"),
])
def test_a_child_of_3_at_120000_per_person_is_not_eligible_and_told_the_limit(language, reason):
    answer = answer_for("child_support", *family(120_000), row=1)
    assert (answer.status, answer.amount) == ("not_eligible", None)
    assert views.reasons(translator(language), answer) == [reason]


def test_household_income_is_summed_from_members_when_not_given_as_one_figure():
    persons = [PersonRecord(age=40, own_income_year=160_000), PersonRecord(age=3)]
    answer = answer_for("child_support", persons, row=1)
    assert answer.inputs["household_income_per_person_year"] == 80_000 and answer.status == "eligible"


@pytest.mark.parametrize("age, amount", [(15, 1000), (17, 1000), (18, 800), (30, 800)])
def test_a_disability_card_holder_by_age(age, amount):
    answer = answer_for("disability", [PersonRecord(age=age, disability_card=True)])
    assert (answer.status, answer.amount) == ("eligible", amount)


def test_no_disability_card_is_not_eligible_and_an_unknown_card_cannot_tell():
    refused = answer_for("disability", [PersonRecord(age=30, disability_card=False)])
    assert views.reasons(EN, refused) == ["No disability ID card"]
    assert views.reasons(TH, refused) == ["ไม่มีบัตรประจำตัวคนพิการ"]
    unknown = answer_for("disability", [PersonRecord(age=30)])
    assert (unknown.status, unknown.amount) == ("cannot_tell", 800)
    assert views.missing(EN, unknown) == ["Does this person hold a disability ID card?"]


def test_a_service_has_no_amount_and_a_ceiling_says_up_to():
    gold = answer_for("gold_card", [PersonRecord(age=40, welfare=())])
    assert (gold.status, gold.amount) == ("eligible", None)
    assert views.amount_text(EN, gold.version.benefit, gold.amount) is None
    assert views.benefit_line(EN, "en", gold.programme, gold) == "Free care at your registered health unit"
    housing = answer_for("housing_repair", [PersonRecord(age=40)], HouseholdRecord(poverty_group=1,
                                                                                   housing_condition="run_down"))
    assert (housing.status, housing.amount) == ("eligible", 19_000)
    assert views.amount_text(EN, housing.version.benefit, housing.amount) == "Up to 19,000 baht per house"
    assert views.amount_text(TH, housing.version.benefit, housing.amount) == "ไม่เกิน 19,000 บาทต่อหลัง"


@pytest.mark.parametrize("check, english, thai", [
    (Check("age", "at_least", 60, 72, "met"), "Age 72: 60 or over ✓", "อายุ 72: ตั้งแต่ 60 ขึ้นไป ✓"),
    (Check("age", "below", 6, 7, "failed"), "Age 7: must be under 6", "อายุ 7: ต้องต่ำกว่า 6"),
    (Check("age", "at_most", 15, 16, "failed"), "Age 16: must be 15 or under", "อายุ 16: ต้องไม่เกิน 15"),
    (Check("own_income_year", "at_most", 100_000, 250_000, "failed"),
     "Own income 250,000 baht a year: the limit is 100,000", "รายได้ของตนเอง 250,000 บาทต่อปี: เพดานคือ 100,000"),
    (Check("thai", "is", 1, None, "assumed"), "Assuming Thai nationality", "ถือว่ามีสัญชาติไทย"),
    (Check("state_pensioner", "is", 0, 1, "failed"), "Receives a state pension", "ได้รับบำนาญจากรัฐ"),
    (Check("state_pensioner", "is", 0, 0, "met"), "No state pension ✓", "ไม่ได้รับบำนาญจากรัฐ ✓"),
    (Check("own_income_year", "at_most", 100_000, None, "unknown"), "What is this person's own income in a year?",
     "คนนี้มีรายได้ของตนเองปีละเท่าไร"),
])
def test_conditions_read_in_plain_words(check, english, thai):
    assert views.check_text(EN, check) == english
    assert views.check_text(TH, check) == thai


# Rules that change on a date -------------------------------------------------------------

RAISED = OLD_AGE_RAISED


class FakeSession:
    """What ``decisions.record`` needs of a session."""

    def __init__(self) -> None:
        self.added: list[object] = []

    def add_all(self, rows: list[object]) -> None:
        self.added.extend(rows)

    def flush(self) -> None:  # as an INSERT would: each row gets its id, then its sealed values
        for number, row in enumerate(self.added, 1):
            row.id = row.id or number  # type: ignore[attr-defined]
            sealing.seal_pending(row)


def test_a_raised_amount_applies_from_its_date_and_earlier_decisions_keep_their_rule(tmp_path):
    (tmp_path / "old_age.yaml").write_text(RAISED, encoding="utf-8")
    changed = rules.load(tmp_path)
    person = [PersonRecord(age=72)]
    before = answer_for("old_age", person, loaded=changed, on=date(2026, 12, 31))
    after = answer_for("old_age", person, loaded=changed, on=date(2027, 1, 1))
    assert (before.amount, before.version.ref) == (700, "old_age@2552")
    assert (after.amount, after.version.ref) == (900, "old_age@2570")

    sealer, session = Sealer("test-secret-key"), FakeSession()
    (kept,) = decisions.record(session, sealer, [(before, Subject())], on=date(2026, 11, 25), channel="anonymous",
                               shown_to=None, now=None)  # type: ignore[arg-type]
    assert session.added == [kept] and kept.rule_version == "old_age@2552" and kept.shown_to is None
    assert b"72" not in kept.inputs  # sealed
    again = decisions.explain_again(sealer, kept, changed)
    assert (again.status, again.amount, again.version.ref) == ("eligible", 700, "old_age@2552")
    assert views.held(EN, again) == ["Age 72: 60 or over ✓"]


def test_what_is_shown_is_judged_and_kept_in_one_place_about_whom_it_is():
    sealer = Sealer("test-secret-key")
    facts = rights_questions.records({"age": 40, "disability_card": False, "children": 2, "household_size": 4,
                                      "household_income": 20_000, "receives": []})
    columns = columns_from(facts.persons, [facts.household])

    anonymous = FakeSession()
    shown = decisions.judge(anonymous, sealer, SHIPPED, columns, on=ON, channel="anonymous", shown_to=7,
                            now=None, shown=rights_questions.worth_showing)  # type: ignore[arg-type]
    assert [(d.programme, d.status) for d in anonymous.added] == [(s.answer.programme.id, s.answer.status)
                                                                  for s in shown]
    assert {(d.household_id, d.person_id, d.shown_to) for d in anonymous.added} == {(None, None, None)}
    children = [s.answer for s in shown if s.answer.programme.entity == "person" and s.answer.row > 0]
    assert children and all(a.status == "eligible" or a.receiving for a in children)  # no "can't tell" noise
    assert len(shown) < len(evaluate.answers(SHIPPED, columns, ON))

    chat = FakeSession()
    decisions.judge(chat, sealer, SHIPPED, columns, on=ON, channel="chat", shown_to=7, now=None,  # type: ignore
                    subject=lambda answer: Subject(5, 100 + answer.row))
    assert len(chat.added) == len(evaluate.answers(SHIPPED, columns, ON))  # everything, unless told
    assert {(d.household_id, d.shown_to) for d in chat.added} == {(5, 7)}
    assert {d.person_id for d in chat.added} == {100, 101, 102}


@pytest.mark.parametrize("text, line_no, message", [
    (RAISED.replace("{fact: age, at_least: 60}\n    benefit:\n      per: month\n      by: age\n      bands:\n"
                    "        - {from: 60, to: 69, baht: 800}",
                    "{fact: wealth, at_least: 60}\n    benefit:\n      per: month\n      by: age\n      bands:\n"
                    "        - {from: 60, to: 69, baht: 800}"),
     23, "unknown fact 'wealth'"),
    (RAISED.replace("    until: 2026-12-31\n", ""), 19, "version 2570 overlaps version 2552"),
    (RAISED.replace("until: 2026-12-31", "until: 2027-01-01"), 20, "version 2570 overlaps version 2552"),
    (RAISED.replace("    benefit:\n      per: month\n      by: age\n      bands:\n        - {from: 60, to: 69, "
                    "baht: 800}\n        - {from: 70, to: 79, baht: 900}\n        - {from: 80, baht: 1000}\n",
                    "    benefit: {per: month}\n"), 24, "needs an amount"),
    (RAISED.replace("{from: 70, to: 79, baht: 700}", "{from: 70, to: 79, baht: 0}"), 18,
     "'baht' must be a whole positive amount"),
    (RAISED.replace("name: {th: เบี้ยยังชีพผู้สูงอายุ, en: Old-age allowance}",
                    "name: {th: เบี้ยยังชีพผู้สูงอายุ, en: Old-age allowance"), 4, "not valid YAML"),
    (RAISED.replace("{fact: age, at_least: 60}", "{fact: disability_card, at_least: 1}", 1), 12,
     "'disability_card' is yes/no"),
])
def test_a_wrong_rules_file_names_its_file_and_line(tmp_path, text, line_no, message):
    path = tmp_path / "old_age.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rules.RulesError) as error:
        rules.load(tmp_path)
    assert str(error.value).startswith(f"{path}:{line_no}: ")
    assert message in str(error.value)


def test_the_shipped_rules_are_valid_and_cover_every_fact_phrase():
    assert {p.id for p in SHIPPED.programmes} >= {"old_age", "disability", "child_support", "welfare_card"}
    for _programme, version in SHIPPED.on(ON):
        for condition in version.conditions:
            assert condition.fact in views.QUESTIONS
            if condition.op == "is":
                assert (condition.fact, condition.limit == 1.0) in views.YES_NO
            else:
                assert condition.fact in views.NUMBER_FACTS


def test_kaejon_rules_points_to_another_directory(tmp_path):
    assert rules_directory({}) is None
    assert rules_directory({"KAEJON_RULES": str(tmp_path)}) == str(tmp_path)
    with pytest.raises(ConfigError, match="KAEJON_RULES"):
        rules_directory({"KAEJON_RULES": str(tmp_path / "missing")})


# The "My rights" questionnaire ------------------------------------------------------------

def test_income_bands_are_cut_at_the_rules_limits_for_the_household_size():
    step = rights_questions.default().step("household_income")
    bands = rights_questions.income_bands(SHIPPED, ON, 4)
    assert [band.label(step, "en") for band in bands] == ["Up to 12,000", "12,001-33,333", "Over 33,333"]
    assert [band.label(step, "th") for band in bands] == ["ไม่เกิน 12,000", "12,001-33,333", "มากกว่า 33,333"]
    limits = rights_questions.income_limits(SHIPPED, ON)
    assert limits == [36_000, 100_000]
    for band in bands:  # the income standing for a band is on the same side of every limit as the band
        per_person = band.value * 12 / 4
        for limit in limits:
            if band.high is not None and band.high * 12 / 4 <= limit:  # all of the band is within the limit
                assert per_person <= limit
            else:  # all of it is above
                assert band.low is not None and (band.low + 1) * 12 / 4 > limit and per_person > limit


def test_answers_become_facts_with_one_row_per_child():
    facts = rights_questions.records({"age": 40, "disability_card": None, "children": 2, "household_size": 4,
                                      "household_income": 20_000, "receives": ["child_support", "gold_card"]})
    respondent, *children = facts.persons
    assert (respondent.age, respondent.own_income_year, respondent.welfare) == (40, None, ("gold_card",))
    assert [(c.age, c.welfare) for c in children] == [(3, ("child_support",))] * 2
    assert (facts.household.size, facts.household.income_year) == (4, 240_000)
    answer = answer_for("child_support", facts.persons, facts.household, row=2)
    assert (answer.status, answer.receiving, answer.inputs["household_income_per_person_year"]) == \
        ("eligible", True, 60_000)
    alone = rights_questions.records({"age": 70, "children": 0, "household_size": 1, "household_income": 9_000,
                                      "receives": None})
    assert alone.persons[0].own_income_year == 108_000 and alone.persons[0].welfare is None


def test_a_step_offers_this_person_only_what_makes_sense():
    questions = rights_questions.default()
    size, income = questions.step("household_size"), questions.step("household_income")
    answers = {"children": 2, "household_size": 4}
    assert rights_questions.smallest(size, answers) == 3  # you and the two children
    offered = [label for label, value in rights_questions.choices(size, answers, SHIPPED, ON, "en")
               if rights_questions.sensible(size, answers, value)]
    assert offered == ["3", "4", "5", "6", "7", "8 or more"]
    bands = rights_questions.choices(income, answers, SHIPPED, ON, "en")
    assert [label for label, _ in bands][:3] == ["Up to 12,000", "12,001-33,333", "Over 33,333"]  # four people
    assert all(rights_questions.sensible(income, answers, value) for _, value in bands)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["steps"][0]["choices"][0]["label"].update(en="A label far too long for LINE"), "over 18"),
    (lambda d: d["steps"].pop(), "the steps must be exactly"),
    (lambda d: d["steps"].insert(0, d["steps"].pop(4)), "before 'household_income'"),
    (lambda d: d["steps"][0].update(colour="red"), "unknown keys colour"),
    (lambda d: d["steps"][5]["choices"].append({"label": {"th": "x", "en": "x"}, "value": "lottery"}),
     "different welfare code"),
    (lambda d: d["steps"][0]["choices"][0].update(value=200), "within 'typed'"),
    (lambda d: d["steps"][1]["text"].pop("en"), "needs a Thai (th) and an English (en) text"),
])
def test_a_wrong_questionnaire_file_says_what_is_wrong(change, message):
    from importlib import resources

    import yaml

    data = yaml.safe_load((resources.files("casework.data") / "rights_questions.yaml").read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(rights_questions.RightsQuestionsError, match=re.escape(message)):
        rights_questions.parse(data, "rights_questions.yaml")


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_questionnaire_button_fits_a_quick_reply(language):
    questions = rights_questions.default()
    tr = translator(language)
    for step in questions.steps:
        labels = [rights_questions.text_in(choice.label, language) for choice in step.choices]
        if step.bands:
            labels += [band.label(step, language) for size in range(1, 31)
                       for band in rights_questions.income_bands(SHIPPED, ON, size)]
        if step.multiple:
            labels = ["\u2713 " + label for label in labels]
            labels += [rights_questions.text_in(step.none or {}, language),
                       rights_questions.text_in(step.done or {}, language)]
        message = questions_views.ask(tr, language, step, 1, len(questions.steps),
                            [(label, str(i)) for i, label in enumerate(labels[:12])])
        assert all(item["action"]["label"] == labels[i] for i, item in
                   enumerate(message[0]["quickReply"]["items"][:-1]))
        assert all(len(label) <= line.MAX_LABEL for label in labels), labels


# The carousel ----------------------------------------------------------------------------

def carousel_items(persons: int) -> list[views.Item]:
    ages = [95, 85, 75, 65, 45, 40, 16, 12, 9, 5, 4, 2, 1, 70, 33][:persons]
    records = [PersonRecord(age=age, own_income_year=20_000, welfare=()) for age in ages]
    found = evaluate.answers(SHIPPED, columns_from(records, [HouseholdRecord()]), ON)
    return [views.Item(a, None if a.programme.entity == "household" else f"Person {a.row + 1}") for a in found]


@pytest.mark.parametrize("persons", [1, 3, 8, 15])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_answer_fits_one_carousel_whatever_the_household(persons, language):
    items = carousel_items(persons)
    messages = views.rights(translator(language), language, items, ON, quick=[], linked=True)
    assert len(messages) <= 5
    summary, carousel = messages
    cards = carousel["contents"]["contents"]
    assert 1 <= len(cards) <= line.MAX_CAROUSEL_BUBBLES
    assert len(json.dumps(carousel).encode()) <= views.MAX_CAROUSEL_BYTES
    kinds = [views.category(item.answer) for item in items]
    assert str(kinds.count(views.APPLY)) in summary["text"]
    labels = [card["footer"]["contents"][0]["action"]["label"] for card in cards if "footer" in card]
    assert all(len(label) <= 40 for label in labels)


def test_a_carousel_too_large_for_line_is_made_compact(monkeypatch):
    items = carousel_items(8)
    full = views.rights(TH, "th", items, ON, quick=[], linked=True)[1]
    monkeypatch.setattr(views, "MAX_CAROUSEL_BYTES", len(json.dumps(full["contents"]).encode()) - 1)
    compact = views.rights(TH, "th", items, ON, quick=[], linked=True)[1]
    assert len(json.dumps(compact).encode()) < len(json.dumps(full).encode())
    assert "เอกสาร:" in str(full) and "เอกสาร:" not in str(compact)


def test_the_carousel_puts_what_one_can_apply_for_first_and_not_eligible_last():
    items = carousel_items(3)
    carousel = views.carousel(EN, "en", items, linked=True)
    assert carousel is not None
    statuses = [card["body"]["contents"][0]["text"] for card in carousel["contents"][:-1]]
    order = [views.STATUS[kind] for kind in (views.APPLY, views.CHECK, views.RECEIVING)]
    assert statuses == sorted(statuses, key=order.index)
    assert carousel["contents"][-1]["header"]["contents"][0]["text"].startswith("Not eligible")


def test_the_command_line_explanation_is_plain_data():
    answer = answer_for("old_age", [PersonRecord(age=72)])
    explained = views.explained(EN, "en", answer)
    assert json.loads(json.dumps(explained)) == explained
    assert (explained["status"], explained["amount"], explained["period"]) == ("eligible", 700, "month")
    assert explained["rule_version"] == "old_age@2552" and explained["missing"] == []
    assert Path(explained["source"]).name  # the rule's source is named
