"""A burst of signed webhook events against web + workers on PostgreSQL and the stand-in.

Reports the webhook's acknowledgement latency (p50/p99), events acknowledged per
second, and event-to-reply latency (p50/p99: from posting an event to the
stand-in recording the bot's answer), and checks every event was answered
exactly once. Everything runs from the Procfile, as in production.

    .venv/bin/python bench/webhook_burst.py [--events 1000] [--concurrency 16] [--workers 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.dev import line_events as le  # noqa: E402
from tests.e2e import procs  # noqa: E402
from tests.e2e.system import SECRET, launched, users  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_kb = 0
    try:
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory_gib": f"{memory_kb / 1024 / 1024:.0f}",
            "python": platform.python_version(), "postgres": postgres, "os": platform.platform()}


async def burst(url: str, bodies: list[tuple[str, bytes, str]], concurrency: int,
                posted_at: dict[str, float], rate: float = 0) -> list[tuple[int, float]]:
    """Post every body like LINE's servers delivering a burst.

    With ``rate`` (events/s) the events arrive on a fixed schedule whatever the
    answers (an open loop, as LINE sends them); without it, ``concurrency``
    requests are kept in flight (a closed loop: as fast as Kaejon acknowledges).
    aiohttp (installed with the LINE SDK) keeps the load generator's own CPU use
    small, since it shares the machine with what it measures.
    """
    limit = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    schedule_start = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        async def post(index: int, user: str, body: bytes, signature: str) -> tuple[int, float]:
            if rate:
                await asyncio.sleep(max(0.0, schedule_start + index / rate - time.perf_counter()))
            async with limit:
                posted_at[user] = time.time()
                started = time.perf_counter()
                async with session.post(url, data=body, headers={
                        "X-Line-Signature": signature, "Content-Type": "application/json"}) as response:
                    await response.read()
                    return response.status, (time.perf_counter() - started) * 1000

        return await asyncio.gather(*(post(index, *item) for index, item in enumerate(bodies)))


def run(events: int, concurrency: int, workers: int, rate: float) -> dict:
    with tempfile.TemporaryDirectory() as logs, launched(Path(logs)) as system:
        for _ in range(workers):
            system.start_worker()
        for worker in system.workers:
            procs.wait_for_log(worker, "worker started")
        people = users(events)
        bodies = []
        for user in people:
            body = le.payload([le.text(le.source(user), system.reply_token(user), "สวัสดีค่ะ")])
            bodies.append((user, body, le.sign(body, SECRET)))
        posted_at: dict[str, float] = {}
        burst_started = time.perf_counter()
        results = asyncio.run(burst(f"{system.web_url}/callback", bodies, concurrency, posted_at, rate))
        burst_seconds = time.perf_counter() - burst_started
        expected = set(people)
        procs.wait_until(lambda: len({i["to"] for i in system.sent_to(expected)}) == events, 180,
                         interval=0.25, what="every answer")
        all_answered_seconds = time.perf_counter() - burst_started
        time.sleep(2)
        items = system.sent_to(expected)
        per_user = Counter(item["to"] for item in items)
        first_answer = {}
        for item in items:
            first_answer.setdefault(item["to"], item["at"] / 1000)
        to_reply = [(first_answer[user] - posted_at[user]) * 1000 for user in people]
        acks = [latency for _, latency in results]
        return {
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(),
            "setup": {"events": events, "arrival": f"{rate:g} events/s (open loop)" if rate else
                      f"closed loop, {concurrency} in flight", "worker_processes": workers,
                      "web": "gunicorn from the Procfile (WEB_CONCURRENCY=2, 4 threads)", "database": "PostgreSQL"},
            "acknowledged_200": sum(1 for status, _ in results if status == 200),
            "ack_ms": {"p50": round(percentile(acks, 50), 1), "p99": round(percentile(acks, 99), 1),
                       "max": round(max(acks), 1)},
            "events_per_second_acknowledged": round(events / burst_seconds),
            "events_per_second_answered": round(events / all_answered_seconds),
            "event_to_reply_ms": {"p50": round(percentile(to_reply, 50)), "p99": round(percentile(to_reply, 99)),
                                  "max": round(max(to_reply))},
            "answered_exactly_once": sum(1 for count in per_user.values() if count == 1),
            "answered_more_than_once": sum(1 for count in per_user.values() if count > 1),
            "replies": sum(1 for item in items if item["kind"] == "reply"),
            "pushes": sum(1 for item in items if item["kind"] == "push"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16,
                        help="requests in flight at once (with --rate: at most)")
    parser.add_argument("--rate", type=float, default=0,
                        help="events per second arriving on a schedule (0: closed loop)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    result = run(args.events, args.concurrency if not args.rate else max(args.concurrency, 256),
                 args.workers, args.rate)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"webhook_burst-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    if result["answered_exactly_once"] != args.events:
        sys.exit("not every event was answered exactly once")


if __name__ == "__main__":
    main()
