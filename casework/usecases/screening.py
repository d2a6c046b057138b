"""Screening an area for gaps (eligible but not receiving) in bulk: a run over every
household of the area, kept with its gaps unless told not to.

Only operators at the command line run it (``can_administer``), not the coordinators of
the area: a run over a province holds every household of it in memory and is kept for
good, which is batch work to schedule, not something to start from a chat. What the
gaps are for (a coordinator acting on them) is reading the stored runs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework import authorization
from casework.authorization import Actor
from casework.entitlements import screening
from casework.entitlements.screening import ScreeningResult
from casework.usecases.base import Env, allow, use_case


@dataclass(frozen=True)
class Gaps:
    """The run's result, and its area as an operator reads it ("4601 (Mueang Kalasin)")."""

    result: ScreeningResult
    area: str


@use_case
def gaps(env: Env, actor: Actor, area_code: str | None, on: date | None = None, store: bool = True,
         programme: str | None = None) -> Gaps:
    """Every gap in the area (a code ``screening.check_area`` accepts; "all" or nothing for
    the whole registry) by ``env.rules`` on ``on`` (today in Thailand if not given), or
    only ``programme``'s. An area or programme that does not exist raises
    ``screening.UnknownArea`` or ``UnknownProgramme``, whose message says which."""
    allow(authorization.can_administer(actor), "no_role")
    result = screening.run(env.session, env.rules, area_code, on or env.today, env.now, store=store,
                           programme=programme)
    return Gaps(result, screening.area_name(env.session, result.area_code))
