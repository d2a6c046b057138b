"""Plans and referrals as plain rules: what a plan proposes for a household, a referral's
state machine, its due dates over Thai public holidays, and when it is overdue."""
from datetime import date

import pytest

from casework import plans, referrals
from casework.plans import Gap


def test_a_group_1_household_gets_its_welfare_gaps_first_each_referred_for_the_service_that_handles_it():
    proposed = plans.propose(1, {"financial": 1.2, "human": 1.5, "physical": 3.0, "social": 1.0, "natural": 4.0},
                             [Gap("old_age", 7), Gap("child_support", 9)])
    assert [(item.track, item.service, item.programme, item.person_id) for item in proposed[:2]] == [
        ("welfare", "allowances", "old_age", 7), ("welfare", "child_support", "child_support", 9)]
    assert [item.track for item in proposed] == ["welfare", "welfare", "community", "income", "jobs"]
    assert {item.service for item in proposed[2:]} == {"social_work", "employment"}


def test_a_household_getting_by_is_offered_income_and_jobs_before_welfare():
    proposed = plans.propose(3, {"financial": 2.0, "human": 2.0}, [Gap("old_age", 7)])
    assert [item.track for item in proposed] == ["income", "jobs", "welfare"]


def test_strong_capitals_and_no_gaps_propose_nothing():
    assert plans.propose(4, {capital: 4.0 for capital in ("human", "physical", "financial", "natural", "social")},
                         []) == []


def test_a_capital_proposes_its_item_once_and_a_plan_is_at_most_ten_items():
    proposed = plans.propose(2, {"financial": 1.0, "social": 1.0}, [Gap("old_age", n) for n in range(20)])
    assert len(proposed) == plans.MAX_ITEMS
    assert sum(1 for item in proposed if item.track != "welfare") == 0  # welfare first fills the plan
    one = plans.propose(2, {"financial": 1.0, "social": 1.0}, [])
    assert [(item.track, item.service) for item in one] == [("income", "social_work"), ("community", "social_work")]


LEGAL = {
    ("routing", "routed"): "sent", ("routing", "routed_to_ask"): "consent",
    ("consent", "consented"): "sent", ("consent", "consent_refused"): "revoked",
    ("sent", "accepted"): "accepted",
    ("accepted", "updated"): "in_progress", ("in_progress", "updated"): "in_progress",
    ("accepted", "completed"): "completed", ("in_progress", "completed"): "completed",
    ("sent", "declined"): "declined", ("accepted", "declined"): "declined",
    **{(status, "revoked"): "revoked" for status in referrals.OPEN},
    ("sent", "expired"): "expired",
}


@pytest.mark.parametrize("status", referrals.STATUSES)
@pytest.mark.parametrize("kind", list(referrals.TRANSITIONS))
def test_a_referral_moves_only_as_its_table_says(status, kind):
    expected = LEGAL.get((status, kind))
    assert referrals.allowed(status, kind) is (expected is not None)
    if expected is None:
        with pytest.raises(referrals.ReferralError):
            referrals.next_status(status, kind)
    else:
        assert referrals.next_status(status, kind) == expected


def test_finished_referrals_take_no_more_steps():
    for status in ("completed", "declined", "revoked", "expired"):
        assert not any(referrals.allowed(status, kind) for kind in referrals.TRANSITIONS)


def test_acceptance_counts_working_days_over_new_year_and_completion_counts_calendar_days():
    # Sent on Tuesday 29 December 2026: 31 December and 1 January are public holidays, 2-3 January a weekend.
    accept, complete = referrals.due_dates(date(2026, 12, 29), 3, 30)
    assert accept == date(2027, 1, 5)
    assert complete == date(2027, 1, 28)


@pytest.mark.parametrize("status, today, overdue", [
    ("sent", date(2026, 12, 4), False), ("sent", date(2026, 12, 5), True),
    ("accepted", date(2026, 12, 5), False), ("accepted", date(2026, 12, 31), True),
    ("in_progress", date(2026, 12, 31), True), ("completed", date(2027, 6, 1), False),
    ("consent", date(2027, 6, 1), False),
])
def test_overdue_means_not_accepted_or_not_completed_by_its_date(status, today, overdue):
    assert referrals.is_overdue(status, date(2026, 12, 4), date(2026, 12, 30), today) is overdue


def a_referral(status="sent", overdue=False):
    from datetime import datetime, timezone
    from casework.referrals import ReferralView, Step
    now = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)
    return ReferralView(
        id=5, case_id=42, case_ref="KJ-2569-000042", need="money_food", service="allowances", programme="old_age",
        programme_name={"th": "เบี้ยยังชีพผู้สูงอายุ", "en": "Old-age allowance"}, status=status, agency_id=3,
        agency_name="องค์การบริหารส่วนตำบลหนองบัวแดงเหนือ" * 3, agency_kind="local_administration",
        village_code="46010105", house_no="12", person_name="สมชาย ใจดี", person_age=65,
        masked_id="1-1017-xxxxx-xx-5", details="x" * 2000, sent_at=now, accept_due=date(2026, 12, 2),
        complete_due=date(2026, 12, 25), overdue=overdue, version=4,
        steps=tuple(Step("updated", status, "y" * 900, now, 1) for _ in range(5)))


def built(tr, language):
    from casework.usecases.plans import ItemView, PlanView
    from casework.usecases.referrals import AgencyChoice
    from messages import plans as plan_views
    from messages import referrals as views
    for status in referrals.STATUSES:
        for for_agency in (True, False):
            yield views.shown(tr, language, a_referral(status), [], for_agency=for_agency, can_route=True)
    yield views.listing(tr, language, 40, [a_referral("sent", True) for _ in range(10)], 0, 10, [],
                        action="referrals")
    yield views.arrived(tr, language, a_referral())
    yield views.arrived_in_group(tr, language, a_referral())
    yield views.ask_consent(tr, language, a_referral("consent"), "local_administration")
    yield views.needs_agency(tr, language, a_referral("routing"))
    yield views.agency_choices(tr, a_referral("routing"), [AgencyChoice(n, f"A-{n}", "ก" * 200, "health")
                                                           for n in range(15)], [])
    for kind in ("declined", "revoked", "updated", "completed"):
        yield views.ask_note(tr, kind, a_referral())
    items = tuple(ItemView(n, track, "money_food", "allowances", "old_age", {"th": "เบี้ย", "en": "Allowance"},
                           "สมชาย ใจดี", n % 2 == 0)
                  for n, track in enumerate(["welfare", "community", "income", "jobs"] * 3))
    yield plan_views.plan_card(tr, language, PlanView(1, 7, "46010105", "12", 1, "draft", "KJ-2569-000042",
                                                      items[:10]), [])


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_referral_and_plan_button_fits_whole_and_each_answer_is_one_call(language):
    from messages.i18n import translator
    from messages.line import ELLIPSIS, MAX_CAROUSEL_BUBBLES, MAX_LABEL, utf16_units
    from tests.integration.test_referrals_chat import actions
    tr = translator(language)
    for messages in built(tr, language):
        assert 1 <= len(messages) <= 5
        for message in messages:
            if message.get("type") == "flex" and message["contents"]["type"] == "carousel":
                assert len(message["contents"]["contents"]) <= MAX_CAROUSEL_BUBBLES
            for action in actions(message):
                label = action["label"]
                assert utf16_units(label) <= MAX_LABEL and not label.endswith(ELLIPSIS), label
