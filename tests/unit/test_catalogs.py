"""Every user-facing string in the code has a Thai translation."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def extracted_ids(tmp_path):
    pot = tmp_path / "extracted.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "-F", "babel.cfg", "-k", "N_",
         "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def test_every_message_in_the_code_is_translated_to_thai(tmp_path):
    with (ROOT / "locales/th/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="th")
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(extracted_ids(tmp_path) - translated)
    assert missing == [], "untranslated (run pybabel extract/update, see README): %s" % missing
