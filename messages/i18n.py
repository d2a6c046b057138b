"""Translations from the Babel catalogs in ``locales/``; Thai is the default.

Catalogs are compiled in memory from the ``.po`` files when first used, so the
repository holds no compiled binaries and an edited catalog needs no build step.
"""
from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DEFAULT_LANGUAGE = "th"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


def available_languages() -> tuple[str, ...]:
    """Languages with a catalog in ``locales/`` (English is the source language)."""
    root = resources.files("locales")
    found = {
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    }
    found.add("en")
    return tuple(sorted(found, key=lambda code: (code != DEFAULT_LANGUAGE, code)))


def normalize_language(code: str | None) -> str:
    """Map a LINE language tag (``th``, ``en-US``, ``ms``) to one we have, else Thai."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in available_languages() else DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def translator(language: str) -> NullTranslations:
    language = normalize_language(language)
    po = resources.files("locales") / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def language_name(code: str) -> str:
    """A language's name in itself, as people look for it in a list."""
    return Locale.parse(code).get_display_name(code) or code
