"""The short "My rights" questionnaire as data, and its answers as facts for the rules.

Someone whose household is not linked answers a few questions by buttons (or types a
number where that makes sense). The steps, their texts and choices, and the age each age
group stands for live in ``casework/data/rights_questions.yaml``; the step keys are fixed,
because each one becomes particular facts here. Household income choices are made from
the income limits of the rules in force, for the household's size, so the bands change
when the rules do. What a step offers a particular person (``choices``, ``smallest``,
``sensible``) is decided here; the chat only turns it into buttons.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from casework import data
from casework.entitlements.evaluate import Answer
from casework.entitlements.facts import RECEIVED, HouseholdRecord, PersonRecord
from casework.entitlements.rules import LIMITS, Rules

MAX_LABEL = 20          # LINE's quick-reply label limit
MAX_QUICK_REPLIES = 13  # choices, plus "done" / "none" and "cancel", must fit
STEP_KEYS = ("age", "disability_card", "children", "household_size", "household_income", "receives")
CHILD_AGE = 3.0         # a child under 6 whose age was not asked: counted as under 6 by any rule


class RightsQuestionsError(ValueError):
    """The questionnaire file is wrong; the message names the file and the step."""


@dataclass(frozen=True)
class Choice:
    label: dict[str, str]
    value: Any  # a number, true/false, null (not known), or a welfare code for "receives"


@dataclass(frozen=True)
class Step:
    key: str
    text: dict[str, str]
    choices: tuple[Choice, ...]
    typed: tuple[int, int] | None = None   # a typed whole number from..to is an answer too
    bands: str | None = None               # the fact whose rule limits make the choices
    band_labels: dict[str, dict[str, str]] | None = None
    multiple: bool = False                 # several choices, then "done"
    none: dict[str, str] | None = None
    done: dict[str, str] | None = None


@dataclass(frozen=True)
class RightsQuestions:
    id: str
    version: str
    steps: tuple[Step, ...]

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def step(self, key: object) -> Step | None:
        return next((step for step in self.steps if step.key == key), None)

    def after(self, key: str) -> Step | None:
        keys = [step.key for step in self.steps]
        index = keys.index(key) + 1
        return self.steps[index] if index < len(self.steps) else None

    def number(self, key: str) -> int:
        return [step.key for step in self.steps].index(key) + 1


def text_in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("th") or next(iter(texts.values()), "")


def _texts(value: Any, where: str, problems: list[str], *, label: bool = False) -> dict[str, str]:
    if not isinstance(value, dict) or "th" not in value or "en" not in value:
        problems.append(f"{where}: needs a Thai (th) and an English (en) text")
        return {}
    texts = {}
    for language, text in value.items():
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: the {language} text is not text (quote it)")
        elif label and len(text) + 2 > MAX_LABEL:  # room for the tick a chosen option gets
            problems.append(f"{where}: the {language} label {text!r} is over {MAX_LABEL - 2} characters")
        else:
            texts[str(language)] = text
    return texts


def parse(data: Any, source: str) -> RightsQuestions:
    """Build and check the questionnaire; every problem names ``source`` and the step."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise RightsQuestionsError(f"{source}: needs 'id', 'version' and a list of 'steps'")
    problems: list[str] = []
    steps = []
    for number, raw in enumerate(data["steps"], start=1):
        key = raw.get("key") if isinstance(raw, dict) else None
        where = f"step {number} ({key or '?'})"
        if key not in STEP_KEYS:
            problems.append(f"{where}: 'key' must be one of {', '.join(STEP_KEYS)}")
            continue
        unknown = set(raw) - {"key", "text", "choices", "typed", "bands", "band_labels", "multiple", "none", "done"}
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        choices = []
        for index, item in enumerate(raw.get("choices") or [], start=1):
            if not isinstance(item, dict) or "value" not in item:
                problems.append(f"{where}, choice {index}: needs 'label' and 'value'")
                continue
            choices.append(Choice(_texts(item.get("label"), f"{where}, choice {index}", problems, label=True),
                                  item["value"]))
        typed = None
        if raw.get("typed") is not None:
            bounds = raw["typed"]
            if not isinstance(bounds, dict) or not all(isinstance(bounds.get(k), int) for k in ("min", "max")) \
                    or bounds["min"] > bounds["max"]:
                problems.append(f"{where}: 'typed' needs whole numbers 'min' and 'max'")
            else:
                typed = (bounds["min"], bounds["max"])
        step = Step(key=key, text=_texts(raw.get("text"), where, problems), choices=tuple(choices), typed=typed,
                    bands=raw.get("bands"), multiple=bool(raw.get("multiple", False)),
                    band_labels={name: _texts(raw.get("band_labels", {}).get(name), f"{where}, band label {name}",
                                              problems) for name in ("up_to", "between", "over")}
                    if raw.get("bands") else None,
                    none=_texts(raw["none"], f"{where}, none", problems, label=True) if "none" in raw else None,
                    done=_texts(raw["done"], f"{where}, done", problems, label=True) if "done" in raw else None)
        problems.extend(_check_step(step, where))
        steps.append(step)
    keys = [step.key for step in steps]
    if sorted(keys) != sorted(STEP_KEYS):
        problems.append(f"the steps must be exactly {', '.join(STEP_KEYS)}, each once")
    elif keys.index("household_income") < keys.index("household_size") or \
            keys.index("household_size") < keys.index("children"):
        problems.append("ask 'children' before 'household_size', and 'household_size' before 'household_income'")
    if problems:
        raise RightsQuestionsError(f"{source}: " + "; ".join(problems))
    return RightsQuestions(id=str(data.get("id", "")), version=str(data.get("version", "")), steps=tuple(steps))


