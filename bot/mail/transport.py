"""The ``email`` channel: one outbox row is one email, sent over SMTP.

A row's message is ``{"to", "subject", "text", "html", "attachments": [{"filename",
"content_type", "content"}]}``, built by ``messages/digests.py`` and sealed in the outbox
like any message (the address is personal data). Its Message-ID is the row's retry key, so
a resend after an uncertain failure can be recognised as the same email.
"""
from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

from bot.config import Smtp
from casework.outbox import Delivery, Failed, Outcome, Sent


def compose(sender: str, message: dict, retry_key: str) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message["to"], message["subject"]
    email["Message-ID"] = f"<{retry_key}@kaejon>"
    email.set_content(message["text"])
    email.add_alternative(message["html"], subtype="html")
    for attached in message.get("attachments", []):
        maintype, subtype = attached["content_type"].split("/", 1)
        if maintype == "text":
            email.add_attachment(attached["content"], subtype=subtype, charset="utf-8", filename=attached["filename"])
        else:
            email.add_attachment(attached["content"].encode("utf-8"), maintype=maintype, subtype=subtype,
                                 filename=attached["filename"])
    return email


class SmtpTransport:
    def __init__(self, settings: Smtp) -> None:
        self.settings = settings

    def send(self, delivery: Delivery) -> Outcome:
        if len(delivery.messages) != 1 or not isinstance(delivery.messages[0], dict):
            return Failed(error="an email row holds one message", permanent=True)
        try:
            email = compose(self.settings.sender, delivery.messages[0], delivery.retry_key)
        except (KeyError, ValueError, AttributeError) as error:
            return Failed(error=f"invalid email: {type(error).__name__}", permanent=True)
        settings = self.settings
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as server:
                if settings.starttls:
                    server.starttls()
                if settings.user:
                    server.login(settings.user, settings.password)
                server.send_message(email)
        except smtplib.SMTPRecipientsRefused:
            return Failed(error="recipient refused", permanent=True)
        except smtplib.SMTPResponseException as error:
            return Failed(error=f"smtp {error.smtp_code}", status=error.smtp_code,
                          permanent=500 <= error.smtp_code < 600)
        except (smtplib.SMTPConnectError, ConnectionRefusedError, socket.gaierror) as error:
            return Failed(error=type(error).__name__)
        except (smtplib.SMTPException, OSError) as error:  # cut off mid-conversation: it may have gone
            return Failed(error=type(error).__name__, uncertain=True)
        return Sent(status=250)
