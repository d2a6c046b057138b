"""Faults the stand-in can be told to show, at run time, through `POST /_standin/faults`.

A fault applies to the LINE requests whose path matches `paths` (all if None) and
can make them slow (`delay`), fail with an HTTP error `times` times (`status`, with
`retry_after` for a 429), or find LINE down (`down`: the connection is dropped
without an answer, `times` times), which is what a client sees when LINE is
unreachable mid-request.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import socket
from dataclasses import dataclass
from typing import Any

MESSAGES = {
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal server error",
}
_SETTINGS = {"status", "times", "retry_after", "delay", "paths", "down"}


@dataclass
class Fault:
    """Injected misbehaviour for the LINE requests whose path matches `paths` (all if None)."""

    id: int
    status: int | None = None
    times: int = 0
    retry_after: int | None = None
    delay: float = 0.0
    paths: list[str] | None = None
    down: bool = False

    def matches(self, path: str) -> bool:
        return self.paths is None or any(fnmatch.fnmatchcase(path, pattern) for pattern in self.paths)

    def fails(self) -> bool:
        """Whether it still has an error (a status or a dropped connection) to give."""
        return (self.status is not None or self.down) and self.times > 0

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def settings(body: dict[str, Any]) -> dict[str, Any]:
    """A fault's settings from a control request's JSON; ValueError says what is wrong."""
    unknown = set(body) - _SETTINGS
    if unknown:
        raise ValueError(f"unknown fault settings: {sorted(unknown)}")
    status, paths, retry_after = body.get("status"), body.get("paths"), body.get("retry_after")
    delay = float(body.get("delay") or 0.0)
    times = int(body.get("times", 1))
    down = bool(body.get("down", False))
    if status is None and delay == 0 and not down:
        raise ValueError("a fault needs a 'status', a 'delay', 'down' or a combination")
    if status is not None and down:
        raise ValueError("a fault is either 'down' (no answer) or answers a 'status', not both")
    if status is not None and not (isinstance(status, int) and 400 <= status <= 599):
        raise ValueError("'status' must be an HTTP error status (400-599)")
    if delay < 0 or times < 1:
        raise ValueError("'delay' must not be negative and 'times' must be at least 1")
    if paths is not None and not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)):
        raise ValueError("'paths' must be a list of paths (shell-style patterns allowed)")
    return {
        "status": status,
        "times": times if status is not None or down else 0,
        "retry_after": int(retry_after) if retry_after is not None else None,
        "delay": delay,
        "paths": paths,
        "down": down,
    }


class Dropped(Exception):
    """Raised after the connection was cut; the server has no one left to answer."""


def drop_connection(environ: dict[str, Any]) -> None:
    """Cut the client's connection without an answer (LINE down), then raise `Dropped`."""
    connection = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    if isinstance(connection, socket.socket):
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise Dropped
