"""The worker: handles stored events and sends the outbox, in small restartable steps.

Each step does one item and says whether it did anything, so the loops are
trivial and a stop request is honoured between items. Several worker processes
can run at once on PostgreSQL: they divide the work through row locks.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import Services
from bot.flows import router
from bot.flows.context import EventContext, Known
from bot.line.content import ContentError
from bot.logs import log
from casework import chats, health, inbox, outbox, photos
from casework.models import Account, Attachment, Chat, OutboxMessage
from casework.unit_of_work import UnitOfWork
from messages import failures
from messages.i18n import translator

Handler = Callable[[EventContext], str]
SEND_POLL_SECONDS = 0.5
PHOTO_POLL_SECONDS = 2.0
HEARTBEAT_SECONDS = 30.0
# Events a user sent and waits for an answer to; an unfollow or unsend needs no apology.
APOLOGIZE_FOR = {"message", "postback", "follow", "join", "beacon", "accountLink"}


def handle_events(services: Services, handler: Handler = router.handle, limit: int = 1) -> int:
    """Claim up to ``limit`` due events (one per chat), handle each, commit them together.

    An event's effects, outbox rows included, commit with its completion, or not
    at all. The batch is first handled in one savepoint; if any event fails, that
    is undone and each event is handled again in its own savepoint, so the one
    that fails is retried later without undoing the others. Handlers act only on
    the database (everything they send goes through the outbox), so handling an
    event again after an undo is safe.
    """
    with services.uow() as uow:
        now = services.clock()
        claimed = inbox.claim_due(uow.session, now, limit)
        if not claimed:
            return 0
        known = chats.get_or_create_all(
            uow.session, {event.chat_key: event.source_type or "user" for event in claimed if event.chat_key}, now)
        with services.loading.while_slow(claimed, now) if services.loading else nullcontext():
            if not _handle_together(services, uow, claimed, now, handler, known, _looked_up(uow, claimed)):
                for event in claimed:
                    _handle(services, uow, event, now, handler, known.get(event.chat_key or ""))
            uow.commit()
    for event in claimed:
        if event.status != "pending":
            log("event", event_id=event.webhook_event_id, type=event.event_type, source=event.source_type,
                outcome=event.outcome, attempt=event.attempts, redelivery=event.is_redelivery,
                latency_ms=round((services.clock() - event.received_at).total_seconds() * 1000, 1))
    return len(claimed)


def handle_one_event(services: Services, handler: Handler = router.handle) -> bool:
    return handle_events(services, handler, limit=1) > 0


def _looked_up(uow: UnitOfWork, claimed: list[inbox.InboxEvent]) -> Known:
    """The accounts and conversations of a batch's one-to-one chats, in a query each."""
    users = {event.chat_key for event in claimed if event.chat_key and event.source_type == "user"}
    return Known.look_up(uow, users, users)


def _handle_together(services: Services, uow: UnitOfWork, claimed: list[inbox.InboxEvent], now: datetime,
                     handler: Handler, known: dict[str, Chat], looked_up: Known) -> bool:
    """Handle the whole batch in one savepoint; False (and nothing done) if any event failed.

    What was looked up for the batch is used only here: after an undo, the events are
    handled again from the database (a handler may have changed a conversation it read).
    """
    if len(claimed) == 1:
        return False
    try:
        with uow.session.begin_nested():
            handled = [_run(services, uow, event, now, handler, known.get(event.chat_key or ""), looked_up)
                       for event in claimed]
            outbox.insert_rows(uow.session, [row for _, answers in handled for row in answers])
    except Exception:
        return False
    for event, (outcome, _) in zip(claimed, handled):
        inbox.finish(event, outcome, now, handled=outcome != "standby")
    return True


def _run(services: Services, uow: UnitOfWork, event: inbox.InboxEvent, now: datetime, handler: Handler,
         chat: Chat | None, looked_up: Known | None = None) -> tuple[str, list[dict]]:
    """Handle one event in the current transaction; returns its outcome and its answers'
    outbox rows, for the caller to queue."""
    if event.mode == "standby":
        return "standby", []
    ctx = EventContext(flows=services.flows, rules=services.rules, uow=uow,
                       event=inbox.open_payload(uow.sealer, event), inbox_id=event.id,
                       occurred_at=event.occurred_at, now=now, chat=chat,
                       reply_ttl=timedelta(seconds=services.settings.reply_token_ttl),
                       photo_links=services.photo_links, known=looked_up)
    outcome = handler(ctx)
    return outcome, ctx.flush()


def _handle(services: Services, uow: UnitOfWork, event: inbox.InboxEvent, now: datetime,
            handler: Handler, chat: Chat | None) -> None:
    try:
        with uow.session.begin_nested():
            outcome, answers = _run(services, uow, event, now, handler, chat)
            outbox.insert_rows(uow.session, answers)
        inbox.finish(event, outcome, now, handled=outcome != "standby")
    except Exception as error:  # one bad event must not stop the others
        given_up = not inbox.defer(event, type(error).__name__, now)
        logging.getLogger("kaejon").exception(
            "event failed", extra={"fields": {"event_id": event.webhook_event_id, "type": event.event_type,
                                              "attempt": event.attempts, "gave_up": given_up}})
        if given_up:
            _gave_up(uow, event, now)


