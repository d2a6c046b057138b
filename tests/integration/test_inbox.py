from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.dev import line_events as le
from bot import worker
from casework import inbox
from casework.models import InboxEvent, OutboxMessage

ALICE = le.source("U" + "a" * 32)
BOB = le.source("U" + "b" * 32)


def record(services, *events):
    with services.uow() as uow:
        summaries = inbox.record(uow.session.connection(), uow.sealer, list(events), services.clock())
        uow.commit()
    return summaries


def rows(services, model):
    with services.uow() as uow:
        found = list(uow.session.scalars(select(model).order_by(model.id)))
        uow.session.expunge_all()
        return found


def test_an_event_stored_twice_is_stored_once(fake_services):
    event = le.text(ALICE, "t1", "hello")
    first = record(fake_services, event)
    second = record(fake_services, event, le.text(BOB, "t2", "hi"))
    assert [s.stored for s in first] == [True]
    assert [s.stored for s in second] == [False, True]
    assert len(rows(fake_services, InboxEvent)) == 2


def test_a_repeat_inside_one_request_is_not_stored_twice(fake_services):
    event = le.text(ALICE, "t1", "hello")
    summaries = record(fake_services, event, event)
    assert [s.stored for s in summaries] == [True, False]


def test_the_payload_is_sealed_at_rest(fake_services):
    record(fake_services, le.text(ALICE, "t1", "my secret illness"))
    (stored,) = rows(fake_services, InboxEvent)
    assert b"secret" not in stored.payload
    assert inbox.open_payload(fake_services.sealer, stored)["message"]["text"] == "my secret illness"


def test_events_of_one_chat_wait_for_the_earlier_ones(fake_services, clock):
    record(fake_services, le.text(ALICE, None, "1"), le.text(ALICE, None, "2"), le.text(BOB, None, "3"))
    with fake_services.uow() as uow:
        first = inbox.claim_next(uow.session, clock())
        assert first.chat_key == ALICE["userId"]
        inbox.defer(first, "RuntimeError", clock())  # backing off: Alice's next must wait
        uow.commit()
    with fake_services.uow() as uow:
        assert inbox.claim_next(uow.session, clock()).chat_key == BOB["userId"]


@pytest.mark.backends("postgresql")
def test_two_workers_never_take_the_same_chat_at_once(fake_services, clock):
    record(fake_services, le.text(ALICE, None, "1"), le.text(ALICE, None, "2"), le.text(BOB, None, "3"))
    with fake_services.uow() as first_worker, fake_services.uow() as second_worker:
        a = inbox.claim_next(first_worker.session, clock())
        b = inbox.claim_next(second_worker.session, clock())
        assert (a.chat_key, b.chat_key) == (ALICE["userId"], BOB["userId"])


def test_a_failing_handler_leaves_nothing_half_done_and_is_retried(fake_services, clock):
    record(fake_services, le.follow(ALICE, "t1"))

    def explode(ctx):
        ctx.answer([{"type": "text", "text": "half"}])
        raise RuntimeError("bug")

    assert worker.handle_one_event(fake_services, explode)
    (event,) = rows(fake_services, InboxEvent)
    assert (event.status, event.attempts, event.error) == ("pending", 1, "RuntimeError")
    assert rows(fake_services, OutboxMessage) == []
    assert not worker.handle_one_event(fake_services)  # not due yet
    clock.advance(minutes=10)
    assert worker.handle_one_event(fake_services)
    (event,) = rows(fake_services, InboxEvent)
    assert (event.status, event.outcome) == ("done", "welcomed")
    assert len(rows(fake_services, OutboxMessage)) == 1


def test_an_event_that_always_fails_is_given_up(fake_services, clock):
    record(fake_services, le.follow(ALICE, "t1"))
    for _ in range(inbox.MAX_ATTEMPTS):
        worker.handle_one_event(fake_services, lambda ctx: 1 / 0)
        clock.advance(hours=1)
    (event,) = rows(fake_services, InboxEvent)
    assert (event.status, event.attempts) == ("failed", inbox.MAX_ATTEMPTS)