def _check_step(step: Step, where: str) -> list[str]:
    problems = []
    values = [choice.value for choice in step.choices]
    if step.key == "receives":
        if not step.multiple or step.none is None or step.done is None:
            problems.append(f"{where}: is 'multiple: true' with 'none' and 'done' labels")
        if any(value not in RECEIVED for value in values) or len(set(values)) != len(values):
            problems.append(f"{where}: each value must be a different welfare code ({', '.join(RECEIVED)})")
        if len(values) + 3 > MAX_QUICK_REPLIES:
            problems.append(f"{where}: at most {MAX_QUICK_REPLIES - 3} choices")
        return problems
    if step.multiple:
        problems.append(f"{where}: only 'receives' takes several answers")
    if step.key == "disability_card":
        if any(value not in (True, False, None) for value in values):
            problems.append(f"{where}: values must be true, false or null")
    elif any(value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)))
             for value in values):
        problems.append(f"{where}: values must be numbers (or null: not known)")
    elif step.typed and any(value is not None and not step.typed[0] <= value <= step.typed[1] for value in values):
        problems.append(f"{where}: every value must be within 'typed'")
    if step.key == "household_income" and step.bands != "household_income_per_person_year":
        problems.append(f"{where}: 'bands' must be household_income_per_person_year")
    if step.key != "household_income" and step.bands:
        problems.append(f"{where}: only household_income has 'bands'")
    if not step.choices and not step.bands:
        problems.append(f"{where}: needs 'choices'")
    if len(step.choices) + 1 > MAX_QUICK_REPLIES:
        problems.append(f"{where}: at most {MAX_QUICK_REPLIES - 1} choices")
    return problems


def load(path: Path) -> RightsQuestions:
    with path.open(encoding="utf-8") as handle:
        try:
            data = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            raise RightsQuestionsError(f"{path}: not valid YAML ({error})") from None
    return parse(data, str(path))


@lru_cache(maxsize=1)
def default() -> RightsQuestions:
    return parse(data.load("rights_questions.yaml"), "casework/data/rights_questions.yaml")


@dataclass(frozen=True)
class IncomeBand:
    """Household income a month: above ``low`` (None: from nothing) up to ``high`` (None: no end)."""

    low: int | None
    high: int | None
    value: int  # the income that stands for the band: safely inside it

    def label(self, step: Step, language: str) -> str:
        labels = step.band_labels or {}
        if self.low is None:
            template = labels.get("up_to", {})
        elif self.high is None:
            template = labels.get("over", {})
        else:
            template = labels.get("between", {})
        return text_in(template, language).format(low=f"{(self.low or 0) + 1:,}" if self.high is not None
                                                  else f"{self.low:,}",
                                                  high=f"{self.high:,}" if self.high is not None else "")