def _gave_up(uow: UnitOfWork, event: inbox.InboxEvent, now: datetime) -> None:
    """Alert the operators (an ERROR line; ``kaejon failures`` lists it) and tell the sender, once."""
    logging.getLogger("kaejon").error(
        "event given up", extra={"fields": {"alert": "event_given_up", "inbox_id": event.id,
                                            "event_id": event.webhook_event_id, "type": event.event_type,
                                            "error": event.error}})
    if not event.chat_key or event.event_type not in APOLOGIZE_FOR:
        return
    dedupe_key = f"gave-up:{event.id}"
    if uow.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key.startswith(dedupe_key + ":"))):
        return
    language = uow.session.scalar(select(Chat.language).where(Chat.line_id == event.chat_key))
    outbox.enqueue(uow.session, uow.sealer, recipient=event.chat_key,
                   messages=failures.could_not_handle(translator(language or "th")), now=now,
                   source_event_id=event.id, dedupe_key=dedupe_key)


def send_due(services: Services, limit: int = 1, pool: Executor | None = None) -> int:
    """Claim up to ``limit`` due outbox rows (one per chat), send them outside any
    transaction, concurrently when given a ``pool``, and record their outcomes together.

    Returns how many rows were sent or tried. Claims and outcomes are one
    transaction each per batch, so the database's share of a message stays small
    whatever LINE's round trip costs; LINE's rate limits are respected through the
    one bucket every process draws on.
    """
    with services.uow() as uow:
        now = services.clock()
        deliveries = outbox.claim_due(uow.session, uow.sealer, now, services.send_lease, limit)
        wait = services.rate.take(uow.session, deliveries) if services.rate and deliveries else 0.0
        if wait > 0:  # the claim must outlast the wait, or another sender would take the rows over
            outbox.extend_lease(uow.session, deliveries, now + services.send_lease + timedelta(seconds=wait))
        uow.commit()
    if not deliveries:
        return 0
    if wait > 0:
        time.sleep(wait)
    started = time.perf_counter()
    results = list(pool.map(lambda delivery: _send(services, delivery), deliveries) if pool and len(deliveries) > 1
                   else map(lambda delivery: _send(services, delivery), deliveries))
    with services.uow() as uow:
        statuses = outbox.record_outcomes(uow.session, list(zip(deliveries, results)), services.clock())
        uow.commit()
    ms = round((time.perf_counter() - started) * 1000, 1)
    for delivery, result, status in zip(deliveries, results, statuses):
        log("send", outbox_id=delivery.id, channel=delivery.channel, method=delivery.method,
            attempt=delivery.attempts, outcome=status, http=getattr(result, "status", None), ms=ms,
            batch=len(deliveries))
        if status == "dead":
            logging.getLogger("kaejon").error(
                "message dead", extra={"fields": {"alert": "message_dead", "outbox_id": delivery.id,
                                                  "http": getattr(result, "status", None)}})
    return len(deliveries)


def send_one(services: Services) -> bool:
    return send_due(services, 1) > 0


def _send(services: Services, delivery: outbox.Delivery) -> outbox.Outcome:
    transport = services.transports.get(delivery.channel)
    if transport is None:
        return outbox.Failed(error=f"no transport for {delivery.channel}", permanent=True)
    try:
        return transport.send(delivery)
    except Exception as error:  # a bug in a transport must not leave the row claimed forever
        logging.getLogger("kaejon").exception("send failed", extra={"fields": {"outbox_id": delivery.id}})
        return outbox.Failed(error=type(error).__name__, uncertain=True)


def fetch_one_photo(services: Services) -> bool:
    """Download one photo (of a check, or sent with a request for help) and keep it sealed."""
    if services.content is None:
        return False
    with services.uow() as uow:
        photo = photos.claim(uow.session, services.clock())
        uow.commit()
    if photo is None:
        return False
    try:
        content, content_type = services.content.fetch(photo.line_message_id)
    except ContentError as error:
        with services.uow() as uow:
            now = services.clock()
            if error.permanent:
                photos.mark_failed(uow.session, photo)
                given_up = True
            else:
                given_up = not photos.defer(uow.session, photo, now)
            if given_up:
                _tell_about_lost_photo(uow, photo, now)
            uow.commit()
        log("photo", attachment_id=photo.id, outcome="failed", permanent=error.permanent, error=str(error),
            gave_up=given_up)
        return True
    with services.uow() as uow:
        photos.store(uow.session, uow.sealer, photo, content, content_type)
        uow.commit()
    log("photo", attachment_id=photo.id, outcome="stored", bytes=len(content))
    return True


