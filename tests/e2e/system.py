"""A running Kaejon (the Procfile's processes, PostgreSQL, the LINE stand-in) and a
client that talks to it like LINE does: for the end-to-end tests and bench/."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

from bot.dev import line_events as le
from tests.e2e import procs
from tests.keys import TEST_KEYS

SECRET = "e2e-channel-secret"
TOKEN = "e2e-access-token"


@dataclass
class System:
    database_url: str
    standin_url: str
    web_url: str
    env: dict[str, str]
    log_dir: Path
    workers: list[subprocess.Popen] = field(default_factory=list)
    standin_process: subprocess.Popen | None = None
    web_process: subprocess.Popen | None = None
    session: requests.Session = field(default_factory=requests.Session)

    def start_worker(self, **env: str) -> subprocess.Popen:
        worker = procs.start_process("worker", {**self.env, **env}, self.log_dir)
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            procs.stop(worker)
        self.workers.clear()

    def reply_token(self, to: str) -> str:
        return self.session.post(f"{self.standin_url}/_standin/reply-tokens", json={"to": to}, timeout=5).json()[
            "replyToken"]

    def post(self, *events: dict[str, Any], signature: str | None = None) -> tuple[int, float]:
        body = le.payload(list(events))
        started = time.perf_counter()
        response = requests.post(f"{self.web_url}/callback", data=body, timeout=10, headers={
            "Content-Type": "application/json",
            "X-Line-Signature": le.sign(body, SECRET) if signature is None else signature})
        return response.status_code, time.perf_counter() - started

    def follow(self, user_id: str) -> dict[str, Any]:
        return le.follow(le.source(user_id), self.reply_token(user_id))

    def sent(self) -> list[dict[str, Any]]:
        return self.session.get(f"{self.standin_url}/_standin/sent", timeout=10).json()["items"]

    def sent_to(self, users: set[str]) -> list[dict[str, Any]]:
        return [item for item in self.sent() if item["to"] in users]

    def wait_for_answers(self, users: set[str], timeout: float) -> Counter:
        procs.wait_until(lambda: {i["to"] for i in self.sent_to(users)} >= users, timeout,
                         interval=0.2, what=f"answers to {len(users)} users")
        return Counter(item["to"] for item in self.sent_to(users))

    def fault(self, **settings: Any) -> None:
        self.session.post(f"{self.standin_url}/_standin/faults", json=settings, timeout=5).raise_for_status()

    def clear_faults(self) -> None:
        self.session.delete(f"{self.standin_url}/_standin/faults", timeout=5).raise_for_status()

    def scalar(self, sql: str) -> Any:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql)).scalar()
        finally:
            engine.dispose()


def users(count: int) -> list[str]:
    run = uuid.uuid4().hex[:8]
    return [f"U{run}{index:024d}" for index in range(count)]


def post_all(system: System, events: list[dict[str, Any]], concurrency: int = 16) -> list[tuple[int, float]]:
    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(lambda event: system.post(event), events))


@contextmanager
def launched(log_dir: Path, admin_url: str = procs.POSTGRES_ADMIN_URL, standin_options: str = "",
             **env_overrides: str) -> Iterator[System]:
    """Create a database (on the server of ``admin_url``), migrate it with the Procfile's
    ``release``, start the stand-in (with ``standin_options``, e.g. ``--no-check``) and ``web``;
    stop everything and drop the database afterwards."""
    database_url = procs.create_database(admin_url=admin_url)
    standin_port, web_port = procs.free_port(), procs.free_port()
    standin = procs.start(f"{sys.executable} -m bot.dev.standin --port {standin_port} --token {TOKEN} "
                          f"{standin_options}", procs.base_env(), log_dir / "standin.log")
    env = procs.base_env(
        DATABASE_URL=database_url, LINE_CHANNEL_SECRET=SECRET, LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
        LINE_API_ENDPOINT=f"http://127.0.0.1:{standin_port}", **TEST_KEYS,
        PORT=str(web_port), WEB_CONCURRENCY="2", LINE_CONNECT_TIMEOUT="1", LINE_READ_TIMEOUT="8",
    )
    env.update(env_overrides)
    subprocess.run(["bash", "-c", procs.procfile()["release"]], env=env, cwd=procs.ROOT, check=True,
                   capture_output=True)
    web = procs.start_process("web", env, log_dir)
    system = System(database_url, f"http://127.0.0.1:{standin_port}", f"http://127.0.0.1:{web_port}", env, log_dir,
                    standin_process=standin, web_process=web)
    try:
        procs.wait_http(f"{system.standin_url}/_standin/health")
        procs.wait_http(f"{system.web_url}/healthz")
        yield system
    finally:
        system.stop_workers()
        procs.stop(web)
        procs.stop(standin)
        procs.drop_database(database_url)


def logs_naming(system: System, words: set[str]) -> set[str]:
    """Which of ``words`` (user ids, say) appear in any process's log: none should."""
    text = "\n".join(path.read_text(errors="replace") for path in system.log_dir.glob("*.log"))
    return {word for word in words if word in text}
