"""The ``clock`` process: scheduled jobs. One runs per deployment (see the Procfile)."""
from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.bootstrap import Services
from bot.logs import log
from casework import actors, clock_log, conversations, health, inbox, outbox, retention
from casework.digests import due as digests_due
from casework.digests import escalations, notices, reminders
from casework.digests import quota as push_quota
from casework.digests.schedule import Due
from casework.usecases import referrals
from casework.usecases.base import Env
from messages import digests as digest_messages
from messages.i18n import translator

SHORT_FLOW_IDLE = timedelta(days=1)


def forget_old_payloads(services: Services) -> int:
    """Keep raw events (message text) only as long as needed to handle and audit them."""
    before = services.clock() - timedelta(days=services.settings.inbox_retention_days)
    with services.uow() as uow:
        count = inbox.forget_payloads(uow.session, before)
        uow.commit()
    log("retention", job="forget_old_payloads", events=count)
    return count


def let_go_of_idle_flows(services: Services) -> int:
    """Answers half given (anonymous rights questions, a request not sent) are not kept for ever."""
    now = services.clock()
    with services.uow() as uow:
        count = conversations.let_go(uow.session, uow.sealer, services.flows.short(), now - SHORT_FLOW_IDLE, now)
        uow.commit()
    log("retention", job="let_go_of_idle_flows", conversations=count)
    return count


def purge_old_rows(services: Services, batch: int = retention.BATCH) -> tuple[int, int]:
    """Delete handled events and finished messages older than their periods, batch by batch."""
    keep = services.settings.keep
    total_events = total_messages = 0
    while True:
        with services.uow() as uow:
            events, messages = retention.purge_batch(uow.session, services.clock(), keep, batch)
            uow.commit()
        total_events += events
        total_messages += messages
        if events < batch and messages < batch:
            break
    log("retention", job="purge_old_rows", events=total_events, messages=total_messages)
    return total_events, total_messages


def forget_old_notices(services: Services, batch: int = retention.BATCH) -> int:
    """Notices and the run log are kept as long as finished outbox messages, then deleted."""
    before = services.clock() - services.settings.keep.outbox
    total = 0
    while True:
        with services.uow() as uow:
            done = notices.purge(uow.session, before, batch) + clock_log.purge(uow.session, before, batch)
            uow.commit()
        total += done
        if done == 0:
            break
    log("retention", job="forget_old_notices", rows=total)
    return total


def expire_referrals(services: Services) -> int:
    """Referrals never accepted by their completion date expire, and their cases return to planning."""
    with services.uow() as uow:
        expired = referrals.expire_overdue(Env(uow.session, uow.sealer, services.clock(), services.rules),
                                           actors.at_keyboard("clock"))
        uow.commit()
    log("referrals", job="expire_referrals", expired=len(expired))
    return len(expired)


@dataclass(frozen=True)
class DigestRun:
    queued: int = 0  # recipients whose digest, reminders or escalations went into the outbox
    nothing: int = 0  # due, with nothing to say and no "all clear" wanted
    late: int = 0
    failed: int = 0
    skipped: int = 0  # taken meanwhile by another clock or a run by hand


class Scheduled(Protocol):
    """A digest, a leader's reminders or an escalation: to whom, its keys, and how to narrow
    it to the keys one run claimed."""

    kind: str
    recipient: str
    language: str
    due: Due

    def keys(self) -> list[str]: ...

    def narrow(self, claimed: set[str]) -> Scheduled | None: ...


def channels_of(services: Services) -> list[str]:
    """The channels this deployment can send scheduled messages by."""
    return [channel for channel in ("line", "email") if channel in services.transports]


def due_digests(services: Services, at: datetime) -> list[Scheduled]:
    """Every digest and leader's reminder due at ``at`` and not yet sent (nothing is claimed: a preview)."""
    pacing, channels = services.settings.pacing, channels_of(services)
    with services.uow() as uow:
        return [*digests_due.staff_digests(uow.session, uow.sealer, at, pacing, channels=channels),
                *digests_due.group_digests(uow.session, at, pacing), *digests_due.area_digests(uow.session, at, pacing),
                *reminders.due_reminders(uow.session, uow.sealer, at, pacing, services.settings.reminders, channels)]


def queue_scheduled(services: Services, waiting: list[Scheduled], batch: int = 200) -> DigestRun:
    """Queue each of ``waiting`` exactly once.

    Its keys are claimed in the transaction that queues its messages, a batch at a time: a
    second clock, a run by hand or a restart after a kill finds them taken and sends
    nothing again, and whatever a killed run had not committed is still due. Messages
    leave paced (KAEJON_BULK_PER_SECOND) from now.
    """
    now = services.clock()
    pacing = services.settings.pacing
    queued = nothing = late = failed = skipped = 0
    for start in range(0, len(waiting), batch):
        chunk = waiting[start:start + batch]
        with services.uow() as uow:
            claimed = notices.claim(uow.session, [(key, item.kind, item.recipient, item.due) for item in chunk
                                                  for key in item.keys()], now)
            spent: set[str] = set()
            outgoing: list[dict] = []
            for item in chunk:
                mine = item.narrow(claimed)
                if mine is None:
                    skipped += 1
                    continue
                keys = set(item.keys()) & claimed
                try:
                    messages = digest_messages.build(translator(mine.language), mine.language, mine)
                except ValueError as error:  # a message over LINE's limits: a bug, not a reason to stop
                    logging.getLogger("kaejon").error("scheduled message not built", extra={"fields": {
                        "alert": "digest_failed", "kind": item.kind, "error": str(error)}})
                    notices.mark(uow.session, keys, "failed")
                    failed += 1
                    continue
                if not messages:
                    spent |= keys
                    nothing += 1
                    continue
                channel = getattr(mine, "channel", "line")
                outgoing += outbox.rows(
                    uow.sealer, channel=channel, messages=messages, now=now,
                    recipient=mine.recipient if channel == "line" else f"{channel}:{mine.recipient}",
                    dedupe_key=item.keys()[0] if len(keys) == 1 else None, not_before=pacing.send_time(now, queued))
                queued += 1
                late += mine.due.late
            outbox.insert_rows(uow.session, outgoing)
            notices.mark(uow.session, spent, "nothing")
            uow.commit()
    return DigestRun(queued, nothing, late, failed, skipped)


