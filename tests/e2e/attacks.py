"""Hostile webhook requests, for tests/e2e/test_attackers.py and bench/attacks.py."""
from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

from bot.dev import line_events as le

MEGABYTE = 1024 * 1024


def oversized(web_url: str, size: int = 10 * MEGABYTE, sent_first: int = 64 * 1024,
              timeout: float = 10) -> tuple[int, int, float]:
    """Announce a ``size``-byte body, send only ``sent_first`` bytes of it, and read the answer.

    Returns (status, bytes of the body sent, seconds): a server that waits for the
    whole body never answers, and the read times out.
    """
    address = urlsplit(web_url)
    started = time.perf_counter()
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as connection:
        head = (f"POST /callback HTTP/1.1\r\nHost: {address.netloc}\r\nContent-Type: application/json\r\n"
                f"X-Line-Signature: {le.sign(b'x', 'forged')}\r\nContent-Length: {size}\r\n\r\n")
        connection.sendall(head.encode())
        connection.sendall(b"{" + b" " * (sent_first - 1))
        answer = connection.recv(4096)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, sent_first, time.perf_counter() - started


def forged_signature(body: bytes) -> str:
    """A well-formed signature made with the wrong secret."""
    return le.sign(body, "not-the-channel-secret")


def chunked(web_url: str, body: bytes, signature: str, chunk: int = 64 * 1024,
            timeout: float = 10) -> tuple[int, float]:
    """Send ``body`` with ``Transfer-Encoding: chunked`` (no length announced); returns
    (status, seconds). A server that stops reading early may cut the upload short."""
    address = urlsplit(web_url)
    started = time.perf_counter()
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as connection:
        head = (f"POST /callback HTTP/1.1\r\nHost: {address.netloc}\r\nContent-Type: application/json\r\n"
                f"X-Line-Signature: {signature}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        try:
            connection.sendall(head.encode())
            for start in range(0, len(body), chunk):
                part = body[start:start + chunk]
                connection.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
            connection.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        answer = connection.recv(4096)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - started
