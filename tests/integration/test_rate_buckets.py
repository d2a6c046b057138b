"""LINE's rate limits: one token bucket per endpoint in the database, shared by every
sending process, so that together they stay under the limit."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot import worker
from casework import outbox
from casework.outbox import Delivery
from casework.rate import Buckets, Limit, debt_wait


class Wallclock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def pushes(count: int) -> list[Delivery]:
    return [Delivery(id=index, channel="line", recipient=f"U{index:032x}", messages=[], method="push",
                     reply_token=None, retry_key="k", reply_uncertain=False, attempts=1) for index in range(count)]


def queue_pushes(services, count):
    with services.uow() as uow:
        for index in range(count):
            outbox.enqueue(uow.session, uow.sealer, recipient=f"U{index:032x}",
                           messages=[{"type": "text", "text": "x"}], now=services.clock())
        uow.commit()


def take(services, buckets, count):
    with services.uow() as uow:
        wait = buckets.take(uow.session, pushes(count))
        uow.commit()
    return wait


def test_a_full_bucket_lets_a_burst_through_then_makes_senders_wait_their_turn(fake_services):
    clock = Wallclock()
    buckets = Buckets({"line:push": Limit(per_second=100, burst=25)}, clock)
    assert take(fake_services, buckets, 20) == 0
    assert take(fake_services, buckets, 20) == pytest.approx(0.15)  # 15 owed at 100/s
    assert take(fake_services, buckets, 10) == pytest.approx(0.25)  # queued behind the last
    clock.now += 1.0
    assert take(fake_services, buckets, 10) == 0  # refilled, but never past the burst


def test_replies_and_pushes_have_their_own_buckets_and_other_channels_none(fake_services):
    clock = Wallclock()
    buckets = Buckets({"line:push": Limit(per_second=10, burst=1), "line:reply": Limit(per_second=10, burst=5)}, clock)
    reply = [Delivery(id=1, channel="line", recipient="U", messages=[], method="reply", reply_token="t",
                      retry_key="k", reply_uncertain=False, attempts=1)] * 5
    email = [Delivery(id=2, channel="email", recipient="a@b", messages=[], method="push", reply_token=None,
                      retry_key="k", reply_uncertain=False, attempts=1)] * 50
    with fake_services.uow() as uow:
        assert buckets.take(uow.session, reply + email) == 0
        assert buckets.take(uow.session, pushes(3)) == pytest.approx(0.2)


@pytest.mark.backends("postgresql")
def test_processes_taking_at_once_share_one_bucket(fake_services):
    """Eight senders take at once from their own connections: the debts add up, so the
    last waits as long as the whole lot needs at the limit."""
    clock = Wallclock()
    buckets = Buckets({"line:push": Limit(per_second=100, burst=10)}, clock)
    take(fake_services, buckets, 1)  # the bucket row exists
    with ThreadPoolExecutor(8) as pool:
        waits = sorted(pool.map(lambda _: take(fake_services, buckets, 10), range(8)))
    assert waits[-1] == pytest.approx((1 + 80 - 10) / 100)
    assert waits[0] == pytest.approx(0.01)


def test_the_debt_is_waited_out():
    assert debt_wait(5, 100) == 0
    assert debt_wait(-50, 100) == 0.5


def test_the_worker_waits_out_a_debt_before_sending(fake_services, transport, monkeypatch):
    clock = Wallclock()
    fake_services.rate = Buckets({"line:push": Limit(per_second=10, burst=1)}, clock)
    queue_pushes(fake_services, 3)
    slept = []

    def sleep(seconds):  # meanwhile another sender finds the rows still claimed
        slept.append(seconds)
        assert worker.send_due(fake_services, limit=32) == 0

    monkeypatch.setattr(worker.time, "sleep", sleep)
    assert worker.send_due(fake_services, limit=32) == 3
    assert slept == [pytest.approx(0.2)] and len(transport.calls) == 3


def test_a_long_wait_keeps_the_rows_claimed_past_the_usual_lease(fake_services, transport, clock, monkeypatch):
    """Were the claim to end before the wait, a second sender would take the rows and send them too."""
    fake_services.rate = Buckets({"line:push": Limit(per_second=1, burst=1)}, Wallclock())
    queue_pushes(fake_services, 3)

    def sleep(seconds):
        clock.advance(seconds=fake_services.send_lease.total_seconds() + 1)  # past the usual lease
        assert worker.send_due(fake_services, limit=32) == 0

    monkeypatch.setattr(worker.time, "sleep", sleep)
    assert worker.send_due(fake_services, limit=32) == 3
    assert len(transport.calls) == 3
