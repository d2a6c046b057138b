"""Every reason a use case can refuse for is said in plain words: each reason code written
anywhere in ``casework/`` is either "not for you" (``FORBIDDEN``) or has its words in
``messages.refusals.REASONS``, so nobody is told "not permitted" for a step already done."""
from __future__ import annotations

import ast
from pathlib import Path

from casework.usecases.base import FORBIDDEN
from messages.refusals import REASONS

CASEWORK = Path(__file__).resolve().parents[2] / "casework"


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _trees() -> list[ast.Module]:
    return [ast.parse(path.read_text(encoding="utf-8")) for path in sorted(CASEWORK.rglob("*.py"))]


def refusal_classes(trees: list[ast.Module]) -> set[str]:
    """``Refused`` and every class deriving from it, however many steps removed."""
    found = {"Refused"}
    classes = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    while True:
        more = {c.name for c in classes if c.name not in found and any(_name(b) in found for b in c.bases)}
        if not more:
            return found
        found |= more


def reasons_in_casework() -> dict[str, str]:
    """Each reason code written as a literal: ``Refused("x")`` (or a subclass), ``allow(..., "x")``,
    a subclass's ``super().__init__("x")``, and both branches of ``"x" if ... else "y"``."""
    trees = _trees()
    classes = refusal_classes(trees)
    found: dict[str, str] = {}

    def literals(node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return literals(node.body) + literals(node.orelse)
        return []

    for tree in trees:
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name in classes]:
            for call in [n for n in ast.walk(cls) if isinstance(n, ast.Call)]:
                if _name(call.func) == "__init__" and isinstance(call.func, ast.Attribute) \
                        and isinstance(call.func.value, ast.Call) and _name(call.func.value.func) == "super":
                    for reason in literals(call.args[0]) if call.args else []:
                        found.setdefault(reason, cls.name)
        for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call)]:
            name = _name(call.func)
            if name in classes and call.args:
                for reason in literals(call.args[0]):
                    found.setdefault(reason, name)
            elif name == "allow" and len(call.args) > 1:
                for reason in literals(call.args[1]):
                    found.setdefault(reason, "allow")
    return found


def test_the_collector_finds_the_reasons_it_is_meant_to_find():
    found = reasons_in_casework()
    for reason in ("forbidden", "own_household", "merge_verified", "already_submitted", "already_confirmed",
                   "already_returned", "case_changed", "referral_changed", "bad_link_code", "no_role"):
        assert reason in found, reason


def test_every_reason_a_use_case_refuses_for_has_plain_words():
    missing = sorted(reason for reason in reasons_in_casework() if reason not in REASONS and reason not in FORBIDDEN)
    assert not missing, f"reasons with no words in messages/refusals.py REASONS: {missing}"
