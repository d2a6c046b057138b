"""The five-capital assessment as data: load it, check it, score answers, place a group.

Questions, scores and cut-offs live in a YAML file (``casework/data/five_capitals.yaml``)
so an area can change them without touching code; the version is stored with every
assessment so past scores can be explained.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from statistics import mean

import yaml

from casework import data

MAX_LABEL = 20
MAX_NOTE = 500   # characters of one field note
MAX_NOTES = 10   # field notes kept with one check


class QuestionnaireError(ValueError):
    """The questionnaire file is wrong; the message names the file and what."""


@dataclass(frozen=True)
class Option:
    score: int
    label: dict[str, str]


@dataclass(frozen=True)
class Question:
    key: str
    capital: str
    text: dict[str, str]
    options: tuple[Option, ...]
    sensitive: bool = False  # health or disability: asked only with explicit consent


@dataclass(frozen=True)
class GroupBand:
    group: int
    up_to: float
    name: dict[str, str]


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    capitals: tuple[tuple[str, dict[str, str]], ...]
    questions: tuple[Question, ...]
    groups: tuple[GroupBand, ...]

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def next_question(self, answers: dict[str, int]) -> Question | None:
        return next((q for q in self.questions if q.key not in answers), None)


@dataclass(frozen=True)
class Result:
    scores: dict[str, float]
    mean_score: float
    group: int


def text_in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("th") or next(iter(texts.values()), "")


def score(questionnaire: Questionnaire, answers: dict[str, int], *, skip: set[str] | frozenset[str] = frozenset()
          ) -> Result:
    """Mean of each capital's answers, the mean of the capitals, and the group it falls in.

    ``skip`` leaves out questions that may not be asked (sensitive ones without
    consent); a capital is then the mean of its other questions.
    """
    asked = [q for q in questionnaire.questions if q.key not in skip]
    missing = [q.key for q in asked if q.key not in answers]
    if missing:
        raise ValueError(f"unanswered: {', '.join(missing)}")
    scores = {}
    for capital, _name in questionnaire.capitals:
        values = [answers[q.key] for q in asked if q.capital == capital]
        scores[capital] = round(mean(values), 2)
    overall = round(mean(scores.values()), 2)
    return Result(scores=scores, mean_score=overall, group=group_for(questionnaire, overall))


def group_for(questionnaire: Questionnaire, mean_score: float) -> int:
    for band in questionnaire.groups:
        if mean_score <= band.up_to:
            return band.group
    return questionnaire.groups[-1].group


def valid_answer(question: Question, value: int) -> bool:
    return any(option.score == value for option in question.options)


@dataclass(frozen=True)
class Draft:
    """A leader's answers for one household, kept in the chat's conversation until submitted.

    ``sensitive`` is the household's answer to recording health and disability:
    None until asked; without it, the sensitive questions are skipped.
    """

    answers: dict[str, int] = field(default_factory=dict)
    sensitive: bool | None = None
    notes: tuple[str, ...] = ()  # field notes typed during the check, shown to the confirmer

    @classmethod
    def from_state(cls, state: dict) -> Draft:  # type: ignore[type-arg]
        return cls(answers=dict(state.get("answers") or {}), sensitive=state.get("sensitive"),
                   notes=tuple(str(note) for note in state.get("notes") or ()))

    def to_state(self) -> dict:  # type: ignore[type-arg]
        return {"answers": self.answers, "sensitive": self.sensitive, "notes": list(self.notes)}

    def with_note(self, note: str) -> Draft:
        """This draft with one more field note (at most ``MAX_NOTES``, each cut to ``MAX_NOTE``)."""
        note = " ".join(note.split())[:MAX_NOTE]
        if not note or len(self.notes) >= MAX_NOTES:
            return self
        return Draft(answers=self.answers, sensitive=self.sensitive, notes=(*self.notes, note))

    def back(self, questionnaire: Questionnaire) -> Draft:
        """This draft without its last answer (in the order the questions are asked), so
        that question is asked again; unchanged when nothing is answered yet."""
        answered = [q.key for q in self.questions(questionnaire) if q.key in self.answers]
        if not answered:
            return self
        return Draft(answers={key: value for key, value in self.answers.items() if key != answered[-1]},
                     sensitive=self.sensitive, notes=self.notes)

    def skipped(self, questionnaire: Questionnaire) -> set[str]:
        if self.sensitive is False:
            return {q.key for q in questionnaire.questions if q.sensitive}
        return set()

    def questions(self, questionnaire: Questionnaire) -> list[Question]:
        skipped = self.skipped(questionnaire)
        return [q for q in questionnaire.questions if q.key not in skipped]

    def remaining(self, questionnaire: Questionnaire) -> list[Question]:
        return [q for q in self.questions(questionnaire) if q.key not in self.answers]

    def needs_consent(self, questionnaire: Questionnaire) -> bool:
        """Ask about sensitive data first, when the questionnaire has such questions."""
        return self.sensitive is None and any(q.sensitive for q in questionnaire.questions)

    def answered(self, questionnaire: Questionnaire, key: str, value: int | None) -> Draft | None:
        """This draft with one more answer; None if the question or the value is not one it asks."""
        item = questionnaire.question(key)
        if item is None or value is None or not valid_answer(item, value) \
                or item.key in self.skipped(questionnaire):
            return None
        return Draft(answers={**self.answers, item.key: int(value)}, sensitive=self.sensitive, notes=self.notes)


def parse(data: dict, source: str) -> Questionnaire:
    """Build and check a questionnaire; every problem names ``source`` and the place."""
    try:
        capitals = tuple((c["key"], dict(c["name"])) for c in data["capitals"])
        capital_keys = {key for key, _ in capitals}
        questions = tuple(
            Question(key=q["key"], capital=q["capital"], text=dict(q["text"]),
                     options=tuple(Option(score=int(o["score"]), label=dict(o["label"])) for o in q["options"]),
                     sensitive=bool(q.get("sensitive", False)))
            for q in data["questions"]
        )
        groups = tuple(GroupBand(group=int(g["group"]), up_to=float(g["up_to"]), name=dict(g["name"]))
                       for g in data["groups"])
        questionnaire = Questionnaire(id=str(data["id"]), version=str(data["version"]), capitals=capitals,
                                      questions=questions, groups=groups)
    except (KeyError, TypeError, ValueError) as error:
        raise QuestionnaireError(f"{source}: missing or malformed field {error}") from None
    problems = []
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        problems.append("question keys repeat")
    for question in questions:
        if question.capital not in capital_keys:
            problems.append(f"question {question.key!r}: unknown capital {question.capital!r}")
        if not 2 <= len(question.options) <= 13:
            problems.append(f"question {question.key!r}: needs 2 to 13 options (quick replies)")
        for option in question.options:
            if not 1 <= option.score <= 4:
                problems.append(f"question {question.key!r}: score {option.score} outside 1-4")
            for language, label in option.label.items():
                if not isinstance(label, str):
                    problems.append(f"question {question.key!r}: {language} label is not text (quote it)")
                elif len(label) > MAX_LABEL:
                    problems.append(f"question {question.key!r}: {language} label {label!r} over {MAX_LABEL}")
    for capital in capital_keys:
        if not any(q.capital == capital and not q.sensitive for q in questions):
            problems.append(f"capital {capital!r} needs a question that is not sensitive")
    bounds = [band.up_to for band in groups]
    if bounds != sorted(bounds) or not groups or bounds[-1] < 4.0:
        problems.append("groups must rise and the last must reach 4.00")
    if problems:
        raise QuestionnaireError(f"{source}: " + "; ".join(problems))
    return questionnaire


def load(path: Path | None = None) -> Questionnaire:
    if path is None:
        return default()
    with path.open(encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle), str(path))


@lru_cache(maxsize=1)
def default() -> Questionnaire:
    return parse(data.load("five_capitals.yaml"), "casework/data/five_capitals.yaml")
