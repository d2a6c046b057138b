"""Digests at the scale of a province: 1,000 agency staff over 100,000 open referrals (and
the agencies' group chats and 20 coordinators' weekly digests), built and queued by the
clock's own function (``bot.clock.send_digests``) on PostgreSQL, then how they are paced.

Figures, each the median of ``--runs`` runs (the notices and queued rows of a run are
deleted before the next, so every run does the whole work):
- build: finding who is due and what each digest says (``due_digests``);
- queue: claiming each key and writing the outbox rows, in batches (``queue_scheduled``);
- total, against the 15 s target of issue 12;
- the reference beside them, in the same run: one raw SQL query (psycopg, no ORM) counting
  every open referral by agency, village and heading, the floor of any digest;
- memory: the process's peak RSS, and Python's peak allocation during a run (tracemalloc);
- pacing: how long the queued rows take to leave at ``--per-second``, and the most that
  become due within any one second.

The data is made once in its own database (``kaejon_bench_digest``) with INSERT ... SELECT
over generate_series, and marked by a comment; a database holding anything else is refused.

    .venv/bin/python bench/digest.py [--staff 1000] [--referrals 110000] [--runs 3] [--json]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime, time as clock_time, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import screening  # noqa: E402  (villages and the database, as the other benches make them)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kaejon_bench_digest"
BENCH_KEYS = "kaejon bench digest: not a secret"
TARGET_SECONDS = 15.0
MONDAY = date(2026, 12, 14)  # a working day, the first of its week: staff, groups and coordinators are all due
SEED = 0.2569


def marker(staff: int, referrals: int) -> str:
    return f"kaejon bench digest: {staff} staff, {referrals} referrals, seed {SEED}"


HOUSEHOLDS_SQL = """
INSERT INTO households (village_code, address_key, address, source, status, created_at, updated_at)
SELECT v.code, 'bench-' || g, '\\x00'::bytea, 'imported', 'verified', now(), now()
FROM generate_series(1, %(households)s) AS g
CROSS JOIN LATERAL (SELECT (%(villages)s::text[])[1 + (g %% array_length(%(villages)s::text[], 1))] AS code) AS v
"""

CASES_SQL = """
INSERT INTO cases (ref, household_id, village_code, need, status, opened_by, created_at, updated_at, origin, version)
SELECT 'KJ-2569-' || lpad(g::text, 6, '0'), h.id, h.village_code, 'money_food', 'referred', %(opener)s,
       now(), now(), 'plan', 1
FROM generate_series(1, %(referrals)s) AS g
JOIN households h ON h.id = %(first)s + (g %% %(households)s)
"""

# Local administrations take the households of their sub-districts half the time; the
# provincial office the rest. Sent, accepted or in progress, with due dates around the run's day.
REFERRALS_SQL = """
INSERT INTO referrals (case_id, household_id, village_code, agency_id, service, status, made_by, created_at,
                       sent_at, accept_due, complete_due, updated_at, version)
SELECT c.id, c.household_id, c.village_code,
       CASE WHEN local.agency_id IS NOT NULL AND random() < 0.5 THEN local.agency_id ELSE %(province)s END,
       'care', s.status, %(opener)s, now(), now(),
       %(day)s::date + (floor(random() * 20) - 10)::int, %(day)s::date + (floor(random() * 60) - 20)::int, now(), 1
FROM cases c
CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.35 THEN 'sent' WHEN random() < 0.5 THEN 'accepted'
                                ELSE 'in_progress' END AS status) AS s
LEFT JOIN LATERAL (SELECT aa.agency_id FROM agency_areas aa
                   WHERE length(aa.area_code) = 6 AND aa.area_code = left(c.village_code, 6) LIMIT 1) AS local ON true
