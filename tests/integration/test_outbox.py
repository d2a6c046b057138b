from datetime import timedelta

import pytest

from bot import worker
from casework import chats, outbox
from casework.models import OutboxMessage
from casework.outbox import Failed, ReplyTokenRejected, Sent

ALICE = "U" + "a" * 32
BOB = "U" + "b" * 32


def queue(services, recipient=ALICE, count=1, token="reply-token", **kw):
    now = services.clock()
    with services.uow() as uow:
        made = outbox.enqueue(
            uow.session, uow.sealer, recipient=recipient,
            messages=[{"type": "text", "text": f"m{i}"} for i in range(count)],
            now=now, reply_token=token, reply_deadline=now + outbox.REPLY_TOKEN_TTL if token else None, **kw,
        )
        uow.commit()
        return made


def status_of(services, row_id):
    with services.uow() as uow:
        row = uow.session.get(OutboxMessage, row_id)
        return row.status, row.method, row.attempts


def test_a_fresh_token_is_used_to_reply(fake_services, transport):
    (row,) = queue(fake_services)
    assert worker.send_one(fake_services)
    assert transport.calls[0].method == "reply"
    assert transport.calls[0].reply_token == "reply-token"
    assert status_of(fake_services, row) == ("sent", "reply", 1)


def test_a_stale_token_means_push_with_the_stored_retry_key(fake_services, transport, clock):
    (row,) = queue(fake_services)
    clock.advance(seconds=51)
    worker.send_one(fake_services)
    call = transport.calls[0]
    assert (call.method, call.reply_token) == ("push", None)
    with fake_services.uow() as uow:
        assert call.retry_key == uow.session.get(OutboxMessage, row).retry_key


def test_more_than_five_messages_become_several_calls_in_order(fake_services, transport):
    queue(fake_services, count=12)
    while worker.send_one(fake_services):
        pass
    assert [len(c.messages) for c in transport.calls] == [5, 5, 2]
    assert [c.method for c in transport.calls] == ["reply", "push", "push"]
    assert [m["text"] for c in transport.calls for m in c.messages] == [f"m{i}" for i in range(12)]


def test_a_refused_reply_token_falls_back_to_push_at_once(fake_services, transport):
    (row,) = queue(fake_services)
    transport.script = [ReplyTokenRejected()]
    worker.send_one(fake_services)
    worker.send_one(fake_services)
    assert [c.method for c in transport.calls] == ["reply", "push"]
    assert status_of(fake_services, row)[0] == "sent"


def test_a_reply_that_may_have_arrived_is_not_sent_again(fake_services, transport, clock):
    """A timeout on a reply leaves it unknown; a fresh token refused next time means it arrived."""
    (row,) = queue(fake_services)
    transport.script = [Failed(error="ReadTimeoutError", uncertain=True), ReplyTokenRejected()]
    worker.send_one(fake_services)
    clock.advance(seconds=5)
    worker.send_one(fake_services)
    assert [c.method for c in transport.calls] == ["reply", "reply"]
    assert status_of(fake_services, row)[0] == "sent"
    assert not worker.send_one(fake_services)


def test_server_errors_are_retried_with_backoff_then_delivered_once(fake_services, transport, clock):
    (row,) = queue(fake_services, token=None)
    transport.script = [Failed(error="500", status=500, uncertain=True)] * 3
    for _ in range(3):
        assert worker.send_one(fake_services)
        assert not worker.send_one(fake_services)  # waiting out the backoff
        clock.advance(minutes=5)
    assert worker.send_one(fake_services)
    assert status_of(fake_services, row) == ("sent", "push", 4)
    assert len({c.retry_key for c in transport.calls}) == 1


def test_rate_limit_waits_at_least_as_long_as_line_asks(fake_services, transport, clock):
    (row,) = queue(fake_services, token=None)
    transport.script = [Failed(error="429", status=429, retry_after=30)]
    worker.send_one(fake_services)
    clock.advance(seconds=29)
    assert not worker.send_one(fake_services)
    clock.advance(seconds=8)
    assert worker.send_one(fake_services)


def test_permanent_errors_stop_at_once(fake_services, transport):
    (row,) = queue(fake_services, token=None)
    transport.script = [Failed(error="400 bad", status=400, permanent=True)]
    worker.send_one(fake_services)
    assert status_of(fake_services, row)[0] == "dead"


def test_retries_end(fake_services, transport, clock):
    (row,) = queue(fake_services, token=None)
    transport.script = [Failed(error="503", status=503)] * outbox.MAX_ATTEMPTS
    for _ in range(outbox.MAX_ATTEMPTS):
        worker.send_one(fake_services)
        clock.advance(minutes=10)
    assert status_of(fake_services, row) == ("dead", "push", outbox.MAX_ATTEMPTS)


def test_a_sender_that_died_mid_call_is_taken_over_after_its_lease(fake_services, transport, clock):
    (row,) = queue(fake_services, token=None)
    with fake_services.uow() as uow:
        claimed = outbox.claim_next(uow.session, uow.sealer, clock(), fake_services.send_lease)
        uow.commit()
    # ... the process dies before recording the outcome
    assert not worker.send_one(fake_services)
    clock.advance(seconds=fake_services.send_lease.total_seconds() + 1)
    assert worker.send_one(fake_services)
    assert transport.calls[0].retry_key == claimed.retry_key
    assert status_of(fake_services, row) == ("sent", "push", 2)


def test_a_reply_cut_off_by_a_crash_is_treated_as_maybe_delivered(fake_services, transport, clock):
    queue(fake_services)
    with fake_services.uow() as uow:
        outbox.claim_next(uow.session, uow.sealer, clock(), timedelta(seconds=5))
        uow.commit()
    clock.advance(seconds=6)
    transport.script = [ReplyTokenRejected()]
    worker.send_one(fake_services)
    assert transport.calls[0].reply_uncertain
    assert len(transport.calls) == 1 and not worker.send_one(fake_services)


