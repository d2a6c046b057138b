"""What a person is told when a use case refuses for a reason of the request itself (not
"not for you"): the step no longer fits, something is missing. Each in plain words."""
from __future__ import annotations

from babel.support import NullTranslations

from messages import line
from messages.i18n import N_
from messages.line import Message

REASONS = {
    "not_allowed": N_("That cannot be done now: it has moved on since. Open it again to see where it stands."),
    "already_referred": N_("This case is already referred for that service."),
    "no_service": N_("That agency does not handle this service."),
    "bad_service": N_("That service is not known. Please choose again."),
    "not_waiting_for_consent": N_("This referral no longer waits for the household's answer."),
    "not_a_group": N_("A group is registered from inside the group chat."),
    "needs_note": N_("A reason is needed."),
    "bad_outcome": N_("Please choose how it ended from the buttons."),
    "bad_email": N_("That does not look like an email address. Please type it again, like name@example.go.th."),
    "bad_channel": N_("Please choose LINE or email from the buttons."),
}
FALLBACK = N_("That cannot be done now. Open it again to see where it stands.")


def explain(tr: NullTranslations, reason: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_(REASONS.get(reason, FALLBACK)), quick=quick)
