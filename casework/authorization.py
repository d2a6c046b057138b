"""Who may do what, where. Plain functions over an actor's grants; every action asks.

A grant covers its area and everything below it (codes nest by prefix). Nothing
here trusts what a button carried: callers pass the household's real village,
read from the database, never one from postback data.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from casework.accounts import Grant
from casework.areas import covers

OPERATOR = "operator"  # the role of someone at the command line, over every area


@dataclass(frozen=True)
class Actor:
    """Who is acting: their account (None before they have one), the roles granted to
    them over areas, and the households their LINE is linked to.

    ``operator`` names someone at the command line (``cli:alice``): the operator role
    covers every area, and the audit log names them.
    """

    account_id: int | None
    grants: tuple[Grant, ...] = ()
    households: tuple[int, ...] = field(default=())
    line_user_id: str | None = None
    operator: str | None = None

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    @property
    def label(self) -> str:
        """The actor as the audit log names them."""
        if self.operator:
            return self.operator
        return f"account:{self.account_id}" if self.account_id is not None else "anonymous"

    def areas(self, *roles: str) -> tuple[str, ...]:
        return tuple(grant.area_code for grant in self.grants if grant.role in roles)

    def covers(self, area_code: str, *roles: str) -> bool:
        return any(grant.role in roles and (grant.role == OPERATOR or covers(grant.area_code, area_code))
                   for grant in self.grants)


ANONYMOUS = Actor(account_id=None)


def operator(name: str) -> Actor:
    """Someone at the command line (imports, invites, villages, screening)."""
    return Actor(account_id=None, grants=(Grant(OPERATOR, ""),), operator=name[:64])


def takes_digests(actor: Actor) -> bool:
    """Leaders, coordinators and agency staff get digests and reminders; households do not."""
    return bool(actor.account_id is not None and actor.roles & {"leader", "coordinator", "agency"})


def can_check(actor: Actor, village_code: str) -> bool:
    """List, open and assess households on site: leaders and coordinators of the area."""
    return actor.covers(village_code, "leader", "coordinator")


def can_review(actor: Actor, village_code: str, assessed_by: int) -> bool:
    """Confirm or return someone else's assessment: a second person, never the assessor."""
    return actor.account_id != assessed_by and actor.covers(village_code, "leader", "coordinator")


def is_own_household(actor: Actor, household_id: int, requested: bool = False) -> bool:
    """A household this person belongs to: linked to their LINE, or one their LINE asked to be
    linked to (``requested``). Nobody checks, confirms or links their own household, so that
    every household is verified by someone outside it."""
    return requested or household_id in actor.households


def can_link(actor: Actor, village_code: str) -> bool:
    """Only a leader of the area links a LINE account to a household, after meeting it."""
    return actor.covers(village_code, "leader")


def can_read_audit(actor: Actor, area_code: str) -> bool:
    return actor.covers(area_code, "coordinator")


def can_handle_tasks(actor: Actor, area_code: str) -> bool:
    return actor.covers(area_code, "coordinator")


def is_linked_to(actor: Actor, household_id: int) -> bool:
    """A household's own business (asking for help and following its requests, its rights
    from its record, its data): only a LINE account linked to that household."""
    return actor.account_id is not None and household_id in actor.households


def can_handle_case(actor: Actor, village_code: str) -> bool:
    """See, acknowledge, answer and close a household's request: leaders of the household's
    area, and its coordinators (who stand in where no leader has been invited yet)."""
    return actor.covers(village_code, "leader", "coordinator")


def can_plan(actor: Actor, village_code: str) -> bool:
    """Make, adjust and approve a household's plan, refer its cases and revoke a referral:
    the leaders and coordinators who handle the household's requests."""
    return can_handle_case(actor, village_code)


def can_route(actor: Actor, village_code: str) -> bool:
    """Pick the agency for a referral no agency covers: the area's coordinators."""
    return actor.covers(village_code, "coordinator")


def agencies_of(actor: Actor) -> tuple[int, ...]:
    return tuple(dict.fromkeys(grant.agency_id for grant in actor.grants
                               if grant.role == "agency" and grant.agency_id is not None))


def can_act_for_agency(actor: Actor, agency_id: int | None, village_code: str) -> bool:
    """See, accept, decline, update and complete a referral: staff of the agency it was
    sent to, whose grant covers the household's area."""
    return agency_id is not None and any(
        grant.role == "agency" and grant.agency_id == agency_id and covers(grant.area_code, village_code)
        for grant in actor.grants)


def can_administer(actor: Actor) -> bool:
    """Invites, agencies, imports and screening runs: operators at the command line."""
    return OPERATOR in actor.roles


def can_add_village(actor: Actor, village_code: str) -> bool:
    """Add a village: coordinators of the area it is in, and operators at the command line."""
    return actor.covers(village_code, "coordinator", OPERATOR)


def can_erase(actor: Actor, area_code: str) -> bool:
    """Carry out a household's erasure request: the area's coordinator, or the operator."""
    return can_handle_tasks(actor, area_code) or can_administer(actor)
