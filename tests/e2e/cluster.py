"""A private PostgreSQL cluster for the tests that restart the database server.

The machine's shared server is never restarted (other tests use it). initdb
refuses to run as root, so as root the cluster runs as the ``postgres`` user.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e import procs


def bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


@dataclass
class Cluster:
    bin: Path
    data: Path
    port: int
    user: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)

    def pg_ctl(self, action: str, *args: str) -> None:
        self.run("pg_ctl", action, "-D", str(self.data), "-w", "-t", "30", *args)

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: the server dies without a checkpoint, as in a crash."""
        self.pg_ctl("stop", "-m", mode)

    def start(self) -> None:
        self.pg_ctl("start", "-l", str(self.data.parent / "server.log"),
                    "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data.parent}")


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """initdb (trust auth) in a temporary directory, started on a free port; removed after."""
    binaries = bin_dir()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="kaejon-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(binaries, root / "data", procs.free_port(), user)
    try:
        cluster.run("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--no-sync", timeout=120)
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop("fast")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(root, ignore_errors=True)
