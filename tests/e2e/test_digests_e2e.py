"""Issue 12 with the Procfile's processes on PostgreSQL and the LINE stand-in: 1,500 agency
officers are due their digest; a clock is SIGKILLed mid-run, then two clocks are started (by
mistake) while an operator runs `kaejon digest run` by hand. Each officer gets exactly one
digest, and every one is sent."""
from __future__ import annotations

import random
import subprocess
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from casework.thai_time import THAILAND
from tests.e2e import procs

pytestmark = pytest.mark.e2e

OFFICERS = 1500
ENV = {"KAEJON_DIGEST_EVERY_DAY": "1", "KAEJON_BULK_PER_SECOND": "500"}


def seed(database_url: str, run: str) -> list[str]:
    """An agency and its officers, each wanting the digest a minute ago (Thai time)."""
    now = datetime.now(timezone.utc)
    wanted = (now.astimezone(THAILAND) - timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    officers = [f"U{run}{number:024d}" for number in range(OFFICERS)]
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            agency = connection.execute(text(
                "INSERT INTO agencies (code, name, kind, created_at) VALUES (:code, 'e2e agency', "
                "'local_administration', :now) RETURNING id"), {"code": f"E2E-{run}", "now": now}).scalar()
            for line_id in officers:
                account = connection.execute(text(
                    "INSERT INTO accounts (line_user_id, display_name, created_at) VALUES (:id, 'officer', :now) "
                    "RETURNING id"), {"id": line_id, "now": now}).scalar()
                connection.execute(text(
                    "INSERT INTO line_chats (line_id, kind, active, language, created_at) "
                    "VALUES (:id, 'user', true, 'th', :now)"), {"id": line_id, "now": now})
                connection.execute(text(
                    "INSERT INTO role_grants (account_id, role, area_code, agency_id, supervisor, granted_at, "
                    "granted_by) VALUES (:account, 'agency', '46', :agency, false, :now, 'e2e')"),
                    {"account": account, "agency": agency, "now": now})
                connection.execute(text(
                    "INSERT INTO digest_preferences (account_id, send_at, paused, channel, all_clear, updated_at) "
                    "VALUES (:account, :at, false, 'line', true, :now)"),
                    {"account": account, "at": wanted, "now": now})
    finally:
        engine.dispose()
    return officers


def test_each_officer_gets_one_digest_through_a_kill_two_clocks_and_a_run_by_hand(system):
    system.clear_faults()
    run = f"{random.randrange(16**8):08x}"
    officers = seed(system.database_url, run)
    env = {**system.env, **ENV}
    system.start_worker()
    system.start_worker()
    clocks = []
    try:
        first = procs.start_process("clock", env, system.log_dir)
        procs.wait_for_log(first, "clock started")
        time.sleep(random.uniform(0.2, 0.8))
        procs.kill(first)
        noticed_at_kill = system.scalar("SELECT count(*) FROM notices")
        assert noticed_at_kill < OFFICERS, "the clock finished before the kill; the test proves nothing"
        clocks = [procs.start_process("clock", env, system.log_dir) for _ in range(2)]
        by_hand = subprocess.run(["kaejon", "digest", "run"], env=env, cwd=procs.ROOT, capture_output=True,
                                 text=True, timeout=120)
        assert by_hand.returncode == 0, by_hand.stderr
        procs.wait_until(lambda: len(system.sent_to(set(officers))) >= OFFICERS, 180, interval=1,
                         what=f"{OFFICERS} digests")
        time.sleep(2)  # anything sent twice would arrive now
        got = Counter(item["to"] for item in system.sent_to(set(officers)))
        assert set(got) == set(officers) and set(got.values()) == {1}
        assert all(item["messages"][0]["text"].startswith("รายการส่งต่อของคุณ")
                   for item in system.sent_to(set(officers)))
        assert system.scalar("SELECT count(*) FROM notices WHERE kind = 'digest-staff'") == OFFICERS
        assert system.scalar("SELECT count(*) FROM clock_runs WHERE job = 'digests' AND ended_at IS NOT NULL") >= 2
    finally:
        for clock in clocks:
            procs.stop(clock)
        system.stop_workers()
