"""A coordinator's weekly digest of an area: households by group, verified this week, open
and overdue referrals, entitlement gaps, and households that moved up or down a group."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.household_status import VERIFIED
from casework.models import Assessment, Household, Referral, ScreeningGap, ScreeningRun
from casework.referrals import OPEN, overdue_clause

GROUPS = (1, 2, 3, 4)


@dataclass(frozen=True)
class AreaWeek:
    name: ClassVar[str] = "area"
    area_code: str
    by_group: tuple[int, ...]  # verified households in groups 1 to 4
    verified_this_week: int
    open_referrals: int
    overdue_referrals: int
    gaps: int
    gaps_on: date | None
    moved_up: int
    moved_down: int

    @property
    def empty(self) -> bool:
        return not (sum(self.by_group) or self.verified_this_week or self.open_referrals or self.gaps)

    @property
    def urgent(self) -> bool:
        return self.overdue_referrals > 0


def _in(column, area: str):  # type: ignore[no-untyped-def]
    return column.startswith(area)


def week(session: Session, area: str, now: datetime, today: date) -> AreaWeek:
    """One area's week, in a handful of counting queries (no rows are read)."""
    since = now - timedelta(days=7)
    groups = dict(session.execute(
        select(Household.poverty_group, func.count()).where(_in(Household.village_code, area),
                                                            Household.status == VERIFIED)
        .group_by(Household.poverty_group)).all())
    verified = session.scalar(
        select(func.count(func.distinct(Assessment.household_id)))
        .join(Household, Household.id == Assessment.household_id)
        .where(_in(Household.village_code, area), Household.status == VERIFIED, Assessment.reviewed_at >= since)) or 0
    referrals = select(func.count()).select_from(Referral).where(_in(Referral.village_code, area),
                                                                Referral.status.in_(OPEN))
    open_count = session.scalar(referrals) or 0
    overdue = session.scalar(referrals.where(overdue_clause(today))) or 0
    run = session.execute(select(ScreeningRun.id, ScreeningRun.evaluated_on)
                          .where(func.substr(area, 1, func.length(ScreeningRun.area_code)) == ScreeningRun.area_code)
                          .order_by(ScreeningRun.id.desc()).limit(1)).first()
    gaps = 0
    if run is not None:
        gaps = session.scalar(select(func.count()).select_from(ScreeningGap).where(
            ScreeningGap.run_id == run.id, _in(ScreeningGap.village_code, area))) or 0
    steps = (select(Assessment.poverty_group.label("group"), Assessment.reviewed_at.label("at"),
                    func.lag(Assessment.poverty_group).over(partition_by=Assessment.household_id,
                                                            order_by=(Assessment.reviewed_at, Assessment.id))
                    .label("before"))
             .join(Household, Household.id == Assessment.household_id)
             .where(_in(Household.village_code, area), Assessment.reviewed_at.is_not(None),
                    Assessment.poverty_group.is_not(None)).subquery())
    up = down = 0
    for group, before in session.execute(select(steps.c.group, steps.c.before)
                                         .where(steps.c.at >= since, steps.c.before.is_not(None))):
        up += group > before
        down += group < before
    return AreaWeek(area, tuple(groups.get(group, 0) for group in GROUPS), verified, open_count, overdue, gaps,
                    run.evaluated_on if run else None, up, down)
