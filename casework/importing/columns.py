"""The columns of a survey list and the words accepted in them, as data
(``casework/data/import_columns.yaml``), and matching a file's header row to them.

Thai spreadsheets carry Thai headers and words; they live in the data file, where they
can be read and glossed (no Thai in Python source). ``docs/import-format.md`` shows the
same vocabulary as tables, which ``markdown_tables()`` makes and a test keeps equal;
``python -m casework.importing docs/import-format.md`` writes them anew there.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from casework import data
from casework.importing.problems import FileError

SOURCE = "casework/data/import_columns.yaml"

_HEADER_NOISE = re.compile(r"[\s_\-./()\[\]:*#]+")
_INVISIBLE = re.compile("[\u200b-\u200d\ufeff]")  # zero-width spaces and joiners, a stray byte-order mark
_SARA_AM_SPLIT = ("\u0e4d\u0e32", "\u0e33")  # nikhahit + sara aa, as some keyboards type sara am


def clean_text(text: str) -> str:
    """Trim, one space between words, no zero-width characters, sara am as one character."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
        if _SARA_AM_SPLIT[0] in text:
            text = text.replace(*_SARA_AM_SPLIT)
    return " ".join(text.split())


def header_key(text: str) -> str:
    """What two spellings of a header have in common: no case, spaces or punctuation."""
    return _HEADER_NOISE.sub("", clean_text(text).lower())


# ---------------------------------------------------------------------------------------------
# The vocabulary file


class VocabularyError(ValueError):
    """The column vocabulary file is wrong; the message names the file and every problem."""


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    household: bool  # taken once per household, from the head's row
    value: str  # what the column holds, in the words of the docs
    headers: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    fields: tuple[Field, ...]
    relations: dict[str, tuple[str, ...]]
    sexes: dict[str, tuple[str, ...]]
    sensitive_english: tuple[str, ...]  # stems of English words that name health or disability
    sensitive_thai: tuple[str, ...]  # Thai words that do, anywhere in a header


def _keys(data: Any, keys: Sequence[str], where: str, problems: list[str]) -> bool:
    """Whether ``data`` is a mapping with exactly ``keys``; a misspelt key is a problem,
    not a setting silently ignored."""
    if not isinstance(data, Mapping):
        problems.append(f"{where} must be a mapping of {', '.join(keys)}")
        return False
    problems += [f"{where} needs {key!r}" for key in keys if key not in data]
    problems += [f"{where} has an unknown key {key!r}" for key in data if key not in keys]
    return all(key in data for key in keys)


def _words(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(word, str) and word.strip() for word in value):
        problems.append(f"{where} must be a list of words (quote a word YAML reads as a number or yes/no)")
        return ()
    return tuple(value)


def _unique(words: Mapping[str, Sequence[str]], key: Callable[[str], str], where: str, problems: list[str]) -> None:
    """One spelling, one meaning: a header or word given twice would match either."""
    seen: dict[str, str] = {}
    for owner, spellings in words.items():
        for word in spellings:
            earlier = seen.setdefault(key(word), owner)
            if earlier != owner:
                problems.append(f"{where}: {word!r} of {owner} is also one of {earlier}")


def _word_lists(data: Any, where: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, Mapping) or not data:
        problems.append(f"{where} must map each code to its words")
        return {}
    lists = {str(code): _words(words, f"{where}.{code}", problems) for code, words in data.items()}
    _unique({code: (code, *words) for code, words in lists.items()}, lambda word: clean_text(word).lower(),
            where, problems)
    return lists


def _fields(data: Any, problems: list[str]) -> tuple[Field, ...]:
    if not isinstance(data, Mapping) or not data:
        problems.append("fields must map each field to its headers")
        return ()
    fields = []
    for name, spec in data.items():
        where = f"fields.{name}"
        if not _keys(spec, ("required", "household", "value", "headers"), where, problems):
            continue
        if not isinstance(spec["required"], bool) or not isinstance(spec["household"], bool):
            problems.append(f"{where}: required and household must be true or false")
        if not isinstance(spec["value"], str):
            problems.append(f"{where}: value must be text")
        fields.append(Field(str(name), spec["required"] is True, spec["household"] is True, str(spec["value"]),
                            _words(spec["headers"], f"{where}.headers", problems)))
    if not any(field.required for field in fields):
        problems.append("fields: at least one must be required")
    _unique({field.name: field.headers for field in fields}, header_key, "fields", problems)
    return tuple(fields)


