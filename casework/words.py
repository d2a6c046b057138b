"""The words people type around names and addresses (titles, "house number", "village"),
kept as data in casework/data/words.yaml so that a language's words live with its data."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from casework import data


@dataclass(frozen=True)
class Words:
    name_titles: tuple[str, ...]
    house_words: re.Pattern[str]
    village_words: re.Pattern[str]


def _leading(words: list[str]) -> re.Pattern[str]:
    """Any of ``words`` at the start of a text, then spaces (longest first)."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"^({alternatives})\s*", re.IGNORECASE)


@cache
def words() -> Words:
    found = data.load("words.yaml")
    return Words(name_titles=tuple(sorted((str(t).casefold() for t in found["name_titles"]), key=len, reverse=True)),
                 house_words=_leading(found["house_words"]), village_words=_leading(found["village_words"]))
