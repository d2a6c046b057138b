"""What the bot says when something failed for good."""
from __future__ import annotations

from babel.support import NullTranslations

from messages import line
from messages.line import Message


def could_not_handle(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Sorry, we could not handle your last message. Please try again, "
                       "or contact your community leader."))


def photo_lost(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("A photo sent to Kaejon could not be downloaded from LINE. "
                       "Please ask the household to send it again."))
