"""What the bot says when something failed for good."""
from __future__ import annotations

from datetime import datetime, timezone

from babel.support import NullTranslations

from casework.thai_time import THAILAND
from messages.dates import format_date

from messages import line
from messages.line import Message


def could_not_handle(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Sorry, we could not handle your last message. Please try again, "
                       "or contact your community leader."))


def photo_lost(tr: NullTranslations, language: str, sent_at: datetime) -> list[Message]:
    """To whoever sent a photo that never arrived: which one (when it was sent), and to send it again."""
    _ = tr.gettext
    at = (sent_at if sent_at.tzinfo is not None else sent_at.replace(tzinfo=timezone.utc)).astimezone(THAILAND)
    return line.text(_("The photo you sent on %(date)s at %(time)s did not reach Kaejon. Please send it again.") % {
        "date": format_date(at, language), "time": f"{at:%H:%M}"})