"""


def sealer():  # type: ignore[no-untyped-def]
    from casework.crypto import Sealer

    return Sealer(BENCH_KEYS)


def ensure_data(url: str, staff: int, referrals: int) -> dict:
    from sqlalchemy import create_engine, text

    from casework.db import normalize_url

    engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.scalar(text("SELECT obj_description('notices'::regclass, 'pg_class')")) or ""
            count = connection.scalar(text("SELECT count(*) FROM referrals"))
            if found == marker(staff, referrals):
                return {"made": False, **_counts(connection)}
            if count and not found.startswith("kaejon bench digest"):
                sys.exit(f"{url} holds {count:,} referrals that are not the bench's; give a dedicated database")
            started = time.perf_counter()
            _make(engine, connection, staff, referrals)
            connection.execute(text("VACUUM (ANALYZE)"))
            return {"made": True, "seconds": round(time.perf_counter() - started, 1), **_counts(connection)}
    finally:
        engine.dispose()


def _make(engine, connection, staff: int, referrals: int) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from casework import agencies
    from casework.models import Account, Chat, RoleGrant
    from cases import agency_specs

    print(f"making {staff:,} staff and {referrals:,} referrals ...", file=sys.stderr, flush=True)
    connection.execute(text(
        "TRUNCATE notices, digest_preferences, outbox, referral_updates, referrals, case_updates, cases, "
        "role_grants, line_chats, agency_services, agency_areas, agencies, households, villages, accounts "
        "RESTART IDENTITY CASCADE"))
    connection.execute(text("COMMENT ON TABLE notices IS 'kaejon bench digest: being made'"))
    villages = screening.kalasin_villages()
    specs, _ = agency_specs(villages)
    now = datetime.now(timezone.utc)
    with Session(engine.execution_options(isolation_level="READ COMMITTED")) as session:
        for spec in specs:
            agencies.apply(session, sealer(), spec, actor="bench", now=now)
        session.flush()
        opener = Account(line_user_id="Ubench-opener", display_name="opener", created_at=now)
        session.add(opener)
        ids = {spec.code: agencies.by_code(session, spec.code).id for spec in specs}
        districts = sorted({code[:4] for code in villages})
        subdistricts = sorted({code[:6] for code in villages})
        locals_ = [spec for spec in specs if spec.code != "pso-46"]
        for number in range(staff):
            if number % 5 < 3:  # three in five work for the provincial office, over a district or the province
                agency, area = "pso-46", "46" if number % 10 == 0 else districts[number % len(districts)]
            else:
                spec = locals_[number % len(locals_)]
                agency, area = spec.code, spec.areas[0]
            line_id = f"Ubench-staff-{number:04d}"
            account = Account(line_user_id=line_id, display_name=line_id, created_at=now)
            session.add(account)
            session.add(Chat(line_id=line_id, kind="user", language="th" if number % 7 else "en", created_at=now))
            session.flush()
            session.add(RoleGrant(account_id=account.id, role="agency", area_code=area, agency_id=ids[agency],
                                  granted_at=now, granted_by="bench"))
        for spec in specs:
            session.add(Chat(line_id=f"Cbench-{spec.code}", kind="group", language="th", created_at=now,
                             agency_id=ids[spec.code]))
        for number in range(20):
            line_id = f"Ubench-coordinator-{number:02d}"
            account = Account(line_user_id=line_id, display_name=line_id, created_at=now)
            session.add(account)
            session.flush()
            session.add(RoleGrant(account_id=account.id, role="coordinator",
                                  area_code=subdistricts[number * len(subdistricts) // 20], granted_at=now,
                                  granted_by="bench"))
        session.commit()
        opener_id = opener.id
    raw = connection.connection.driver_connection
    with raw.transaction():
        raw.execute("SELECT setseed(%s)", (SEED,))
        raw.execute("INSERT INTO villages (code, subdistrict_code, number, name, created_at, created_by) "
                    "SELECT code, left(code, 6), right(code, 2)::int, '', now(), 'bench' "
                    "FROM unnest(%s::text[]) AS code", (villages,))
        households = referrals // 2
        raw.execute(HOUSEHOLDS_SQL, {"households": households, "villages": villages})
        first = raw.execute("SELECT min(id) FROM households").fetchone()[0]
        raw.execute(CASES_SQL, {"referrals": referrals, "opener": opener_id, "first": first,
                                "households": households})
        raw.execute(REFERRALS_SQL, {"opener": opener_id, "province": ids["pso-46"], "day": MONDAY})
        raw.execute(f"COMMENT ON TABLE notices IS '{marker(staff, referrals)}'")


def _counts(connection) -> dict:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    return {"staff": connection.scalar(text("SELECT count(*) FROM role_grants WHERE role = 'agency'")),
            "open_referrals": connection.scalar(text(
                "SELECT count(*) FROM referrals WHERE status IN ('sent', 'accepted', 'in_progress')")),
            "group_chats": connection.scalar(text("SELECT count(*) FROM line_chats WHERE agency_id IS NOT NULL")),
            "coordinators": connection.scalar(text("SELECT count(*) FROM role_grants WHERE role = 'coordinator'"))}


REFERENCE_SQL = """
SELECT agency_id, village_code,
       CASE WHEN (status = 'sent' AND accept_due < %(day)s) OR (status <> 'sent' AND complete_due < %(day)s)
            THEN 'overdue' WHEN status = 'sent' THEN 'new'
            WHEN complete_due <= %(day)s::date + 6 THEN 'this_week' END AS heading, count(*)
