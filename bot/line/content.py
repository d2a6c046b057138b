"""Downloading what users sent (photos) from LINE's content API, with timeouts."""
from __future__ import annotations

from typing import Protocol

from linebot.v3.messaging import MessagingApiBlob
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import HTTPError


class ContentError(Exception):
    """The download failed; ``permanent`` when retrying cannot help (gone, refused)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class ContentSource(Protocol):
    def fetch(self, message_id: str) -> tuple[bytes, str]: ...


class LineContent:
    def __init__(self, api: MessagingApiBlob, timeout: tuple[float, float]) -> None:
        self.api = api
        self.timeout = timeout

    def fetch(self, message_id: str) -> tuple[bytes, str]:
        try:
            response = self.api.get_message_content_with_http_info(message_id, _request_timeout=self.timeout)
        except ApiException as error:
            status = error.status or 0
            raise ContentError(f"{status}", permanent=status in (400, 403, 404, 410)) from None
        except HTTPError as error:
            raise ContentError(type(error).__name__, permanent=False) from None
        headers = {key.lower(): value for key, value in (response.headers or {}).items()}
        return bytes(response.data), headers.get("content-type", "application/octet-stream")