def _tell_about_lost_photo(uow: UnitOfWork, photo: photos.PendingPhoto, now: datetime) -> None:
    """The person who sent the photo (the leader on a check, a household with its request) hears,
    in their language, that it never arrived and is asked to send it again."""
    account = uow.session.get(Account, photo.created_by) if photo.created_by else None
    if account is None:
        return
    language = uow.session.scalar(select(Chat.language).where(Chat.line_id == account.line_user_id)) or "th"
    sent_at = uow.session.scalar(select(Attachment.created_at).where(Attachment.id == photo.id)) or now
    outbox.enqueue(uow.session, uow.sealer, recipient=account.line_user_id,
                   messages=failures.photo_lost(translator(language), language, sent_at), now=now,
                   dedupe_key=f"photo-lost:{photo.id}")


def beat(services: Services, name: str = "worker") -> bool:
    """Record that this process is alive (read by ``/healthz/detail``); never counts as work."""
    with services.uow() as uow:
        health.beat(uow.session, name, services.clock())
        uow.commit()
    return False


def run_loop(step: Callable[[], int], stop: threading.Event, idle: float,
             wake: threading.Event | None = None, then_wake: threading.Event | None = None,
             full: int = 0, linger: float = 0.0) -> None:
    """Repeat ``step`` (which returns how many items it did) until stopped; when it finds
    nothing, sleep ``idle`` seconds or until ``wake`` is set. After a step that did work,
    ``then_wake`` is set.

    After a step that did fewer than ``full`` items, wait ``linger`` seconds: under a
    steady trickle the next batch then takes several items at the price of one, instead
    of paying a batch's fixed statements for each; a burst fills every batch and never waits.

    An unexpected error (the database went away, say) is logged and the loop
    goes on after a pause, so a worker rides out a database restart.
    """
    while not stop.is_set():
        if wake is not None:
            wake.clear()
        try:
            did = int(step())
        except Exception:
            logging.getLogger("kaejon").exception("worker step failed")
            stop.wait(1.0)
            continue
        if did:
            if then_wake is not None:
                then_wake.set()
            if did < full and linger:
                stop.wait(linger)
        else:
            # Without a wake event, sleep on ``stop`` so a stop request ends the pause.
            (wake or stop).wait(idle)


def start_threads(services: Services, stop: threading.Event) -> list[threading.Thread]:
    """One thread for the inbox and ``send_threads`` for the outbox (sending waits on LINE).

    The inbox thread polls every ``poll_interval``; the senders sleep longer and
    are woken by the inbox thread when it has handled events, since those are
    what they send. Their own polling picks up retries and other processes' rows.
    """
    settings = services.settings
    sends_waiting = threading.Event()
    threads = [threading.Thread(
        target=run_loop, name="kaejon-inbox", daemon=True,
        args=(lambda: handle_events(services, limit=settings.event_batch), stop, settings.poll_interval),
        kwargs={"then_wake": sends_waiting, "full": settings.event_batch, "linger": settings.batch_linger})]
    calls = ThreadPoolExecutor(max(settings.send_concurrency, 1), thread_name_prefix="kaejon-call")
    for number in range(max(settings.send_threads, 1)):
        threads.append(threading.Thread(
            target=run_loop, name=f"kaejon-send-{number}", daemon=True,
            args=(lambda: send_due(services, settings.send_batch, calls), stop, SEND_POLL_SECONDS),
            kwargs={"wake": sends_waiting, "full": settings.send_batch, "linger": settings.batch_linger}))
    threads.append(threading.Thread(target=run_loop, name="kaejon-photos", daemon=True,
                                    args=(lambda: fetch_one_photo(services), stop, PHOTO_POLL_SECONDS)))
    threads.append(threading.Thread(target=run_loop, name="kaejon-heartbeat", daemon=True,
                                    args=(lambda: beat(services), stop, HEARTBEAT_SECONDS)))
    for thread in threads:
        thread.start()
    return threads


def yield_cpu(nice: int) -> dict[str, int]:
    """Lower this process's CPU priority by ``nice``: the webhook's answer to LINE cannot
    wait, handling can, so on shared cores the web gets the CPU first in a burst and the
    workers catch up after.

    Where Linux groups processes by session for the scheduler (autogroup, on by default),
    a process's nice weighs only against its own session; a worker started in its own
    session (``setsid``, or a process manager that gives each process its own) competes
    with the web as a whole group at equal weight. So a session leader lowers its group's
    priority too.
    """
    if nice == 0:
        return {"nice": 0}
    os.nice(nice)
    applied = {"nice": nice}
    autogroup = Path("/proc/self/autogroup")
    if os.getsid(0) == os.getpid() and autogroup.exists():
        try:
            autogroup.write_text(str(nice))
            applied["autogroup_nice"] = nice
        except OSError as error:
            log("worker priority", level=logging.WARNING, autogroup="not lowered", error=type(error).__name__)
    return applied


def run(services: Services) -> None:
    """The ``worker`` process: run until SIGTERM or SIGINT, then finish the current items."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log("worker stopping", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    priority = yield_cpu(services.settings.worker_nice)
    threads = start_threads(services, stop)
    log("worker started", threads=len(threads), **priority)
    while not stop.is_set():
        stop.wait(1.0)
    for thread in threads:
        thread.join(timeout=services.settings.line_connect_timeout + services.settings.line_read_timeout + 1)
    services.engine.dispose()
    log("worker stopped")
