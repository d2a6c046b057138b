"""Throughput of the whole chat pipeline beside the machine's ceiling, in one command.

Starts the Procfile's ``web`` and N ``worker`` processes on a fresh PostgreSQL database
against the LINE stand-in (its body checks off, so it costs little; ``--latency-ms``
makes every send wait as LINE's round trip from Thailand does) and replays signed
webhook bodies of a realistic mix from thousands of users: follows, text, postbacks,
locations and images, some bodies carrying several events, and redeliveries of bodies
already acknowledged. Each user's events go in order, as LINE sends a chat's events
(a lane of the load posts a user's next body only after the last was acknowledged).
Then, in the same run, the same load against a bare Flask app (``bench/bare_app.py``:
the signature check and a 200) under the same gunicorn command line.

It prints acknowledgements per second and their p50/p95/p99 beside the bare app's,
answers per second, event-to-answer p50/p95/p99, CPU per event of the workers and per
acknowledgement of the web, the database connections used, each process's peak memory,
and checks that every event was answered exactly once and each user's answers came in
the order of their events (each event has its own reply token: the order of the tokens
used is the order of the answers). It exits non-zero when that check fails.

    .venv/bin/python bench/load.py [--seconds 20] [--workers 2] [--concurrency 16]
        [--rate 0] [--latency-ms 0] [--users 3000] [--correctness]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.dev import line_events as le  # noqa: E402
from tests.e2e import procs  # noqa: E402
from tests.e2e.system import SECRET, System, launched, users  # noqa: E402

EVENTS_PER_USER = 5
POSTBACKS = ("a=menu", "a=help", "a=about", "a=rights")
REDELIVERED = 0.03  # of bodies, posted again as LINE does when it saw no 200


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory_gib": f"{memory_kb / 1024 / 1024:.0f}",
            "python": platform.python_version(), "postgres": postgres, "os": platform.platform(),
            # other work on a shared machine shows here: well above 0 at the start, the run is slower
            "load_average_1min_at_start": f"{os.getloadavg()[0]:.2f}"}


# ---------------------------------------------------------------------------------------------
# Processes: CPU, memory

def children(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def peak_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


class ConnectionSampler(threading.Thread):
    """The peak number of server connections to the database while the load runs."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(database_url, pool_size=1)
        self.stop = threading.Event()
        self.peak = 0
        self.backends: set[int] = set()

    def run(self) -> None:
        with self.engine.connect() as connection:
            while not self.stop.is_set():
                pids = connection.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()")).scalars().all()
                self.peak = max(self.peak, len(pids))
                self.backends.update(pids)
                self.stop.wait(0.25)
        self.engine.dispose()


# ---------------------------------------------------------------------------------------------
# The load

@dataclass
class User:
    user_id: str
    tokens: list[str]
    sent: int = 0  # events posted so far

    def next_event(self, rng: random.Random, mix: str = "realistic") -> dict[str, Any]:
        """This user's next event, stamped now (LINE stamps when it sends)."""
        index, token, source = self.sent, self.tokens[self.sent], le.source(self.user_id)
        self.sent += 1
        if mix == "text":
            return le.text(source, token, "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35")
        if index == 0:
            return le.follow(source, token)
        kind = rng.random()
        if kind < 0.45:
            return le.text(source, token, rng.choice(["\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35", "hello", "12"]))
        if kind < 0.8:
            return le.postback_event(source, token, rng.choice(POSTBACKS))
        if kind < 0.9:
            return le.message(source, token, {"id": str(rng.randrange(10**17, 10**18)), "type": "location",
                                              "latitude": 16.43, "longitude": 103.5, "address": "Kalasin"})
        return le.message(source, token, {"id": str(rng.randrange(10**17, 10**18)), "type": "image",
                                          "contentProvider": {"type": "line"}})


@dataclass
class Load:
    """What was posted: per event its token, user and posting time; per request its latency."""

    posted_at: dict[str, float] = field(default_factory=dict)  # reply token -> time.time() of its body
    order: dict[str, list[str]] = field(default_factory=dict)  # user -> tokens in the order posted
    acks: list[float] = field(default_factory=list)  # ms
    statuses: Counter = field(default_factory=Counter)
    events: int = 0
    redeliveries: int = 0
    seconds: float = 0.0


