"""Batch screening of 1,000,000 persons: evaluation alone, load from PostgreSQL, storing
the gaps, and all of it end to end, with the memory it takes.

The registry is made once in a dedicated PostgreSQL database (created and migrated if
missing) by ``INSERT ... SELECT`` over ``generate_series``, with seeded random values:
about 300,000 households in every village of Kalasin, ages 0-100 (about 12% aged 60
and over), incomes, welfare codes for about a third of the persons, some disability
cards, poverty groups 1-4 for verified households, housing conditions, a few
households moved away or closed. A comment on the persons table marks the database
as the bench's, so a later run reuses it, and a database holding anything else is
never touched. ``--evaluation-only`` needs no database: the same distributions are
drawn with numpy.

    .venv/bin/python bench/screening.py [--persons 1000000] [--database-url URL] [--json]
    .venv/bin/python bench/screening.py --evaluation-only
"""
from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from casework.entitlements import evaluate, facts, rules as rules_files, screening  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kaejon_bench_screening"
MADE_ON = date(2026, 11, 25)       # birth dates are drawn back from this day
SEED = 0.2026
HOUSEHOLD_SIZES = (0.12, 0.20, 0.24, 0.22, 0.12, 0.06, 0.04)  # 1..7 persons: 3.36 on average
TARGETS = {"evaluation": 0.5, "end_to_end": 5.0}


def marker(persons: int) -> str:
    return f"kaejon bench screening: {persons} persons, seed {SEED}"


# ---------------------------------------------------------------------------------------------
# The registry in PostgreSQL

def kalasin_villages() -> list[str]:
    """Every sub-district of Kalasin with 8 to 20 villages each (fixed, not random)."""
    import geothai

    codes = []
    for district in geothai.districts("46"):
        for index, subdistrict in enumerate(geothai.subdistricts(district.code)):
            count = 8 + (int(subdistrict.code) + index) % 13
            codes.extend(f"{subdistrict.code}{number:02d}" for number in range(1, count + 1))
    return codes


HOUSEHOLDS_SQL = """
WITH r AS MATERIALIZED (
    SELECT g, random() AS a, random() AS b, random() AS c, random() AS d, random() AS e, random() AS f
    FROM generate_series(1, %(households)s) AS g
)
INSERT INTO households (village_code, address_key, address, housing_condition, savings_baht, debt_baht,
                        source, status, poverty_group, created_at, updated_at)
SELECT (%(villages)s::text[])[1 + floor(a * cardinality(%(villages)s::text[]))::int],
       'bench:' || lpad(g::text, 9, '0'), '\\x00'::bytea,
       CASE WHEN b < 0.05 THEN NULL WHEN b < 0.11 THEN 'near_collapse' WHEN b < 0.28 THEN 'run_down'
            WHEN b < 0.70 THEN 'fair' ELSE 'sound' END,
       CASE WHEN c < 0.10 THEN NULL WHEN c < 0.45 THEN 0 ELSE (power(d, 3) * 300000)::int / 100 * 100 END,
       CASE WHEN d < 0.5 THEN 0 ELSE (d * 200000)::int / 1000 * 1000 END,
       'imported',
       CASE WHEN e < 0.01 THEN 'moved' WHEN e < 0.02 THEN 'closed' WHEN e < 0.32 THEN 'verified'
            WHEN e < 0.36 THEN 'awaiting_review' ELSE 'listed' END,
       CASE WHEN e >= 0.02 AND e < 0.32 THEN 1 + width_bucket(f, ARRAY[0.2, 0.55, 0.85]::float8[]) END,
       now(), now()
FROM r ORDER BY g
"""

