"""A household's verification status and the moves allowed between statuses.

listed (imported) or pending_check (self-registered, found in the field)
  → awaiting_review (a leader submitted the on-site check)
  → verified (a second person confirmed) or returned (they disagreed, with a note)
returned → awaiting_review (checked again); verified → awaiting_review (re-assessed)
any open status → moved or closed (deceased, dissolved).
"""
from __future__ import annotations

LISTED = "listed"
PENDING_CHECK = "pending_check"
AWAITING_REVIEW = "awaiting_review"
VERIFIED = "verified"
RETURNED = "returned"
MOVED = "moved"
CLOSED = "closed"

TO_CHECK = (LISTED, PENDING_CHECK, RETURNED)
OPEN = (LISTED, PENDING_CHECK, AWAITING_REVIEW, VERIFIED, RETURNED)

_MOVES: dict[str, dict[str, str]] = {
    "submit": {LISTED: AWAITING_REVIEW, PENDING_CHECK: AWAITING_REVIEW, RETURNED: AWAITING_REVIEW,
               VERIFIED: AWAITING_REVIEW},
    "confirm": {AWAITING_REVIEW: VERIFIED},
    "return": {AWAITING_REVIEW: RETURNED},
    "move": {status: MOVED for status in OPEN},
    "close": {status: CLOSED for status in OPEN},
}


class TransitionError(ValueError):
    """The action is not allowed from the household's current status."""


def next_status(current: str, action: str) -> str:
    try:
        return _MOVES[action][current]
    except KeyError:
        raise TransitionError(f"cannot {action} a household that is {current}") from None


def allowed(current: str, action: str) -> bool:
    return current in _MOVES.get(action, {})
