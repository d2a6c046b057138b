"""Running the Procfile's processes for real: used by the end-to-end tests and bench/."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from casework.db import normalize_url

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get("KAEJON_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def procfile(path: Path = ROOT / "Procfile") -> dict[str, str]:
    entries = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a Procfile command the way a platform does: through a shell, in its own group."""
    with log.open("ab") as handle:
        process = subprocess.Popen(["bash", "-c", f"exec {command}"], env=env, cwd=ROOT, stdout=handle,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    process.log_path = log  # type: ignore[attr-defined]
    return process


def wait_for_log(process: subprocess.Popen, text: str, timeout: float = 30) -> None:
    log: Path = process.log_path  # type: ignore[attr-defined]
    wait_until(lambda: text in log.read_text(errors="replace"), timeout, what=f"{text!r} in {log.name}")


def start_process(name: str, env: dict[str, str], log_dir: Path) -> subprocess.Popen:
    return start(procfile()[name], env, log_dir / f"{name}-{uuid.uuid4().hex[:6]}.log")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait(timeout=5)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no cleanup, no goodbye; like a machine losing power."""
    stop(process, signal.SIGKILL)


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not come up in {timeout} s")


def create_database(prefix: str = "kaejon_e2e", admin_url: str = POSTGRES_ADMIN_URL) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return normalize_url(admin_url).rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def wait_until(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached in {timeout} s")