FROM referrals WHERE status IN ('sent', 'accepted', 'in_progress')
GROUP BY 1, 2, 3
"""


def services_for(url: str, per_second: float):  # type: ignore[no-untyped-def]
    from bot.bootstrap import bootstrap
    from bot.config import Settings, parse_keys
    from casework.db import normalize_url
    from casework.digests.schedule import Pacing

    ring = parse_keys("bench:" + hashlib.sha256(BENCH_KEYS.encode()).hexdigest(), "bench")
    return bootstrap(Settings(database_url=normalize_url(url), secret_keys=ring, lookup_keys=ring,
                              pacing=Pacing(per_second=per_second)), transports={})


def _reset(services) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with services.engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox WHERE dedupe_key LIKE 'digest-%'"))
        connection.execute(text("DELETE FROM notices"))


def measure(url: str, runs: int, per_second: float) -> dict:
    import psycopg
    from sqlalchemy import text

    from bot import clock
    from casework.thai_time import THAILAND

    services = services_for(url, per_second)
    at = datetime.combine(MONDAY, clock_time(8, 0), THAILAND)
    build, queue, total, reference, peaks, queued = [], [], [], [], [], 0
    try:
        for _ in range(runs):
            _reset(services)
            with psycopg.connect(url) as raw:
                started = time.perf_counter()
                raw.execute(REFERENCE_SQL, {"day": MONDAY}).fetchall()
                reference.append(time.perf_counter() - started)
            tracemalloc.start()
            started = time.perf_counter()
            waiting = clock.due_digests(services, at)
            built = time.perf_counter()
            run = clock.queue_scheduled(services, waiting)
            done = time.perf_counter()
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            build.append(built - started)
            queue.append(done - built)
            total.append(done - started)
            queued = run.queued
        with services.engine.connect() as connection:
            times = [row[0] for row in connection.execute(text(
                "SELECT next_attempt_at FROM outbox WHERE dedupe_key LIKE 'digest-%' ORDER BY next_attempt_at"))]
    finally:
        services.engine.dispose()
    seconds = [(moment - times[0]).total_seconds() for moment in times]
    busiest, start = 0, 0
    for end, moment in enumerate(seconds):
        while moment - seconds[start] >= 1.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return {
        "queued": queued,
        "build_s": round(statistics.median(build), 2),
        "queue_s": round(statistics.median(queue), 2),
        "total_s": round(statistics.median(total), 2),
        "total_each_s": [round(value, 2) for value in total],
        "reference_sql_s": round(statistics.median(reference), 3),
        "python_peak_mb": round(max(peaks) / 2**20, 1),
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pace_per_second": per_second,
        "leave_over_s": round(seconds[-1], 1) if seconds else 0.0,
        "most_due_in_one_second": busiest,
    }


def table(result: dict) -> str:
    f, d = result["figures"], result["data"]
    rows = [f"{d['staff']:,} staff, {d['open_referrals']:,} open referrals, {d['group_chats']} group chats, "
            f"{d['coordinators']} coordinators; {f['queued']:,} digests queued per run",
            f"build (who is due, what each says) {f['build_s']:>7.2f} s",
            f"queue (claim keys, outbox rows)    {f['queue_s']:>7.2f} s",
            f"total                              {f['total_s']:>7.2f} s   target {TARGET_SECONDS:.0f} s   "
            f"runs {f['total_each_s']}",
            f"reference: one raw SQL count       {f['reference_sql_s']:>7.3f} s",
            f"memory: Python peak {f['python_peak_mb']} MB, process peak RSS {f['process_peak_rss_mb']} MB",
            f"pacing: {f['queued']:,} messages leave over {f['leave_over_s']} s at {f['pace_per_second']:g}/s; "
            f"at most {f['most_due_in_one_second']} due in any one second"]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--referrals", type=int, default=110_000, help="all open (sent, accepted, in progress)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-second", type=float, default=50.0)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    from load import machine

    screening.ensure_database(args.database_url)
    data = ensure_data(args.database_url, args.staff, args.referrals)
    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
              "target_s": TARGET_SECONDS, "data": data,
              "figures": measure(args.database_url, args.runs, args.per_second)}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"digest-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2) if args.json else table(result), flush=True)
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