def income_limits(rules: Rules, on: date, fact: str = "household_income_per_person_year") -> list[float]:
    """The limits on ``fact`` (baht per person a year) in the rules in force on ``on``."""
    limits = {condition.limit for _programme, version in rules.on(on) for condition in version.conditions
              if condition.fact == fact and condition.op in LIMITS and condition.limit > 0}
    return sorted(limits)


def income_bands(rules: Rules, on: date, size: int, *, most: int = MAX_QUICK_REPLIES - 3) -> list[IncomeBand]:
    """Household income bands a month for ``size`` people, cut where the rules' limits fall.

    A limit of 36,000 baht per person a year is 12,000 a month for four people; each band
    stands for an income inside it (its middle), so the answer falls on the same side of
    every limit as the person's real income does.
    """
    cuts = sorted({math.floor(limit * size / 12) for limit in income_limits(rules, on)} - {0})[:most - 1]
    if not cuts:
        return []
    bands = [IncomeBand(None, cuts[0], _round_inside(cuts[0] / 2, 0, cuts[0]))]
    for low, high in zip(cuts, cuts[1:]):
        bands.append(IncomeBand(low, high, _round_inside((low + high) / 2, low, high)))
    bands.append(IncomeBand(cuts[-1], None, _round_inside(cuts[-1] * 1.5 + 1, cuts[-1], None)))
    return bands


def choices(step: Step, answers: dict[str, Any], rules: Rules, on: date, language: str) -> list[tuple[str, Any]]:
    """The step's choices for this person as (label in ``language``, value); a choice's
    index is its button. Household income comes first as bands cut where the limits of
    the rules in force ``on`` fall for the household size already answered."""
    listed = [(text_in(choice.label, language), choice.value) for choice in step.choices]
    if not step.bands:
        return listed
    size = max(int(answers.get("household_size") or 1), 1)
    return [*((band.label(step, language), band.value) for band in income_bands(rules, on, size)), *listed]


def smallest(step: Step, answers: dict[str, Any]) -> int | None:
    """The least answer that makes sense: a household holds the respondent and the children."""
    if step.key == "household_size":
        return 1 + int(answers.get("children") or 0)
    return step.typed[0] if step.typed else None


def sensible(step: Step, answers: dict[str, Any], value: Any) -> bool:
    """Whether a choice can be this person's answer: none below the smallest sensible one
    (an income band always can: the bands are made for the household)."""
    least = smallest(step, answers)
    return value is None or least is None or bool(step.bands) or value >= least


def _round_inside(value: float, low: int, high: int | None) -> int:
    """A round figure near ``value`` above ``low`` and not above ``high`` (what people earn reads round)."""
    for step in (1000, 100, 10, 1):
        rounded = round(value / step) * step
        if rounded > low and (high is None or rounded <= high):
            return int(rounded)
    return low + 1


@dataclass(frozen=True)
class Household:
    """The answers as records for the rules: the respondent first, then one row per child."""

    persons: list[PersonRecord]
    household: HouseholdRecord
    children: int


def records(answers: dict[str, Any]) -> Household:
    """Facts from the answers. The respondent's own income is not asked, so it is not
    known, unless they live alone (then it is the household's). Children under 6 are
    rows of their own, aged ``CHILD_AGE``, so child support counts each child."""
    children = int(answers.get("children") or 0)
    size = max(int(answers.get("household_size") or 1), 1 + children)
    month = answers.get("household_income")
    income_year = None if month is None else float(month) * 12
    receives = answers.get("receives")
    codes = tuple(receives) if receives is not None else None
    own = tuple(code for code in codes if code != "child_support") if codes is not None else None
    children_get = (("child_support",) if "child_support" in codes else ()) if codes is not None else None
    respondent = PersonRecord(household=0, age=_number(answers.get("age")),
                              disability_card=answers.get("disability_card"),
                              own_income_year=income_year if size == 1 else None, welfare=own)
    kids = [PersonRecord(household=0, age=CHILD_AGE, welfare=children_get) for _ in range(children)]
    return Household([respondent, *kids], HouseholdRecord(size=size, income_year=income_year), children)


def worth_showing(answer: Answer) -> bool:
    """The answers the respondent is shown: every one about them or the household, and a
    child's only when the child can get it or gets it. Children are rows only so that what
    they can get is counted; their other facts were never asked, so "can't tell" about
    them would only be noise."""
    return answer.programme.entity == "household" or answer.row == 0 or answer.receiving or \
        answer.status == "eligible"


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