def parse(data: Any, source: str = SOURCE) -> Vocabulary:
    """Check the file's shape and read it; raises ``VocabularyError`` listing every problem."""
    problems: list[str] = []
    if not _keys(data, ("fields", "relations", "sexes", "sensitive_headers"), "the file", problems):
        raise VocabularyError(f"{source}: " + "; ".join(problems))
    fields = _fields(data["fields"], problems)
    relations = _word_lists(data["relations"], "relations", problems)
    if relations and "head" not in relations:
        problems.append("relations needs 'head': a household's values come from the head's row")
    sexes = _word_lists(data["sexes"], "sexes", problems)
    english: tuple[str, ...] = ()
    thai: tuple[str, ...] = ()
    if _keys(data["sensitive_headers"], ("english", "thai"), "sensitive_headers", problems):
        english = _words(data["sensitive_headers"]["english"], "sensitive_headers.english", problems)
        thai = _words(data["sensitive_headers"]["thai"], "sensitive_headers.thai", problems)
        problems += [f"sensitive_headers.english: {word!r} must be lower-case letters a-z, as headers are "
                     "compared word by word" for word in english if not re.fullmatch("[a-z]+", word)]
    if problems:
        raise VocabularyError(f"{source}: " + "; ".join(problems))
    return Vocabulary(fields, relations, sexes, english, thai)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary file, read and checked once."""
    try:
        found = data.load("import_columns.yaml")
    except yaml.YAMLError as error:
        raise VocabularyError(f"{SOURCE}: not readable YAML ({error})") from None
    return parse(found)


FIELDS = tuple(field.name for field in vocabulary().fields)
REQUIRED = tuple(field.name for field in vocabulary().fields if field.required)
HOUSEHOLD_FIELDS = tuple(field.name for field in vocabulary().fields if field.household)
HEADERS: dict[str, tuple[str, ...]] = {field.name: field.headers for field in vocabulary().fields}
RELATIONS = vocabulary().relations
SEXES = vocabulary().sexes
SENSITIVE_WORDS = vocabulary().sensitive_english
SENSITIVE_THAI = vocabulary().sensitive_thai

# ---------------------------------------------------------------------------------------------
# Headers

_HEADER_INDEX = {header_key(alias): name for name, aliases in HEADERS.items() for alias in aliases}


def is_sensitive_header(text: str) -> bool:
    cleaned = clean_text(text).lower()
    if any(word in cleaned for word in SENSITIVE_THAI):
        return True
    tokens = re.split(r"[^a-z]+", cleaned)
    return any(token.startswith(word) if word != "ill" else token == word
               for token in tokens for word in SENSITIVE_WORDS)


@dataclass(frozen=True)
class Columns:
    """Which cell of a row holds which field, and what the file has that is not used."""

    index: dict[str, int]
    sensitive: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(name for name in REQUIRED if name not in self.index)


def map_header(cells: Sequence[str]) -> Columns:
    index: dict[str, int] = {}
    sensitive, unknown = [], []
    for position, cell in enumerate(cells):
        if not cell.strip():
            continue
        name = _HEADER_INDEX.get(header_key(cell))
        if name is None:
            (sensitive if is_sensitive_header(cell) else unknown).append(cell.strip())
        elif name in index:
            raise FileError(f"two columns mean {name}: {cells[index[name]]!r} and {cell!r}; keep one")
        else:
            index[name] = position
    return Columns(index=index, sensitive=tuple(sensitive), unknown=tuple(unknown))


# ---------------------------------------------------------------------------------------------
# The tables of docs/import-format.md


def markdown_tables() -> tuple[str, ...]:
    """The vocabulary as docs/import-format.md shows it: the columns, then the words of
    relation, then those of sex; English words as code, Thai as text."""
    def english_and_thai(words: Sequence[str]) -> str:
        english = ", ".join(f"`{word}`" for word in words if word.isascii())
        return f"{english} | {', '.join(word for word in words if not word.isascii())}"

    columns = ["| field | English headers | Thai headers | required | value |", "|---|---|---|---|---|"]
    columns += [f"| `{field.name}` | {english_and_thai(field.headers)} | {'yes' if field.required else 'no'} "
                f"| {field.value} |" for field in vocabulary().fields]
    tables = ["\n".join(columns)]
    for heading, codes in (("relation", RELATIONS), ("sex", SEXES)):
        lines = [f"| {heading} | English words | Thai words |", "|---|---|---|"]
        lines += [f"| `{code}` | {english_and_thai(words)} |" for code, words in codes.items()]
        tables.append("\n".join(lines))
    return tuple(tables)


def with_tables(page: str) -> str:
    """``page`` (Markdown) with each table of ``markdown_tables()`` written anew in place:
    a table is found by its heading row and runs to its last line starting with ``|``."""
    lines = page.split("\n")
    for table in markdown_tables():
        heading = table.split("\n", 1)[0]
        if heading not in lines:
            raise ValueError(f"the page has no table headed {heading!r}")
        start = end = lines.index(heading)
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        lines[start:end] = table.split("\n")
    return "\n".join(lines)