def test_a_worker_killed_mid_handling_leaves_the_event_pending(fake_services, clock):
    """A kill is a transaction that never commits: the claim and every effect vanish."""
    record(fake_services, le.follow(ALICE, "t1"))
    with fake_services.uow() as uow:
        event = inbox.claim_next(uow.session, clock())
        assert event is not None
        # ... the process dies here: no commit
    assert worker.handle_one_event(fake_services)
    (event,) = rows(fake_services, InboxEvent)
    assert (event.status, event.attempts) == ("done", 1)
    assert len(rows(fake_services, OutboxMessage)) == 1


def test_standby_events_are_kept_but_not_answered(fake_services):
    record(fake_services, le.follow(ALICE, "t1", mode="standby"))
    worker.handle_one_event(fake_services)
    (event,) = rows(fake_services, InboxEvent)
    assert (event.status, event.outcome) == ("skipped", "standby")
    assert rows(fake_services, OutboxMessage) == []


@pytest.mark.parametrize(
    "event",
    [
        le.event("somethingNew", ALICE, reply_token="t"),
        le.event("message", ALICE, reply_token="t", message={"type": "hologram", "id": "1"}),
        le.event("message", ALICE, reply_token="t", message="not even an object"),
        {"type": "follow"},
        {},
        le.event("postback", ALICE, reply_token="t", postback={"data": 42}),
    ],
    ids=["unknown event type", "unknown message type", "malformed message", "no source", "empty", "odd postback"],
)
def test_odd_events_are_stored_and_handled_without_crashing(fake_services, event):
    record(fake_services, event)
    assert worker.handle_one_event(fake_services)
    (stored,) = rows(fake_services, InboxEvent)
    assert stored.status == "done"
    assert stored.error is None


def test_old_payloads_are_forgotten(fake_services, clock):
    record(fake_services, le.follow(ALICE, "t1"))
    worker.handle_one_event(fake_services)
    clock.advance(days=31)
    with fake_services.uow() as uow:
        assert inbox.forget_payloads(uow.session, clock() - timedelta(days=30)) == 1
        uow.commit()
    (event,) = rows(fake_services, InboxEvent)
    assert event.payload is None and event.status == "done"


def test_one_failing_event_in_a_batch_does_not_undo_the_others(fake_services, clock):
    """The batch is first handled in one savepoint; a failure undoes it and each event is
    handled again on its own, so only the failing one waits for its retry."""
    record(fake_services, le.follow(ALICE, "t1"), le.follow(BOB, "t2"))

    def alice_breaks(ctx):
        if ctx.user_id == ALICE["userId"]:
            ctx.answer([{"type": "text", "text": "half"}])
            raise RuntimeError("bug")
        return worker.router.handle(ctx)

    assert worker.handle_events(fake_services, alice_breaks, limit=16) == 2
    by_chat = {event.chat_key: event for event in rows(fake_services, InboxEvent)}
    assert (by_chat[ALICE["userId"]].status, by_chat[ALICE["userId"]].error) == ("pending", "RuntimeError")
    assert (by_chat[BOB["userId"]].status, by_chat[BOB["userId"]].outcome) == ("done", "welcomed")
    assert [row.recipient for row in rows(fake_services, OutboxMessage)] == [BOB["userId"]]


def test_a_batch_that_all_works_is_done_once_with_every_answer(fake_services):
    users = [le.source(f"U{index:032x}") for index in range(20)]
    record(fake_services, *(le.follow(user, f"t{index}") for index, user in enumerate(users)))
    assert worker.handle_events(fake_services, limit=16) == 16
    assert worker.handle_events(fake_services, limit=16) == 4
    events = rows(fake_services, InboxEvent)
    assert {(event.status, event.attempts) for event in events} == {("done", 1)}
    assert sorted(row.recipient for row in rows(fake_services, OutboxMessage)) == sorted(u["userId"] for u in users)
