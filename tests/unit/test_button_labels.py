"""Every button label fits what LINE shows (20 UTF-16 units) in every language, and the
labels one message builder puts on a card are distinct once translated: LINE cuts a long
label to the same "…" for two buttons, and the person can no longer tell them apart."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from messages.i18n import available_languages, translator
from messages.line import MAX_LABEL, shorten, utf16_units

ROOT = Path(__file__).resolve().parents[2]
BUILDERS = {"postback_action", "message_action", "uri_action", "camera_action", "camera_roll_action",
            "location_action", "date_picker", "button"}
GETTEXT = {"_", "gettext", "N_"}
SOURCES = sorted(p for folder in ("messages", "bot") for p in (ROOT / folder).rglob("*.py")
                 if "dev" not in p.relative_to(ROOT).parts)


def _marked(node: ast.AST) -> str | None:
    """The msgid of ``_("…")`` / ``N_("…")`` / ``tr.gettext("…")``."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in GETTEXT:
            return node.args[0].value
    return None


def _constants(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names bound to ``N_("…")`` or to a dict/tuple of them."""
    found: dict[str, list[str]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            ids = [msgid for node in ast.walk(statement.value) if (msgid := _marked(node)) is not None]
            if ids:
                found[statement.targets[0].id] = ids
    return found


def _label_ids(node: ast.AST, constants: dict[str, list[str]]) -> list[str]:
    """The msgids a label expression can show."""
    direct = _marked(node)
    if direct is not None:
        return [direct]
    ids = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id in constants:
            ids.extend(constants[inner.id])
        elif (msgid := _marked(inner)) is not None:
            ids.append(msgid)
    return ids


def labels_by_builder() -> Iterator[tuple[str, list[str]]]:
    """For each function that builds messages: the msgids of the labels it gives its buttons."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for function in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
            ids: list[str] = []
            local = dict(constants)
            for node in ast.walk(function):  # label = _("a") if … else _("b")
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    marked = [m for inner in ast.walk(node.value) if (m := _marked(inner)) is not None]
                    if marked:
                        local[node.targets[0].id] = marked
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and node.args:
                    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                    if name in BUILDERS:
                        ids.extend(i for i in _label_ids(node.args[0], local) if i not in ids)
            if ids:
                yield f"{path.relative_to(ROOT)}:{function.name}", ids


BUILDER_LABELS = dict(labels_by_builder())
ALL_LABELS = sorted({msgid for ids in BUILDER_LABELS.values() for msgid in ids})


def test_the_walk_finds_the_cards_labels():
    card = BUILDER_LABELS["messages/registry.py:household_card"]
    assert {"Approve their LINE", "Link their LINE", "Start the check"} <= set(card)
    assert len(ALL_LABELS) > 50


def shown(label: str) -> str:
    """A label as LINE shows it, a number in it taken as two digits."""
    return re.sub(r"%\((\w+)\)d", "12", label)


@pytest.mark.parametrize("language", available_languages())
def test_every_button_label_fits_in_every_language(language):
    translate = translator(language).gettext
    too_long = {msgid: translate(msgid) for msgid in ALL_LABELS if utf16_units(shown(translate(msgid))) > MAX_LABEL}
    assert not too_long, f"labels over {MAX_LABEL} UTF-16 units in {language}: {too_long}"


@pytest.mark.parametrize("language", available_languages())
def test_the_labels_of_one_card_are_distinct_in_every_language(language):
    translate = translator(language).gettext
    clashes = {}
    for builder, ids in BUILDER_LABELS.items():
        seen: dict[str, str] = {}
        for msgid in ids:
            label = shorten(shown(translate(msgid)), MAX_LABEL)
            if label in seen and seen[label] != msgid:
                clashes[builder] = (seen[label], msgid, label)
            seen.setdefault(label, msgid)
    assert not clashes, f"two buttons read the same in {language}: {clashes}"
