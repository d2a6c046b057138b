"""Coordinators' messages: villages and households that ended."""
from __future__ import annotations

from babel.support import NullTranslations

from messages import line, postback
from messages.line import Message
from messages.registry import area_name


def ask_village(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Type the village's 8-digit code and its name, e.g. 46010107 Ban Nong Bua."))


def bad_village(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("A village code is 8 digits: the sub-district's 6 and the village number. Please type it "
                       "again."))


def village_added(tr: NullTranslations, language: str, code: str, added: bool, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    text = _("Village added: %(area)s") if added else _("That village is already there: %(area)s")
    return line.text(text % {"area": area_name(code, language)}, quick=quick)


def confirm_end(tr: NullTranslations, household_id: int, kind: str) -> list[Message]:
    _ = tr.gettext
    question = _("Mark this household as moved away?") if kind == "move" else \
        _("Mark this household as closed (no longer exists)?")
    return line.text(question, quick=[
        line.postback_action(_("Yes, mark it"), postback.encode("end", id=household_id, k=kind, ok=1),
                             display_text=_("Yes, mark it")),
        line.postback_action(_("No"), postback.encode("hh", id=household_id), display_text=_("No"))])


def ended(tr: NullTranslations, kind: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Marked as moved away.") if kind == "move" else _("Marked as closed."), quick=quick)