# Ages: 12% 60-100, 24% 0-17, the rest 18-59. Incomes are yearly, none under 15.
# Welfare: unknown (JSON null, as the ORM stores None) for 3%; most of the 60+ receive the
# old-age allowance, half of the under-6s child support, a quarter of the others a card or a
# scheme; 60% of disability card holders the disability allowance.
PERSONS_SQL = """
WITH m AS MATERIALIZED (
    SELECT h.id AS hid, k, random() AS a, random() AS b, random() AS c, random() AS d, random() AS e,
           random() AS f, random() AS g, random() AS i, random() AS j, random() AS l
    FROM households h
    -- "h.id * 0": without a reference to h, the size would be drawn once for all households
    CROSS JOIN LATERAL generate_series(1, 1 + width_bucket(random() + h.id * 0, %(sizes)s::float8[])) AS k
    WHERE h.address_key LIKE 'bench:%%'
    ORDER BY h.id, k
    LIMIT %(persons)s
), p AS MATERIALIZED (
    SELECT m.*, CASE WHEN a < 0.12 THEN 60 + floor(41 * power(b, 1.7))
                     WHEN a < 0.36 THEN floor(18 * b)
                     ELSE 18 + floor(42 * b) END::int AS age,
                CASE WHEN l < 0.04 THEN true WHEN l < 0.30 THEN false END AS card
    FROM m
)
INSERT INTO persons (household_id, relation, sex, birth_date, thai, name, income_baht_year, welfare,
                     has_disability_card, created_at, updated_at)
SELECT hid, CASE k WHEN 1 THEN 'head' WHEN 2 THEN 'spouse' ELSE 'child' END,
       CASE WHEN c < 0.5 THEN 'M' ELSE 'F' END,
       CASE WHEN d < 0.01 THEN NULL ELSE DATE '{made_on}' - (age * 365.25 + floor(e * 365))::int END,
       CASE WHEN f < 0.01 THEN NULL WHEN f < 0.03 THEN false ELSE true END,
       '\\x00'::bytea,
       CASE WHEN g < 0.08 THEN NULL WHEN age < 15 OR g < 0.30 THEN 0
            ELSE (6000 + power(i, 2) * 144000)::int / 1000 * 1000 END,
       CASE WHEN j < 0.03 THEN 'null'::jsonb
            ELSE (CASE WHEN age >= 60 THEN CASE WHEN j < 0.45 THEN '["old_age"]' WHEN j < 0.78
                                                THEN '["old_age", "welfare_card"]' ELSE '[]' END
                       WHEN age < 6 THEN CASE WHEN j < 0.53 THEN '["child_support"]' ELSE '[]' END
                       ELSE CASE WHEN j < 0.13 THEN '["welfare_card"]' WHEN j < 0.19
                                 THEN '["welfare_card", "gold_card"]' WHEN j < 0.22 THEN '["gold_card"]'
                                 WHEN j < 0.27 THEN '["social_security"]' WHEN j < 0.28
                                 THEN '["civil_pension"]' ELSE '[]' END END)::jsonb
                 || CASE WHEN card AND i < 0.6 THEN '["disability"]' ELSE '[]' END::jsonb END,
       card, now(), now()
FROM p
""".format(made_on=MADE_ON.isoformat())