def within_quota(services: Services, waiting: list[Scheduled]) -> list[Scheduled]:
    """Near the month's push quota, only what needs acting on goes, and the operators are told."""
    quota = services.quota.read() if services.quota is not None else None
    if not push_quota.is_low(quota, len(waiting)):
        return waiting
    kept = push_quota.condense(waiting)
    assert quota is not None
    logging.getLogger("kaejon").error("push quota low: digests condensed", extra={"fields": {
        "alert": "push_quota_low", "limit": quota.limit, "used": quota.used, "wanted": len(waiting),
        "sending": len(kept)}})
    return kept


def send_digests(services: Services, at: datetime | None = None, batch: int = 200) -> DigestRun:
    """Queue the digests and reminders due at ``at`` (now by default), each exactly once."""
    return queue_scheduled(services, within_quota(services, due_digests(services, at or services.clock())), batch)


def digests(services: Services) -> DigestRun:
    """The clock's job: every minute, whatever is due (a missed one within the grace window)."""
    run = send_digests(services)
    log("digests", job="digests", queued=run.queued, nothing=run.nothing, late=run.late, failed=run.failed,
        skipped=run.skipped)
    return run


def escalate(services: Services, at: datetime | None = None) -> DigestRun:
    """The clock's job: referrals past their service level, to supervisors and coordinators, once per stage."""
    with services.uow() as uow:
        waiting = escalations.due_escalations(uow.session, uow.sealer, at or services.clock(), channels_of(services))
    run = queue_scheduled(services, list(waiting))
    log("escalations", job="escalate", queued=run.queued, skipped=run.skipped)
    return run


def beat(services: Services) -> None:
    with services.uow() as uow:
        health.beat(uow.session, "clock", services.clock())
        uow.commit()


def logged(job_id: str, job: Callable[[Services], object]) -> Callable[[Services], None]:
    """Run a job with a line in the run log: start, end, what it did (or its error)."""

    def run(services: Services) -> None:
        with services.uow() as uow:
            run_id = clock_log.started(uow.session, job_id, services.clock())
            uow.commit()
        note, done = None, None
        try:
            done = job(services)
        except Exception as error:
            note = f"{type(error).__name__}: {error}"
            raise
        finally:
            counts = vars(done) if isinstance(done, DigestRun) else {}
            with services.uow() as uow:
                clock_log.ended(uow.session, run_id, services.clock(), sent=counts.get("queued", 0),
                                failed=counts.get("failed", 0), late=counts.get("late", 0),
                                note=note or (None if counts else f"{done}"))
                uow.commit()

    run.__name__ = job_id
    return run


# (id, function, interval, misfire grace in seconds). Every job runs at once on start, then
# on its interval; runs missed while the clock was busy or down are coalesced into one, and
# one is started late by at most its grace (the digests catch up on their own, by their keys).
JOBS: tuple[tuple[str, Callable[[Services], object], dict[str, int], int], ...] = (
    ("digests", digests, {"minutes": 1}, 50),
    ("forget_old_payloads", forget_old_payloads, {"hours": 1}, 1800),
    ("let_go_of_idle_flows", let_go_of_idle_flows, {"hours": 1}, 1800),
    ("purge_old_rows", purge_old_rows, {"hours": 1}, 1800),
    ("forget_old_notices", forget_old_notices, {"hours": 1}, 1800),
    ("expire_referrals", expire_referrals, {"hours": 1}, 1800),
    ("escalate", escalate, {"hours": 1}, 1800),
)


def build_scheduler(services: Services, scheduler: BaseScheduler | None = None) -> BaseScheduler:
    """The jobs on ``scheduler`` (a blocking one for ``kaejon clock``; the demo runs them
    on a background one beside its web and worker threads)."""
    scheduler = scheduler or BlockingScheduler(timezone="Asia/Bangkok")
    for job_id, job, every, grace in JOBS:
        scheduler.add_job(logged(job_id, job), "interval", **every, args=[services], id=job_id, coalesce=True,
                          max_instances=1, misfire_grace_time=grace, next_run_time=services.clock())
    scheduler.add_job(beat, "interval", minutes=1, args=[services], id="heartbeat", coalesce=True,
                      max_instances=1, misfire_grace_time=50, next_run_time=services.clock())
    return scheduler


def run(services: Services) -> None:
    scheduler = build_scheduler(services)

    def request_stop(signum: int, _frame: object) -> None:
        log("clock stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    log("clock started", jobs=len(scheduler.get_jobs()))
    scheduler.start()
    services.engine.dispose()
    log("clock stopped")