def reply_tokens(standin_url: str, people: list[str]) -> dict[str, list[str]]:
    with requests.Session() as session:
        return {user: session.post(f"{standin_url}/_standin/reply-tokens",
                                   json={"to": user, "count": EVENTS_PER_USER}, timeout=10).json()["replyTokens"]
                for user in people}


async def replay(url: str, lanes: list[list[User]], seconds: float, rate: float, seed: int,
                 mix: str = "realistic") -> Load:
    """Each lane posts its users' events body after body, a body once the last was
    acknowledged; with ``rate``, bodies leave on a schedule (events per second overall)."""
    load = Load()
    started = time.perf_counter()
    deadline = started + seconds
    per_lane_gap = len(lanes) / rate if rate else 0.0

    async def lane(number: int, people: list[User], session: aiohttp.ClientSession) -> None:
        rng = random.Random(seed + number)
        waiting = [user for user in people]
        next_at = started + (per_lane_gap * number / len(lanes) if rate else 0.0)
        while waiting and time.perf_counter() < deadline:
            together = 1 if mix == "text" else rng.choice([1, 1, 1, 1, 1, 1, 1, 2, 2, 3])
            picked = rng.sample(waiting, min(len(waiting), together))
            events = []
            for user in picked:
                for _ in range(min(1 if mix == "text" else rng.choice([1, 1, 1, 2]), EVENTS_PER_USER - user.sent)):
                    events.append(user.next_event(rng, mix))
                    load.order.setdefault(user.user_id, []).append(events[-1]["replyToken"])
                if user.sent == EVENTS_PER_USER:
                    waiting.remove(user)
            if rate:
                await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                next_at += per_lane_gap * len(events)
            await post(session, events, load)
            load.events += len(events)
            if mix != "text" and rng.random() < REDELIVERED:
                again = [{**event, "deliveryContext": {"isRedelivery": True}} for event in events]
                await post(session, again, load, redelivery=True)
                load.redeliveries += len(again)

    async def post(session: aiohttp.ClientSession, events: list[dict[str, Any]], load: Load,
                   redelivery: bool = False) -> None:
        body = le.payload(events)
        now = time.time()
        if not redelivery:
            for event in events:
                load.posted_at[event["replyToken"]] = now
        began = time.perf_counter()
        async with session.post(url, data=body, headers={"X-Line-Signature": le.sign(body, SECRET),
                                                         "Content-Type": "application/json"}) as response:
            await response.read()
            load.statuses[response.status] += 1
        load.acks.append((time.perf_counter() - began) * 1000)

    connector = aiohttp.TCPConnector(limit=len(lanes))
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(lane(number, people, session) for number, people in enumerate(lanes)))
    load.seconds = time.perf_counter() - started
    return load


def lanes_of(people: list[str], tokens: dict[str, list[str]], count: int) -> list[list[User]]:
    lanes: list[list[User]] = [[] for _ in range(count)]
    for index, user in enumerate(people):
        lanes[index % count].append(User(user, tokens[user]))
    return lanes


def ack_figures(load: Load) -> dict[str, Any]:
    return {"requests_per_second": round(len(load.acks) / load.seconds),
            "events_per_second": round((load.events + load.redeliveries) / load.seconds),
            "p50_ms": round(percentile(load.acks, 50), 1), "p95_ms": round(percentile(load.acks, 95), 1),
            "p99_ms": round(percentile(load.acks, 99), 1), "statuses": dict(load.statuses)}


# ---------------------------------------------------------------------------------------------
# Kaejon

class Sent:
    """What the stand-in sent, fetched a page at a time as it grows."""

    def __init__(self, standin_url: str) -> None:
        self.url = f"{standin_url}/_standin/sent"
        self.items: list[dict[str, Any]] = []

    def fetch(self) -> list[dict[str, Any]]:
        after = self.items[-1]["seq"] if self.items else 0
        self.items += requests.get(self.url, params={"after": after}, timeout=60).json()["items"]
        return self.items


