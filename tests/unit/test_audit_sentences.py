"""Every audit action the code writes has a sentence in the changes log (messages/changes.py):
a new action without one fails here, so the log never falls back to developer words."""
from __future__ import annotations

import ast
from pathlib import Path

from casework import agencies, cases, household_status, referrals
from messages import changes
from messages.i18n import translator

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("casework", "bot") for p in (ROOT / folder).rglob("*.py")
                 if "migrations" not in p.parts)
# The parts of f-string action codes, and where their values come from.
DYNAMIC = {
    "household.{action}": [f"household.{a}" for a in household_status._MOVES],
    "case.{kind}": [f"case.{k}" for k in cases.TRANSITIONS],
    "referral.{kind}": [f"referral.{k}" for k in (*referrals.TRANSITIONS, "made")],
    "request.{kind}": ["request.correct", "request.erase"],
    "agency.{outcome}": [f"agency.{agencies.CREATED}", f"agency.{agencies.UPDATED}"],
    "{kind}.requeued": ["events.requeued", "outbox.requeued"],
}


def _pattern(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
                   for part in node.values)


def _codes(node: ast.AST, constants: dict[str, str]) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        assert node.id in constants, f"action {node.id} is not a module constant"
        return [constants[node.id]]
    if isinstance(node, ast.JoinedStr):
        pattern = _pattern(node)
        assert pattern in DYNAMIC, f"add the values of {pattern!r} to DYNAMIC"
        return DYNAMIC[pattern]
    if isinstance(node, ast.IfExp):
        return _codes(node.body, constants) + _codes(node.orelse, constants)
    raise AssertionError(f"unreadable action code: {ast.unparse(node)}")


def written_actions() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {s.targets[0].id: s.value.value for s in tree.body if isinstance(s, ast.Assign)
                     and isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Constant)
                     and isinstance(s.value.value, str)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "record" and isinstance(node.func, ast.Attribute) and ast.unparse(node.func.value) == "audit":
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
                assert action is not None, f"{path}:{node.lineno} audit.record without action="
                found.update(_codes(action, constants))
            elif name == "_audit" and node.args:  # the importer's batched entries
                found.update(_codes(node.args[0], constants))
    return found


def test_the_walk_finds_the_actions_written():
    actions = written_actions()
    assert {"household.confirm", "household.correct", "case.opened", "referral.accepted", "invite.failed",
            "household.update", "plan.item_dropped"} <= actions


def test_every_action_written_has_a_sentence():
    missing = sorted(written_actions() - set(changes.SENTENCES))
    assert not missing, f"actions with no sentence in messages/changes.py: {missing}"


def test_every_sentence_is_translated_and_names_who():
    thai = translator("th")
    for action, template in changes.SENTENCES.items():
        assert "%(who)s" in template, action
        assert thai.gettext(template) != template, f"{action} is not translated"


def test_an_entry_reads_as_a_sentence_and_a_sealed_value_only_says_it_was_added_or_changed():
    from datetime import datetime, timezone

    from casework.audit import Change
    from casework.usecases.oversight import LogEntry

    change = Change(at=datetime(2026, 12, 3, 7, 5, tzinfo=timezone.utc), actor="account:2",
                    action="household.confirm", entity="household", entity_id="1", area_code="46010105",
                    changes={"status": ["awaiting_review", "verified"], "note": [None, "the roof leaks"]})
    entry = LogEntry(change, who="สมศรี", role="coordinator", changes=change.changes)
    assert changes.sentence(translator("th"), "th", entry) == (
        "3 ธ.ค. 2569 14:05 — คุณสมศรี (ผู้ประสานงาน) ยืนยันผลสอบทานของ ครัวเรือน: "
        "สถานะ สอบทานแล้ว รอยืนยัน → ผ่านการสอบทานแล้ว, เพิ่มบันทึกแล้ว")
    rewritten = LogEntry(change, who="สมศรี", role="coordinator", changes={"note": ["the roof", "the roof leaks"]})
    assert changes.sentence(translator("th"), "th", rewritten).endswith(": บันทึก เปลี่ยนแล้ว")


def test_a_merge_says_two_records_became_one_and_no_record_numbers():
    from datetime import datetime, timezone

    from casework.audit import Change
    from casework.usecases.oversight import LogEntry

    change = Change(at=datetime(2026, 12, 3, 7, 5, tzinfo=timezone.utc), actor="cli:ops", action="household.merged",
                    entity="household", entity_id="7", area_code="46010105", changes={"merged": [12, 7]})
    said = changes.sentence(translator("th"), "th", LogEntry(change, operator=True, changes=change.changes))
    assert said.endswith("ผู้ดูแลระบบ รวมข้อมูลซ้ำของ ครัวเรือน เป็นหลังเดียว"), said
