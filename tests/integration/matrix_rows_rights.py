"""Rows of the authorization matrix: welfare rights in chat and on the command line, and
screening an area for gaps."""
from __future__ import annotations

from casework.entitlements import decisions
from casework.entitlements.facts import HouseholdRecord, PersonRecord, columns_from

EVERYONE = frozenset({"household", "other_household", "leader_in", "leader_out", "coordinator_in",
                      "coordinator_out", "agency", "stranger", "operator"})
LINKED = frozenset({"household", "other_household"})  # each sees its own household's, never another's
OPERATOR = frozenset({"operator"})
ANSWERS = {"age": 72, "disability_card": None, "children": 1, "household_size": 3, "household_income": 9_000,
           "receives": ["gold_card"]}


def setup(world) -> None:
    """A decision kept when someone was shown an answer at the command line."""
    env = world.env
    (shown, *_) = decisions.judge(env.session, env.sealer, env.rules,
                                  columns_from([PersonRecord(age=72)], [HouseholdRecord()]), on=env.today,
                                  channel="command", shown_to=None, now=env.now)
    world.ids["decision"] = shown.decision_id


ROWS = {
    "rights.of_household": (lambda w: {}, LINKED),
    "rights.answer_questions": (lambda w: {"answers": dict(ANSWERS)}, EVERYONE),
    "rights.check": (lambda w: {"persons": [PersonRecord(age=72)], "household": HouseholdRecord()}, OPERATOR),
    "rights.explain": (lambda w: {"decision_id": w.ids["decision"]}, OPERATOR),
    "screening.gaps": (lambda w: {"area_code": "46010105", "store": True}, OPERATOR),
}