def check_answers(load: Load, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Exactly once: every event's token used by one reply and no other; in order: each
    user's tokens used in the order their events were posted."""
    used = Counter(item["replyToken"] for item in items if item["kind"] == "reply")
    expected = set(load.posted_at)
    by_user: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda item: item["seq"]):
        if item["kind"] == "reply":
            by_user.setdefault(item["to"], []).append(item["replyToken"])
    unanswered = sum(1 for token in expected if used[token] == 0)
    twice = sum(1 for token in expected if used[token] > 1)
    out_of_order = sum(1 for user, tokens in load.order.items()
                       if [t for t in by_user.get(user, []) if t in expected] != tokens)
    return {"events": len(expected), "answered_once": sum(1 for token in expected if used[token] == 1),
            "unanswered": unanswered, "answered_twice": twice, "users": len(load.order),
            "users_out_of_order": out_of_order,
            "pushes": sum(1 for item in items if item["kind"] == "push"),
            "ok": unanswered == 0 and twice == 0 and out_of_order == 0}


def run_kaejon(args: argparse.Namespace, people: list[str]) -> dict[str, Any]:
    options = ("" if args.correctness else "--no-check ") + f"--latency-ms {args.latency_ms} --reply-token-ttl 600"
    overrides = dict(setting.split("=", 1) for setting in args.env)
    with tempfile.TemporaryDirectory() as logs, launched(Path(logs), standin_options=options, **overrides) as system:
        workers = [system.start_worker() for _ in range(args.workers)]
        for worker in workers:
            procs.wait_for_log(worker, "worker started")
        tokens = reply_tokens(system.standin_url, people)
        lanes = lanes_of(people, tokens, args.concurrency)
        web_pids = children(system.web_process.pid)
        worker_pids = [worker.pid for worker in workers]
        sampler = ConnectionSampler(system.database_url)
        sampler.start()
        standin_pids = children(system.standin_process.pid)
        before = {"web": cpu_seconds(web_pids), "workers": cpu_seconds(worker_pids),
                  "standin": cpu_seconds(standin_pids), "load": time.process_time()}
        load = asyncio.run(replay(f"{system.web_url}/callback", lanes, args.seconds, args.rate, args.seed,
                                  args.mix))
        web_cpu = cpu_seconds(web_pids) - before["web"]
        load_cpu = time.process_time() - before["load"]
        sent = Sent(system.standin_url)
        tokens = set(load.posted_at)
        if not workers:  # acknowledgements only: the web's own ceiling
            sampler.stop.set()
            return {"acknowledgements": ack_figures(load),
                    "cpu_ms": {"web_per_request": round(web_cpu / max(len(load.acks), 1) * 1000, 2)}}
        procs.wait_until(lambda: sum(1 for item in sent.fetch() if item.get("replyToken") in tokens) >= len(tokens),
                         args.drain, interval=0.5, what="every answer")
        time.sleep(2.0)  # anything sent twice would show now
        worker_cpu = cpu_seconds(worker_pids) - before["workers"]
        standin_cpu = cpu_seconds(standin_pids) - before["standin"]
        sampler.stop.set()
        sampler.join()
        pg_cpu = cpu_seconds(list(sampler.backends))  # the database is new: its backends' whole lives
        items = sent.fetch()
        errors = [r for r in requests.get(f"{system.standin_url}/_standin/requests", timeout=60).json()["items"]
                  if r.get("errors")]
        result = figures(load, items, system, web_cpu, worker_cpu, pg_cpu, sampler.peak, web_pids, worker_pids,
                         errors)
        result["cpu_ms"]["standin_per_answer"] = round(standin_cpu / max(len(items), 1) * 1000, 2)
        result["cpu_ms"]["load_generator_per_request"] = round(load_cpu / max(len(load.acks), 1) * 1000, 2)
        return result


