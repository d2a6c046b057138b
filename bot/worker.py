"""The worker: handles stored events and sends the outbox, in small restartable steps.

Each step does one item and says whether it did anything, so the loops are
trivial and a stop request is honoured between items. Several worker processes
can run at once on PostgreSQL: they divide the work through row locks.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from bot import events
from bot.bootstrap import Services
from bot.context import EventContext
from bot.logs import log
from casework import chats, inbox, outbox


def handle_one_event(services: Services, handler: Callable[[EventContext], str] = events.handle) -> bool:
    """Claim one due event, handle it, and commit its effects with its completion."""
    with services.uow() as uow:
        now = services.clock()
        event = inbox.claim_next(uow.session, now)
        if event is None:
            return False
        raw = inbox.open_payload(uow.sealer, event)
        if event.mode == "standby":
            inbox.finish(event, "standby", now, handled=False)
        else:
            try:
                with uow.session.begin_nested():
                    chat = _chat_for(uow, event, now)
                    ctx = EventContext(uow=uow, event=raw, inbox_id=event.id,
                                       occurred_at=event.occurred_at, now=now, chat=chat,
                                       reply_ttl=timedelta(seconds=services.settings.reply_token_ttl))
                    outcome = handler(ctx)
                inbox.finish(event, outcome, now)
            except Exception as error:  # one bad event must not stop the worker
                given_up = not inbox.defer(event, type(error).__name__, now)
                logging.getLogger("kaejon").exception(
                    "event failed", extra={"fields": {"event_id": event.webhook_event_id,
                                                      "type": event.event_type,
                                                      "attempt": event.attempts,
                                                      "gave_up": given_up}})
                uow.commit()
                return True
        uow.commit()
    log("event", event_id=event.webhook_event_id, type=event.event_type, source=event.source_type,
        outcome=event.outcome, attempt=event.attempts, redelivery=event.is_redelivery,
        latency_ms=round((services.clock() - event.received_at).total_seconds() * 1000, 1))
    return True


def _chat_for(uow, event: inbox.InboxEvent, now):  # type: ignore[no-untyped-def]
    if not event.chat_key:
        return None
    return chats.get_or_create(uow.session, event.chat_key, event.source_type or "user", now)


def send_one(services: Services) -> bool:
    """Claim one due outbox row, send it outside any transaction, record the outcome."""
    with services.uow() as uow:
        delivery = outbox.claim_next(uow.session, uow.sealer, services.clock(), services.send_lease)
        uow.commit()
    if delivery is None:
        return False
    transport = services.transports.get(delivery.channel)
    started = time.perf_counter()
    if transport is None:
        result: outbox.Outcome = outbox.Failed(error=f"no transport for {delivery.channel}", permanent=True)
    else:
        result = transport.send(delivery)
    with services.uow() as uow:
        status = outbox.record_outcome(uow.session, delivery, result, services.clock())
        uow.commit()
    log("send", outbox_id=delivery.id, channel=delivery.channel, method=delivery.method,
        attempt=delivery.attempts, outcome=status, http=getattr(result, "status", None),
        ms=round((time.perf_counter() - started) * 1000, 1))
    return True


def run_loop(step: Callable[[], bool], stop: threading.Event, idle: float) -> None:
    """Repeat ``step`` until stopped, sleeping only when it found nothing to do.

    An unexpected error (the database went away, say) is logged and the loop
    goes on after a pause, so a worker rides out a database restart.
    """
    while not stop.is_set():
        try:
            did_work = step()
        except Exception:
            logging.getLogger("kaejon").exception("worker step failed")
            stop.wait(1.0)
            continue
        if not did_work:
            stop.wait(idle)


def start_threads(services: Services, stop: threading.Event) -> list[threading.Thread]:
    """One thread for the inbox, ``send_threads`` for the outbox (sending waits on LINE)."""
    idle = services.settings.poll_interval
    threads = [threading.Thread(target=run_loop, args=(lambda: handle_one_event(services), stop, idle),
                                name="kaejon-inbox", daemon=True)]
    for number in range(max(services.settings.send_threads, 1)):
        threads.append(threading.Thread(target=run_loop, args=(lambda: send_one(services), stop, idle),
                                        name=f"kaejon-send-{number}", daemon=True))
    for thread in threads:
        thread.start()
    return threads


def run(services: Services) -> None:
    """The ``worker`` process: run until SIGTERM or SIGINT, then finish the current items."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log("worker stopping", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    threads = start_threads(services, stop)
    log("worker started", threads=len(threads))
    while not stop.is_set():
        stop.wait(1.0)
    for thread in threads:
        thread.join(timeout=services.settings.line_connect_timeout + services.settings.line_read_timeout + 1)
    services.engine.dispose()
    log("worker stopped")
