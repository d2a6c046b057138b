"""The short "My rights" questions in chat: one question at a time with its choices as
quick replies, what was wrong with an answer, and stopping. The answers are shown by
``messages.rights``."""
from __future__ import annotations

from typing import Any

from babel.support import NullTranslations

from casework.rights_questions import Step
from casework.rights_questions import text_in as choice_text
from messages import line, postback
from messages.i18n import N_
from messages.line import Message

TICK = "\u2713 "  # before a choice already chosen, where several may be

PROBLEMS = {
    "tap": N_("Please answer with one of the buttons below."),
    "typed": N_("Please tap a button below, or type a number."),
    "not_a_number": N_("Please type a number, or tap a button below."),
    "age_too_large": N_("That age is not possible. Please type the age in years, or tap a button."),
    "age_negative": N_("That age is not possible. Please type the age in years, or tap a button."),
    "household_income_negative": N_("An income cannot be negative. Please type the household's income a "
                                    "month in baht, or tap a button."),
    "household_income_too_large": N_("That income is far too large for a month. Please type the household's "
                                     "income a month in baht, or tap a button."),
    "negative": N_("A number of people cannot be negative. Please try again."),
    "too_large": N_("That is more than one household holds. Please check the number, or tap a button."),
    "household_size_too_small": N_("Count everyone: you and the children under 6 make at least %(count)d. "
                                   "Please try again."),
}


def you(tr: NullTranslations) -> str:
    return tr.gettext("You")


def child(tr: NullTranslations, index: int) -> str:
    return tr.gettext("Child under 6 (%(number)d)") % {"number": index}


def ask(tr: NullTranslations, language: str, step: Step, number_: int, total: int,
        choices: list[tuple[str, str]], *, chosen: list[str] | None = None) -> list[Message]:
    """One question with its choices as quick replies (``choices``: label and postback value)."""
    _ = tr.gettext
    lines = [_("Question %(number)d of %(total)d") % {"number": number_, "total": total},
             choice_text(step.text, language)]
    if chosen:
        lines.append(_("Chosen: %(items)s") % {"items": ", ".join(chosen)})
    actions = [line.postback_action(label, postback.encode("rq", s=step.key, v=value), display_text=label)
               for label, value in choices]
    actions.append(line.postback_action(_("Stop"), postback.encode("rq", cancel=1), display_text=_("Stop")))
    return line.text("\n".join(lines), quick=actions)


def problem(tr: NullTranslations, step_key: str, reason: str, **values: Any) -> list[Message]:
    message = PROBLEMS.get(f"{step_key}_{reason}") or PROBLEMS.get(reason) or PROBLEMS["tap"]
    return line.text(tr.gettext(message) % values if values else tr.gettext(message))


def cancelled(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    return line.text(tr.gettext("All right, I stopped. Nothing you answered was kept."), quick=quick)


def ended(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    return line.text(tr.gettext("Those questions are finished. Tap \"My rights\" to check again."), quick=quick)