def ensure_database(url: str) -> None:
    """Create the database if it does not exist, and migrate it (as ``kaejon db upgrade``)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from casework import migrate
    from casework.db import normalize_url

    target = make_url(normalize_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": target.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    migrate.upgrade(url)


def ensure_registry(url: str, persons: int, households: int) -> dict:
    """The bench's registry, made unless it is already there; refuses to touch any other data."""
    from sqlalchemy import create_engine, text

    from casework.db import normalize_url

    engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.scalar(text("SELECT obj_description('persons'::regclass, 'pg_class')"))
            count = connection.scalar(text("SELECT count(*) FROM persons"))
            if found == marker(persons) and count == persons:
                return {"made": False, "seconds": 0.0, **_registry_counts(connection)}
            if count and not (found or "").startswith("kaejon bench screening"):
                sys.exit(f"{url} holds {count:,} persons that are not the bench's; give a dedicated database "
                         "with --database-url")
            started = time.perf_counter()
            print(f"making the registry: {persons:,} persons in about {households:,} households ...",
                  file=sys.stderr)
            connection.execute(text("TRUNCATE screening_gaps, screening_runs, decisions, persons, households, "
                                    "villages RESTART IDENTITY CASCADE"))
            raw = connection.connection.driver_connection
            with raw.transaction():
                raw.execute("SELECT setseed(%s)", (SEED,))
                villages = kalasin_villages()
                raw.execute("INSERT INTO villages (code, subdistrict_code, number, name, created_at, created_by) "
                            "SELECT code, left(code, 6), right(code, 2)::int, '', now(), 'bench' "
                            "FROM unnest(%s::text[]) AS code", (villages,))
                raw.execute(HOUSEHOLDS_SQL, {"households": households, "villages": villages})
                cumulative = list(np.cumsum(HOUSEHOLD_SIZES)[:-1].round(4))
                raw.execute(PERSONS_SQL, {"persons": persons, "sizes": cumulative})
                raw.execute("DELETE FROM households h WHERE NOT EXISTS "
                            "(SELECT 1 FROM persons p WHERE p.household_id = h.id)")
                raw.execute(f"COMMENT ON TABLE persons IS '{marker(persons)}'")
            connection.execute(text("VACUUM (ANALYZE) villages, households, persons"))
            return {"made": True, "seconds": round(time.perf_counter() - started, 1),
                    **_registry_counts(connection)}
    finally:
        engine.dispose()


def _registry_counts(connection) -> dict:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    row = connection.execute(text(
        "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM households), "
        "(SELECT count(*) FROM households WHERE status IN ('moved', 'closed')), (SELECT count(*) FROM villages)"
    )).one()
    return {"persons": row[0], "households": row[1], "households_moved_or_closed": row[2], "villages": row[3]}


# ---------------------------------------------------------------------------------------------
# The same distributions in memory, for evaluation alone

