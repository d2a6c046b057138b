"""This month's push quota, read from the LINE API (the stand-in serves it too)."""
from __future__ import annotations

import logging

from linebot.v3.messaging import MessagingApi
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import HTTPError

from casework.digests.quota import Quota


class LineQuota:
    def __init__(self, api: MessagingApi, timeout: tuple[float, float]) -> None:
        self.api = api
        self.timeout = timeout

    def read(self) -> Quota | None:
        """The quota and its use, or None when LINE cannot say (the run goes on unthrottled)."""
        try:
            limit = self.api.get_message_quota(_request_timeout=self.timeout)
            used = self.api.get_message_quota_consumption(_request_timeout=self.timeout)
        except (ApiException, HTTPError, ValueError) as error:
            logging.getLogger("kaejon").warning("push quota unknown", extra={"fields": {"error": type(error).__name__}})
            return None
        return Quota(limit=limit.value if limit.type == "limited" else None, used=used.total_usage or 0)
