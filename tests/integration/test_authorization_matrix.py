"""Who may do what: every use case in ``casework.usecases.USE_CASES`` against every kind of
actor, allowed or refused, as one table. A use case added without a row fails here.

The record is one household in village 46010105 (sub-district 460101, district 4601,
Kalasin) with its request for help, a check submitted by a third leader, and a link
its LINE asked for. Each call runs in a savepoint rolled back afterwards, so every
actor meets the same records.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest

from casework import accounts, authorization, consent, registry
from casework.authorization import Actor
from casework.errors import Refused
from casework.models import Agency, Household
from casework.usecases import USE_CASES
from casework.usecases.base import FORBIDDEN, Env
from tests import registry_data
from tests.integration import matrix_rows_help, matrix_rows_people, matrix_rows_rights, matrix_rows_verification

ACTORS = ("household", "other_household", "leader_in", "leader_out", "coordinator_in", "coordinator_out",
          "agency", "stranger", "operator")
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)


@dataclass
class World:
    """The records and the actors every row is tried with."""

    env: Env
    actors: dict[str, Actor] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    line_ids: dict[str, str] = field(default_factory=dict)

    def account(self, name: str, digit: str, *grants: tuple[str, str], agency_id: int | None = None) -> int:
        line_id = "U" + digit * 32
        account = accounts.get_or_create(self.env.session, line_id, NOW)
        for role, area in grants:
            accounts.grant(self.env.session, account.id, role, area, NOW, by="test", agency_id=agency_id)
        consent.record(self.env.session, scope="personal", decision=consent.ACCEPTED, channel="chat", now=NOW,
                       account_id=account.id)
        self.line_ids[name] = line_id
        return account.id

    def link(self, account_id: int, household_id: int) -> None:
        household = self.env.session.get(Household, household_id)
        request = registry.request_link(self.env.session, self.env.sealer, household, account_id, NOW)
        registry.approve_link(self.env.session, self.env.sealer, request, account_id, NOW)

    def actor(self, name: str) -> Actor:
        if name == "operator":
            return authorization.operator("cli:test")
        session = self.env.session
        account = accounts.find(session, self.line_ids[name])
        assert account is not None
        return Actor(account_id=account.id, grants=accounts.grants_of(session, account.id),
                     households=registry.linked_households(session, account.id), line_user_id=account.line_user_id)


@pytest.fixture
def world(services) -> Any:
    registry_data.village(services, "46010105")
    registry_data.village(services, "46020101")
    record = registry_data.household(services, "46010105", "12")
    other = registry_data.household(services, "46010105", "14", head="มานี มีนา", citizen="310170012345")
    with services.uow() as uow:
        env = Env(session=uow.session, sealer=uow.sealer, now=NOW, rules=services.rules)
        world = World(env, ids={"household": record, "other_household": other})
        session = uow.session
        agency = Agency(code="PSDHS-46", name="Kalasin social development office", created_at=NOW)
        session.add(agency)
        session.flush()
        world.link(world.account("household", "1"), record)
        world.link(world.account("other_household", "2"), other)
        world.account("leader_in", "3", ("leader", "460101"))
        world.account("leader_out", "4", ("leader", "460201"))
        world.account("coordinator_in", "5", ("coordinator", "4601"))
        world.account("coordinator_out", "6", ("coordinator", "4602"))
        world.account("agency", "7", ("agency", "46"), agency_id=agency.id)
        world.account("stranger", "8")
        world.account("assessor", "9", ("leader", "46010105"))
        for rows in ROW_MODULES:
            rows.setup(world)
        session.flush()
        world.actors = {name: world.actor(name) for name in ACTORS}
        yield world


Row = tuple[Callable[[World], dict[str, Any]], frozenset[str]]
ROW_MODULES = (matrix_rows_verification, matrix_rows_people, matrix_rows_help, matrix_rows_rights)
MATRIX: dict[str, Row] = {name: row for rows in ROW_MODULES for name, row in rows.ROWS.items()}


def test_every_use_case_has_a_row():
    assert sorted(set(USE_CASES) - set(MATRIX)) == [], "add a row to the matrix for each new use case"
    assert sorted(set(MATRIX) - set(USE_CASES)) == [], "the matrix names use cases that no longer exist"


def outcome(world: World, name: str, actor: Actor) -> str:
    arguments, _allowed = MATRIX[name]
    session = world.env.session
    savepoint = session.begin_nested()
    try:
        USE_CASES[name](world.env, actor, **arguments(world))
    except Refused as refusal:
        return "refused" if refusal.reason in FORBIDDEN else "allowed"
    finally:
        savepoint.rollback()
    return "allowed"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_actor_is_allowed_exactly_what_the_table_says(world, name):
    _arguments, allowed = MATRIX[name]
    found = {actor: outcome(world, name, world.actors[actor]) for actor in ACTORS}
    expected = {actor: "allowed" if actor in allowed else "refused" for actor in ACTORS}
    assert found == expected
