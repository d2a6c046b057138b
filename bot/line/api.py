"""The LINE SDK client, pointed at LINE or at a stand-in, with timeouts and no hidden retries."""
from __future__ import annotations

from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, MessagingApiBlob

from bot.config import Settings

LINE_API = "https://api.line.me"


def _configuration(settings: Settings, default_host: str) -> Configuration:
    """``LINE_API_ENDPOINT`` stands in for both api.line.me and api-data.line.me."""
    configuration = Configuration(
        host=settings.line_api_endpoint or default_host,
        access_token=settings.channel_access_token,
    )
    # Retries belong to the outbox, which knows what is safe to repeat; urllib3's
    # own retries would repeat a reply behind its back.
    configuration.retries = False
    # Kept-alive connections for every call a worker has in flight (KAEJON_SEND_CONCURRENCY).
    configuration.connection_pool_maxsize = max(settings.send_concurrency, 4)
    return configuration


def messaging_api(settings: Settings) -> MessagingApi:
    return MessagingApi(ApiClient(_configuration(settings, LINE_API)))


def messaging_blob_api(settings: Settings) -> MessagingApiBlob:
    """Uploads and downloads (rich menu images, message content): LINE serves them
    from api-data.line.me, which ``LINE_API_ENDPOINT`` also stands in for."""
    return MessagingApiBlob(ApiClient(_configuration(settings, "https://api-data.line.me")))


def timeout(settings: Settings) -> tuple[float, float]:
    """(connect, read) seconds, passed on every call: the SDK sets none by default."""
    return (settings.line_connect_timeout, settings.line_read_timeout)
