from datetime import date

from messages.dates import format_date
from messages.i18n import available_languages, language_name, normalize_language, translator


def test_thai_dates_use_the_buddhist_era():
    assert format_date(date(2026, 11, 25), "th") == "25 พฤศจิกายน 2569"
    assert format_date(date(2026, 1, 2), "th", short=True) == "2 ม.ค. 2569"


def test_english_dates_use_the_gregorian_year():
    assert format_date(date(2026, 11, 25), "en") == "November 25, 2026"


def test_thai_is_the_default_and_unknown_languages_fall_back_to_it():
    assert available_languages()[0] == "th"
    assert normalize_language(None) == "th"
    assert normalize_language("fr-FR") == "th"
    assert normalize_language("en-US") == "en"


def test_thai_catalog_translates_the_menu():
    assert translator("th").gettext("Menu") == "เมนู"
    assert translator("en").gettext("Menu") == "Menu"


def test_language_names_are_in_their_own_language():
    assert language_name("th") == "ไทย"
    assert language_name("en") == "English"
