"""What hostile webhooks cost Kaejon under gunicorn, next to valid ones.

Sends, one at a time, ``--requests`` each of: valid signed events, forged
signatures (well formed, wrong secret), missing signatures, replays of one
stored event, and a few 10 MB bodies (announced, 64 KB actually sent). Reports
latency p50/p99 per kind in ms and the statuses seen. Everything runs from the
Procfile against PostgreSQL and the LINE stand-in; no worker runs, so only the
webhook's own cost is measured.

    .venv/bin/python bench/attacks.py [--requests 300]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import machine, percentile
from bot.dev import line_events as le
from tests.e2e import attacks
from tests.e2e.system import SECRET, launched, users


def timed(session: requests.Session, url: str, body: bytes, signature: str | None) -> tuple[int, float]:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    started = time.perf_counter()
    status = session.post(url, data=body, headers=headers, timeout=10).status_code
    return status, (time.perf_counter() - started) * 1000


def summary(results: list[tuple[int, float]]) -> dict:
    latencies = [ms for _, ms in results]
    return {"requests": len(results), "statuses": dict(Counter(status for status, _ in results)),
            "ms_p50": round(percentile(latencies, 50), 2), "ms_p99": round(percentile(latencies, 99), 2)}


def run(count: int, oversized: int) -> dict:
    with tempfile.TemporaryDirectory() as logs, launched(Path(logs)) as system:
        url = f"{system.web_url}/callback"
        session = requests.Session()
        people = users(count)
        valid_bodies = [le.payload([le.text(le.source(user), None, "สวัสดีค่ะ")]) for user in people]
        replayed = valid_bodies[0]
        kinds: dict[str, list[tuple[int, float]]] = {"valid": [], "forged": [], "unsigned": [], "replayed": []}
        for _ in range(20):  # warm up both gunicorn workers and their pools
            timed(session, url, le.payload([le.follow(le.source(people[0]), None)]), None)
        for body in valid_bodies:
            kinds["valid"].append(timed(session, url, body, le.sign(body, SECRET)))
            kinds["forged"].append(timed(session, url, body, attacks.forged_signature(body)))
            kinds["unsigned"].append(timed(session, url, body, None))
            kinds["replayed"].append(timed(session, url, replayed, le.sign(replayed, SECRET)))
        big = [attacks.oversized(system.web_url) for _ in range(oversized)]
        stored = system.scalar("SELECT count(*) FROM inbox_events")
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "setup": "gunicorn from the Procfile (WEB_CONCURRENCY=2, 4 threads), PostgreSQL, one request at a time",
            **{kind: summary(results) for kind, results in kinds.items()},
            "oversized_10MB": {"requests": oversized, "statuses": dict(Counter(status for status, _, _ in big)),
                               "body_bytes_sent_each": big[0][1] if big else 0,
                               "ms_p50": round(percentile([s * 1000 for _, _, s in big], 50), 2) if big else None},
            "events_stored": stored,
            "events_expected": count,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests of each kind")
    parser.add_argument("--oversized", type=int, default=10, help="10 MB bodies announced")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    result = run(args.requests, args.oversized)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"attacks-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    if result["events_stored"] != args.requests:
        sys.exit("hostile requests changed what was stored")


if __name__ == "__main__":
    main()
