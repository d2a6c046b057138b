"""A person's welfare status per programme: recorded with its day and who said so, audited,
and what screening and "My rights" read (``Person.welfare``) kept in step."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casework import welfare
from casework.models import AuditEntry, Person
from casework.thai_time import thai_today
from tests import registry_data


def test_receiving_then_stopped_moves_the_programme_in_and_out_of_what_the_person_receives(services):
    household_id = registry_data.household(services)
    now = services.clock()
    with services.uow() as uow:
        person = uow.session.scalar(select(Person).where(Person.household_id == household_id))
        welfare.record(uow.session, uow.sealer, person=person, programme="old_age", status="applied",
                       since=date(2026, 11, 1), source="chat", actor_label="account:9", account_id=None, now=now)
        assert "old_age" not in person.welfare
        welfare.record(uow.session, uow.sealer, person=person, programme="old_age", status="receiving",
                       since=date(2026, 11, 20), source="referral", actor_label="account:9", account_id=None, now=now)
        assert person.welfare == ["old_age"]
        (status,) = welfare.of_household(uow.session, household_id)
        assert (status.programme, status.status, status.since, status.source) == (
            "old_age", "receiving", date(2026, 11, 20), "referral")
        welfare.record(uow.session, uow.sealer, person=person, programme="old_age", status="stopped",
                       since=date(2026, 11, 24), source="import", actor_label="import", account_id=None, now=now)
        assert person.welfare == []
        actions = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "person")).all()
        assert actions.count("welfare.status") == 3
        uow.commit()


@pytest.mark.parametrize("programme, status, since, reason", [
    ("moon_grant", "receiving", None, "bad_programme"),
    ("old_age", "maybe", None, "bad_status"),
    ("old_age", "receiving", 1, "future_date"),
])
def test_an_unknown_programme_or_status_or_a_day_to_come_is_refused(services, programme, status, since, reason):
    household_id = registry_data.household(services)
    now = services.clock()
    day = thai_today(now) + timedelta(days=since) if since else thai_today(now)
    with services.uow() as uow:
        person = uow.session.scalar(select(Person).where(Person.household_id == household_id))
        with pytest.raises(welfare.WelfareError) as refused:
            welfare.record(uow.session, uow.sealer, person=person, programme=programme, status=status, since=day,
                           source="chat", actor_label="account:9", account_id=None, now=now)
        assert refused.value.reason == reason
