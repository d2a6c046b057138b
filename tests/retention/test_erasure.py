"""A household's erasure request leads to erasure, and what is kept holds no personal data."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casework import accounts, authorization, registry
from casework.authorization import Actor
from casework.errors import Refused
from casework.models import AuditEntry, Household, HouseholdLink, Person, Task
from casework.sealing import open_from
from casework.usecases import privacy
from tests import registry_data


def household_that_asked(services, *, ask: bool = True) -> tuple[int, Actor]:
    household_id = registry_data.household(services)
    with services.uow() as uow:
        env = services.env(uow)
        account = accounts.get_or_create(uow.session, "U" + "1" * 32, env.now)
        home = uow.session.get(Household, household_id)
        request = registry.request_link(uow.session, uow.sealer, home, account.id, env.now)
        registry.approve_link(uow.session, uow.sealer, request, account.id, env.now)
        member = Actor(account_id=account.id, households=(household_id,), line_user_id=account.line_user_id)
        if ask:
            privacy.request_change(env, member, "erase")
        uow.commit()
    return household_id, member


def test_an_erasure_request_is_carried_out_and_audited_without_personal_data(services):
    household_id, member = household_that_asked(services)
    with services.uow() as uow:
        env = services.env(uow)
        done = privacy.erase_household(env, authorization.operator("cli:somsri"), household_id)
        uow.commit()
    assert (done.persons, done.links) == (1, 1)
    with services.uow() as uow:
        home = uow.session.get(Household, household_id)
        assert home.status == "erased" and open_from(uow.sealer, home, "address") == {}
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 0
        assert uow.session.scalar(select(func.count()).select_from(HouseholdLink)) == 0
        assert uow.session.scalars(select(Task.status)).all() == ["done"]
        entries = uow.session.scalars(select(AuditEntry).where(AuditEntry.entity == "household")).all()
        assert "household.erased" in [e.action for e in entries]
        for entry in uow.session.scalars(select(AuditEntry)):
            if entry.changes is not None:
                assert "สมชาย" not in str(open_from(uow.sealer, entry, "changes"))
        env = services.env(uow)
        with pytest.raises(Refused):  # the household's LINE no longer sees a record
            privacy.my_data(env, Actor(account_id=member.account_id,
                                       households=tuple(registry.linked_households(uow.session, member.account_id)),
                                       line_user_id=member.line_user_id))


def test_nothing_is_erased_without_the_households_request(services):
    household_id, _member = household_that_asked(services, ask=False)
    with services.uow() as uow:
        with pytest.raises(Refused, match="no_request"):
            privacy.erase_household(services.env(uow), authorization.operator("cli:somsri"), household_id)
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 1


def test_the_operator_erases_from_the_command_line(services, database_url, monkeypatch):
    from click.testing import CliRunner

    from bot.commands import cli

    household_id, _member = household_that_asked(services)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    first = CliRunner().invoke(cli, ["erase-household", str(household_id)])
    assert first.exit_code == 0 and "1 people" in first.output, first.output
    again = CliRunner().invoke(cli, ["erase-household", str(household_id)])
    assert again.exit_code != 0 and "no open erasure request" in again.output