def test_an_outcome_from_a_lost_claim_is_ignored(fake_services, clock):
    (row,) = queue(fake_services, token=None)
    with fake_services.uow() as uow:
        first = outbox.claim_next(uow.session, uow.sealer, clock(), timedelta(seconds=5))
        uow.commit()
    clock.advance(seconds=6)
    with fake_services.uow() as uow:
        second = outbox.claim_next(uow.session, uow.sealer, clock(), timedelta(seconds=5))
        uow.commit()
    with fake_services.uow() as uow:
        assert outbox.record_outcome(uow.session, first, Failed(error="late"), clock()) == "lost_claim"
        assert outbox.record_outcome(uow.session, second, Sent(), clock()) == "sent"
        uow.commit()


def test_a_chat_waits_for_its_earlier_message_but_others_do_not(fake_services, transport, clock):
    queue(fake_services, recipient=ALICE, token=None)
    queue(fake_services, recipient=ALICE, token=None)
    queue(fake_services, recipient=BOB, token=None)
    transport.script = [Failed(error="503", status=503)]
    worker.send_one(fake_services)  # Alice's first fails and backs off
    worker.send_one(fake_services)
    assert [c.recipient for c in transport.calls] == [ALICE, BOB]
    assert not worker.send_one(fake_services)


def test_no_push_to_someone_who_unfollowed(fake_services, transport, clock):
    with fake_services.uow() as uow:
        chats.closed(chats.get_or_create(uow.session, ALICE, "user", clock()), clock())
        uow.commit()
    (row,) = queue(fake_services, token=None)
    assert not worker.send_one(fake_services)
    assert transport.calls == []
    assert status_of(fake_services, row)[0] == "cancelled"


def test_the_body_is_sealed_at_rest(fake_services):
    (row,) = queue(fake_services)
    with fake_services.uow() as uow:
        assert b"m0" not in uow.session.get(OutboxMessage, row).body


@pytest.mark.backends("postgresql")
def test_two_senders_never_claim_the_same_row(fake_services, clock):
    queue(fake_services, recipient=ALICE, token=None)
    queue(fake_services, recipient=BOB, token=None)
    with fake_services.uow() as one, fake_services.uow() as two:
        a = outbox.claim_next(one.session, one.sealer, clock(), timedelta(seconds=30))
        b = outbox.claim_next(two.session, two.sealer, clock(), timedelta(seconds=30))
        assert {a.recipient, b.recipient} == {ALICE, BOB}


class BrokenTransport:
    def send(self, delivery):
        raise TypeError("bug")


def test_a_transport_that_crashes_does_not_keep_the_row_forever(fake_services, clock):
    (row,) = queue(fake_services, token=None)
    fake_services.transports["line"] = BrokenTransport()
    for _ in range(outbox.MAX_ATTEMPTS):
        assert worker.send_one(fake_services)
        clock.advance(minutes=10)
    assert status_of(fake_services, row)[0] == "dead"


def test_a_batch_takes_one_row_per_chat_and_keeps_each_chats_order(fake_services, transport):
    first = queue(fake_services, recipient=ALICE, token=None)
    second = queue(fake_services, recipient=ALICE, token=None)
    queue(fake_services, recipient=BOB, token=None)
    assert worker.send_due(fake_services, limit=32) == 2  # Alice's second waits for her first
    assert [c.recipient for c in transport.calls] == [ALICE, BOB]
    assert status_of(fake_services, first[0])[0] == "sent" and status_of(fake_services, second[0])[0] == "pending"
    assert worker.send_due(fake_services, limit=32) == 1
    assert [c.recipient for c in transport.calls] == [ALICE, BOB, ALICE]
    assert worker.send_due(fake_services, limit=32) == 0


def test_a_batch_sent_concurrently_records_each_outcome(fake_services, transport, clock):
    from concurrent.futures import ThreadPoolExecutor

    rows = {user: queue(fake_services, recipient=user, token=None)[0] for user in (ALICE, BOB, "U" + "c" * 32)}
    outcomes = {ALICE: Sent(status=200), BOB: Failed(error="503", status=503, uncertain=True),
                "U" + "c" * 32: Failed(error="400 bad", status=400, permanent=True)}
    fake_services.transports["line"] = type("ByRecipient", (), {
        "send": lambda self, delivery: outcomes[delivery.recipient]})()
    with ThreadPoolExecutor(4) as pool:
        assert worker.send_due(fake_services, limit=32, pool=pool) == 3
    assert status_of(fake_services, rows[ALICE]) == ("sent", "push", 1)
    assert status_of(fake_services, rows[BOB]) == ("pending", "push", 1)
    assert status_of(fake_services, rows["U" + "c" * 32]) == ("dead", "push", 1)
    assert worker.send_due(fake_services, limit=32) == 0  # Bob's retry waits out its backoff
    clock.advance(minutes=10)
    fake_services.transports["line"] = transport
    assert worker.send_due(fake_services, limit=32) == 1
    assert status_of(fake_services, rows[BOB]) == ("sent", "push", 2)


def test_a_cancelled_row_does_not_end_the_batch_early(fake_services, transport, clock):
    with fake_services.uow() as uow:
        chats.closed(chats.get_or_create(uow.session, ALICE, "user", clock()), clock())
        uow.commit()
    queue(fake_services, recipient=ALICE, token=None)
    queue(fake_services, recipient=BOB, token=None)
    assert worker.send_one(fake_services)
    assert [c.recipient for c in transport.calls] == [BOB]