def figures(load: Load, items: list[dict[str, Any]], system: System, web_cpu: float, worker_cpu: float,
            pg_cpu: float, connections: int, web_pids: list[int], worker_pids: list[int],
            errors: list[dict[str, Any]]) -> dict[str, Any]:
    first_answer: dict[str, float] = {}
    for item in items:
        if item["kind"] == "reply" and item["replyToken"] in load.posted_at:
            first_answer.setdefault(item["replyToken"], item["at"] / 1000)
    to_answer = [(first_answer[token] - posted) * 1000 for token, posted in load.posted_at.items()
                 if token in first_answer]
    times = sorted(item["at"] / 1000 for item in items)
    span = (times[-1] - min(load.posted_at.values())) if times else float("nan")
    handled = len(load.posted_at)
    return {
        "acknowledgements": ack_figures(load),
        "answers_per_second": round(len(items) / span) if times else 0,
        "event_to_answer_ms": {"p50": round(percentile(to_answer, 50)), "p95": round(percentile(to_answer, 95)),
                               "p99": round(percentile(to_answer, 99))},
        "cpu_ms": {"worker_per_event": round(worker_cpu / handled * 1000, 2),
                   "web_per_request": round(web_cpu / max(len(load.acks), 1) * 1000, 2),
                   "postgres_per_event": round(pg_cpu / handled * 1000, 2)},
        "database_connections_peak": connections,
        "peak_memory_mib": {"web": [peak_mib(pid) for pid in web_pids],
                            "workers": [peak_mib(pid) for pid in worker_pids],
                            "standin": max(peak_mib(pid) for pid in children(system.standin_process.pid))},
        "exactly_once_in_order": check_answers(load, items),
        "events_posted": load.events, "redeliveries_posted": load.redeliveries,
        "standin_schema_errors": len(errors),
    }


# ---------------------------------------------------------------------------------------------
# The bare app

def run_bare(args: argparse.Namespace, people: list[str]) -> dict[str, Any]:
    port = procs.free_port()
    command = procs.procfile()["web"].replace("'bot.wsgi:app'", "'bare_app:app'") + f" --chdir {ROOT / 'bench'}"
    with tempfile.TemporaryDirectory() as logs:
        web = procs.start(command, procs.base_env(PORT=str(port), LINE_CHANNEL_SECRET=SECRET,
                                                  WEB_CONCURRENCY="2"), Path(logs) / "bare.log")
        try:
            _wait_port(port)
            lanes = lanes_of(people, {user: [f"t{user}{i}" for i in range(EVENTS_PER_USER)] for user in people},
                             args.concurrency)
            pids = children(web.pid)
            before = cpu_seconds(pids)
            load = asyncio.run(replay(f"http://127.0.0.1:{port}/callback", lanes, args.seconds, args.rate,
                                      args.seed, args.mix))
            result = ack_figures(load)
            result["cpu_ms_per_request"] = round((cpu_seconds(pids) - before) / max(len(load.acks), 1) * 1000, 2)
            return result
        finally:
            procs.stop(web)


def _wait_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")


# ---------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="how long the load is posted")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (0: acknowledgements only)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (lanes)")
    parser.add_argument("--rate", type=float, default=0, help="events per second on a schedule (0: closed loop)")
    parser.add_argument("--latency-ms", type=float, default=0, help="the stand-in answers sends after this")
    parser.add_argument("--users", type=int, default=3000, help=f"distinct users, {EVENTS_PER_USER} events each")
    parser.add_argument("--drain", type=float, default=300, help="seconds to wait for the last answers")
    parser.add_argument("--correctness", action="store_true",
                        help="the stand-in checks every body against LINE's OpenAPI document")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare app")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for web and workers, e.g. KAEJON_WORKER_NICE=0 (repeatable)")
    parser.add_argument("--mix", choices=("realistic", "text"), default="realistic",
                        help="text: one text event per body, as the issue's first measurement")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if args.rate:
        args.concurrency = max(args.concurrency, 64)
    people = users(args.users)
    result: dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
        "setup": {"seconds": args.seconds, "workers": args.workers, "lanes": args.concurrency,
                  "arrival": f"{args.rate:g} events/s on a schedule" if args.rate else "closed loop",
                  "latency_ms": args.latency_ms, "users": args.users, "schema_checks": args.correctness,
                  "env": args.env, "mix": args.mix,
                  "web": procs.procfile()["web"]},
        "kaejon": run_kaejon(args, people),
    }
    if not args.no_bare:
        result["bare"] = run_bare(args, users(args.users))
        ours, bare = result["kaejon"]["acknowledgements"], result["bare"]
        result["ratio_to_bare"] = {"requests_per_second": round(ours["requests_per_second"]
                                                                / bare["requests_per_second"], 2),
                                   "p99": round(ours["p99_ms"] / bare["p99_ms"], 1)}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"load-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")
    check = result["kaejon"].get("exactly_once_in_order", {"ok": True})
    if not check["ok"] or (args.correctness and result["kaejon"]["standin_schema_errors"]):
        sys.exit("FAILED: not every event answered exactly once and in order, or a body LINE would refuse")


if __name__ == "__main__":
    main()
