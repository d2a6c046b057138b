"""Issue 12 in the simulator, on the demo's data: the municipality's officer gets her
referrals digest when `kaejon digest run --at` (or the demo's clock) reaches her time, and
its buttons work: she opens a referral from it and accepts it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bot import clock as clock_process
from bot.dev.demo.seed import seed
from casework.digests.schedule import Pacing
from casework.models import Account, Household
from casework.thai_time import THAILAND
from tests.integration.test_digests import referral
from tests.simulator.chat import Chat, actions
from tests.simulator.test_simulator import CAST, drain

PORN = next(p for p in CAST.people if p.key == "agency2")
THURSDAY = date(2026, 12, 3)


def test_the_officers_digest_arrives_at_eight_and_its_buttons_open_and_accept_a_referral(client, services):
    seed(services, CAST)
    with services.uow() as uow:
        by = uow.session.scalar(select(Account.id).where(Account.line_user_id == PORN.line_user_id))
        home = uow.session.scalar(select(Household.id).where(Household.village_code.startswith("460101")).limit(1))
    ref = referral(services, by, home, 41, status="sent", accept_due=THURSDAY + timedelta(days=3),
                   complete_due=THURSDAY + timedelta(days=30))
    porn = Chat(client, services, PORN)
    porn.send("follow")
    porn.new_messages()
    services.settings = replace(services.settings, pacing=Pacing(per_second=1e6))  # no wait between digests
    run = clock_process.send_digests(services, datetime.combine(THURSDAY, time(8, 0), THAILAND))
    assert run.queued >= 1
    drain(services)
    messages = porn.new_messages()
    summary = next(message for message in messages if message.get("text", "").startswith("รายการส่งต่อของคุณ"))
    assert "ใหม่ 1 รายการ" in summary["text"]
    carousel = next(message for message in messages if message.get("type") == "flex" and ref in str(message))
    (card,) = porn.send("postback", data=actions(carousel)[ref])
    assert card["altText"] == ref
    (accepted, *_) = porn.tap(card, "รับเรื่อง")
    assert "รับเรื่อง" in str(accepted)