def synthetic_columns(persons: int, households: int, seed: int = 2026) -> facts.Columns:
    """Columns like the bench registry's, drawn with numpy (no database)."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice(np.arange(1, 8), size=households, p=HOUSEHOLD_SIZES)
    household = np.repeat(np.arange(households), sizes)[:persons]
    if len(household) < persons:  # a short draw: the last household takes the rest
        household = np.concatenate([household, np.full(persons - len(household), households - 1)])
    n = persons
    a, b = rng.random(n), rng.random(n)
    age = np.where(a < 0.12, 60 + np.floor(41 * b ** 1.7), np.where(a < 0.36, np.floor(18 * b), 18 + np.floor(42 * b)))
    days = (np.datetime64(MADE_ON) - (age * 365.25 + np.floor(rng.random(n) * 365)).astype(np.int64)).astype(
        "datetime64[D]")
    days[rng.random(n) < 0.01] = np.datetime64("NaT")
    f, card_draw, g, i, j = rng.random(n), rng.random(n), rng.random(n), rng.random(n), rng.random(n)
    thai = np.where(f < 0.01, np.nan, np.where(f < 0.03, 0.0, 1.0))
    card = np.where(card_draw < 0.04, 1.0, np.where(card_draw < 0.30, 0.0, np.nan))
    income = np.where(g < 0.08, np.nan, np.where((age < 15) | (g < 0.30), 0.0,
                                                 np.floor((6000 + i ** 2 * 144000) / 1000) * 1000))
    bit = {code: 1 << index for index, code in enumerate(facts.RECEIVED)}
    welfare = np.select(
        [age >= 60, age < 6],
        [np.select([j < 0.45, j < 0.78], [bit["old_age"], bit["old_age"] | bit["welfare_card"]], 0),
         np.where(j < 0.53, bit["child_support"], 0)],
        np.select([j < 0.13, j < 0.19, j < 0.22, j < 0.27, j < 0.28],
                  [bit["welfare_card"], bit["welfare_card"] | bit["gold_card"], bit["gold_card"],
                   bit["social_security"], bit["civil_pension"]], 0))
    welfare = np.where((card == 1.0) & (i < 0.6), welfare | bit["disability"], welfare)
    welfare = np.where(j < 0.03, -1, welfare).astype(np.int64)
    h = households
    c, d, e, f2 = rng.random(h), rng.random(h), rng.random(h), rng.random(h)
    savings = np.where(c < 0.10, np.nan, np.where(c < 0.45, 0.0, np.floor(d ** 3 * 3000) * 100))
    housing = np.select([c < 0.05, c < 0.11, c < 0.28, c < 0.70], [np.nan, 1.0, 2.0, 3.0], 4.0)
    group = np.where((e >= 0.02) & (e < 0.32), 1.0 + np.searchsorted([0.2, 0.55, 0.85], f2), np.nan)
    return facts.Columns(birth_day=days, thai=thai, disability_card=card, own_income_year=income, welfare=welfare,
                         household=household.astype(np.int64), household_savings=savings, housing_score=housing,
                         poverty_group=group)


# ---------------------------------------------------------------------------------------------
# Measuring

def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(runs: int, work) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times), times


def evaluation_bytes(columns: facts.Columns, outcomes: list[evaluate.Outcome], person: facts.Facts,
                     household: facts.Facts) -> dict[str, int]:
    sizes = {
        "columns": sum(value.nbytes for value in vars(columns).values() if isinstance(value, np.ndarray)),
        "facts": sum(values.nbytes for kind in (person, household) for values in kind.values.values()),
        "outcomes": sum(o.status.nbytes + o.amount.nbytes + o.receiving.nbytes for o in outcomes),
    }
    return {**sizes, "total": sum(sizes.values())}


def measure_evaluation(columns: facts.Columns, on: date, runs: int) -> dict:
    rules = rules_files.default()
    outcomes, person, household = evaluate.screen(rules, columns, on)  # warm-up, and the arrays to count
    best, times = best_of(runs, lambda: evaluate.screen(rules, columns, on))
    return {"persons": columns.persons, "households": columns.households, "best_s": round(best, 3),
            "runs_s": [round(t, 3) for t in times], "gaps": int(sum(o.gaps.sum() for o in outcomes)),
            "array_bytes": evaluation_bytes(columns, outcomes, person, household)}


def clear_runs(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text("TRUNCATE screening_gaps, screening_runs RESTART IDENTITY"))


def stored_rows(engine) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM screening_gaps"))


def measure_database(url: str, on: date, area: str, runs: int, evaluation_runs: int) -> dict:
    from sqlalchemy.orm import Session

    from casework.db import make_engine

    rules = rules_files.default()
    engine = make_engine(url)
    results: dict = {}
    try:
        clear_runs(engine)
        with Session(engine) as session:
            frame = screening.load_area(session, screening.check_area(session, area))  # warm the cache
            results["evaluation"] = measure_evaluation(frame.columns, on, evaluation_runs)

            def load() -> None:
                screening.load_area(session, screening.check_area(session, area))
                session.rollback()

            best, times = best_of(runs, load)
            results["load"] = {"best_s": round(best, 3), "runs_s": [round(t, 3) for t in times]}
        del frame
        end_to_end = []
        for _ in range(runs):
            gc.collect()
            with Session(engine) as session:
                started = time.perf_counter()
                result = screening.run(session, rules, area, on, datetime.now(timezone.utc), store=True)
                committing = time.perf_counter()
                session.commit()
                finished = time.perf_counter()
            end_to_end.append({"total_s": finished - started, "load_s": result.seconds["load"],
                               "evaluate_s": result.seconds["evaluate"],
                               "store_s": result.seconds["store"] + finished - committing,
                               "persons": result.persons, "households": result.households,
                               "gaps": result.total_gaps, "gaps_by_programme": result.counts,
                               "rows": stored_rows(engine)})
            array_bytes = result.nbytes
            clear_runs(engine)
        best_run = min(end_to_end, key=lambda run: run["total_s"])
        results["store"] = {"best_s": round(min(run["store_s"] for run in end_to_end), 3),
                            "runs_s": [round(run["store_s"], 3) for run in end_to_end],
                            "gaps": best_run["gaps"], "rows": best_run["rows"]}
        results["end_to_end"] = {**{key: round(value, 3) if isinstance(value, float) else value
                                    for key, value in best_run.items()},
                                 "runs_s": [round(run["total_s"], 3) for run in end_to_end]}
        results["array_bytes"] = array_bytes
    finally:
        engine.dispose()
    return results


# ---------------------------------------------------------------------------------------------
# Reporting

def mib(count: int) -> str:
    return f"{count / 2 ** 20:,.0f} MiB"


def verdict(seconds: float, target: float) -> str:
    return f"under the {target:g} s target" if seconds < target else f"MISSES the {target:g} s target"


def table(result: dict) -> str:
    machine = result["machine"]
    lines = [f"Screening {result['persons']:,} persons — {machine['cpu']}, {machine['cores']} cores, "
             f"{machine['memory_gib']} GiB, {machine['postgres']}"]
    evaluation = result["evaluation"]
    lines.append(f"{'stage':44} {'best':>8}   runs")
    lines.append(f"{'evaluation, in memory (evaluate.screen)':44} {evaluation['best_s']:>6.3f} s   "
                 f"{evaluation['runs_s']}  {verdict(evaluation['best_s'], TARGETS['evaluation'])}")
    if "load" in result:
        e2e = result["end_to_end"]
        lines.append(f"{'load from PostgreSQL (two queries)':44} {result['load']['best_s']:>6.3f} s   "
                     f"{result['load']['runs_s']}")
        lines.append(f"{'store the gaps (packed rows, commit)':44} {result['store']['best_s']:>6.3f} s   "
                     f"{result['store']['runs_s']}  {result['store']['gaps']:,} gaps in "
                     f"{result['store']['rows']:,} rows")
        lines.append(f"{'end to end (load, evaluate, store, commit)':44} {e2e['total_s']:>6.3f} s   "
                     f"{e2e['runs_s']}  {verdict(e2e['total_s'], TARGETS['end_to_end'])}")
        lines.append(f"{'  best run: load / evaluate+gaps / store':44} {e2e['load_s']:.3f} / {e2e['evaluate_s']:.3f}"
                     f" / {e2e['store_s']:.3f} s")
        lines.append(f"persons {e2e['persons']:,} in {e2e['households']:,} open households; gaps {e2e['gaps']:,}: "
                     + ", ".join(f"{name} {count:,}" for name, count in e2e["gaps_by_programme"].items()))
        sizes = result["array_bytes"]
    else:
        sizes = evaluation["array_bytes"]
        lines.append(f"persons {evaluation['persons']:,} in {evaluation['households']:,} households; "
                     f"gaps {evaluation['gaps']:,}")
    lines.append("numpy arrays: " + ", ".join(f"{name} {mib(count)}" for name, count in sizes.items()))
    lines.append(f"peak RSS of this process: {result['peak_rss_mib']:,.0f} MiB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--households", type=int, default=300_000, help="drawn; those left without persons are dropped")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--area", default="all", help="area code to screen, or 'all' (default)")
    parser.add_argument("--on", type=date.fromisoformat, default=MADE_ON, help="evaluation date (YYYY-MM-DD)")
    parser.add_argument("--runs", type=int, default=3, help="runs of load, store and end to end")
    parser.add_argument("--evaluation-runs", type=int, default=7)
    parser.add_argument("--evaluation-only", action="store_true", help="in-memory columns only, no database")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from load import machine  # the same description of the machine as the other benches

    result: dict = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
                    "persons": args.persons, "on": args.on.isoformat(), "area": args.area, "targets_s": TARGETS}
    if args.evaluation_only:
        columns = synthetic_columns(args.persons, args.households)
        result["evaluation"] = measure_evaluation(columns, args.on, args.evaluation_runs)
    else:
        ensure_database(args.database_url)
        result["registry"] = ensure_registry(args.database_url, args.persons, args.households)
        result.update(measure_database(args.database_url, args.on, args.area, args.runs, args.evaluation_runs))
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"screening-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2) if args.json else table(result), flush=True)
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
