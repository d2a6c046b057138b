"""Who may do what, where. Plain functions over an actor's grants; every action asks.

A grant covers its area and everything below it (codes nest by prefix). Nothing
here trusts what a button carried: callers pass the household's real village,
read from the database, never one from postback data.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from casework.accounts import Grant
from casework.areas import covers


@dataclass(frozen=True)
class Actor:
    account_id: int | None
    grants: tuple[Grant, ...] = ()
    households: tuple[int, ...] = field(default=())

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    def areas(self, *roles: str) -> tuple[str, ...]:
        return tuple(grant.area_code for grant in self.grants if grant.role in roles)

    def covers(self, area_code: str, *roles: str) -> bool:
        return any(covers(scope, area_code) for scope in self.areas(*roles))


ANONYMOUS = Actor(account_id=None)


def can_check(actor: Actor, village_code: str) -> bool:
    """List, open and assess households on site: leaders and coordinators of the area."""
    return actor.covers(village_code, "leader", "coordinator")


def can_review(actor: Actor, village_code: str, assessed_by: int) -> bool:
    """Confirm or return someone else's assessment: a second person, never the assessor."""
    return actor.account_id != assessed_by and actor.covers(village_code, "leader", "coordinator")


def can_link(actor: Actor, village_code: str) -> bool:
    """Only a leader of the area links a LINE account to a household, after meeting it."""
    return actor.covers(village_code, "leader")


def can_read_audit(actor: Actor, area_code: str) -> bool:
    return actor.covers(area_code, "coordinator")


def can_handle_tasks(actor: Actor, area_code: str) -> bool:
    return actor.covers(area_code, "coordinator")


def can_ask_for_help(actor: Actor, household_id: int) -> bool:
    """Open and follow a household's requests: only a LINE account linked to that household."""
    return actor.account_id is not None and household_id in actor.households


def can_handle_case(actor: Actor, village_code: str) -> bool:
    """See, acknowledge, answer and close a household's request: leaders of the household's
    area, and its coordinators (who stand in where no leader has been invited yet)."""
    return actor.covers(village_code, "leader", "coordinator")
