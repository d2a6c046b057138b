"""The ``clock`` process: scheduled jobs. One runs per deployment (see the Procfile)."""
from __future__ import annotations

import signal
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.bootstrap import Services
from bot.logs import log
from casework import actors, conversations, health, inbox, retention
from casework.usecases import referrals
from casework.usecases.base import Env

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


def expire_referrals(services: Services) -> int:
    """Referrals never accepted by their completion date expire, and their cases return to planning."""
    with services.uow() as uow:
        expired = referrals.expire_overdue(Env(uow.session, uow.sealer, services.clock(), services.rules),
                                           actors.at_keyboard("clock"))
        uow.commit()
    log("referrals", job="expire_referrals", expired=len(expired))
    return len(expired)


def beat(services: Services) -> None:
    with services.uow() as uow:
        health.beat(uow.session, "clock", services.clock())
        uow.commit()


def build_scheduler(services: Services) -> BlockingScheduler:
    """Every job runs at once on start, then on its interval; a run that is late is run once."""
    jobs = (("forget_old_payloads", forget_old_payloads, {"hours": 1}),
            ("let_go_of_idle_flows", let_go_of_idle_flows, {"hours": 1}),
            ("purge_old_rows", purge_old_rows, {"hours": 1}),
            ("expire_referrals", expire_referrals, {"hours": 1}),
            ("heartbeat", beat, {"minutes": 1}))
    scheduler = BlockingScheduler(timezone="Asia/Bangkok")
    for job_id, job, every in jobs:
        scheduler.add_job(job, "interval", **every, args=[services], id=job_id, coalesce=True, max_instances=1,
                          next_run_time=services.clock())
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
