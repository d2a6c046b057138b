"""Rows of the authorization matrix: consent and one's own data, oversight, registration,
corrections, villages and agencies."""
from __future__ import annotations

from tests.integration.matrix_rows_verification import IN_SCOPE, WITH_LINE

EVERYONE = WITH_LINE | {"operator"}
LINKED = frozenset({"household", "other_household"})
COORDINATORS = frozenset({"coordinator_in", "coordinator_out"})
LEADERS = frozenset({"leader_in", "leader_out"})


def setup(world) -> None:
    """Nothing beyond the shared records: the record household and the village 46010105."""


def _household(world) -> dict:
    return {"household_id": world.ids["household"]}


def _by_leader(**arguments) -> dict:
    return {"by_leader": True, **arguments}


ROWS = {
    "privacy.notice_due": (lambda w: {}, EVERYONE),
    "privacy.decide": (lambda w: {"accepted": True}, WITH_LINE),
    "privacy.my_data": (lambda w: {}, LINKED),
    "privacy.request_change": (lambda w: {"kind": "erase"}, LINKED),
    "oversight.changes_log": (lambda w: {}, COORDINATORS),
    "oversight.open_tasks": (lambda w: {}, COORDINATORS),
    # Registering oneself needs only the privacy notice accepted (a linked household is
    # told it is linked already, an answer, not a refusal); the command line has no chat.
    "registration.start_self": (lambda w: {}, WITH_LINE),
    "registration.start_by_leader": (lambda w: {}, LEADERS),
    "registration.choose_subdistrict": (lambda w: _by_leader(subdistrict_code="460101"), LEADERS),
    "registration.choose_village": (lambda w: _by_leader(village_code="46010105"), frozenset({"leader_in"})),
    "registration.submit": (lambda w: _by_leader(village_code="46010105", house_no="77", head="มานะ ใจดี"),
                            frozenset({"leader_in"})),
    "corrections.menu": (_household, IN_SCOPE),
    "corrections.choose": (lambda w: {**_household(w), "field": "debt_baht"}, IN_SCOPE),
    "corrections.set_value": (lambda w: {**_household(w), "field": "land", "value": "none"}, IN_SCOPE),
    "corrections.type_value": (lambda w: {**_household(w), "field": "debt_baht", "text": "12,500"}, IN_SCOPE),
    "villages.begin": (lambda w: {}, COORDINATORS | {"operator"}),
    "villages.add": (lambda w: {"code": "46010107", "name": "Ban Nong Bua"}, frozenset({"coordinator_in",
                                                                                        "operator"})),
    "agencies.add": (lambda w: {"code": "PSDHS-99", "name": "Another office"}, frozenset({"operator"})),
}
