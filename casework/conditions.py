"""A household's conditions (housing, land, farm water) as codes, matching the answers
of the five-capital question with the same meaning, so imports, corrections and
assessments all store the same values."""
from __future__ import annotations

CHOICES: dict[str, tuple[str, tuple[str, str, str, str]]] = {
    "housing_condition": ("housing", ("near_collapse", "run_down", "fair", "sound")),
    "land": ("land", ("none", "rented", "own_not_enough", "own_enough")),
    "water": ("farm_water", ("none", "rain_only", "some_seasons", "all_year")),
}


def code_for(field: str, score: int) -> str:
    """The code of answer ``score`` (1-4) for ``field``."""
    return CHOICES[field][1][score - 1]


def from_answers(answers: dict[str, int]) -> dict[str, str]:
    """The condition codes an assessment's answers imply."""
    return {field: code_for(field, answers[question]) for field, (question, _codes) in CHOICES.items()
            if question in answers}
