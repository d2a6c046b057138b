"""Reading survey lists and checking their rows, without a database."""
import codecs
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.config import DEMO_SECRET_KEYS, ConfigError, parse_keys
from bot.config import for_admin
from tests.keys import TEST_KEYS
from casework import importing
from casework.citizen_id import with_check_digit
from casework.importing import FileError, RowRejected, validate_row
from casework.importing.columns import SENSITIVE_THAI, SENSITIVE_WORDS, with_tables

TODAY = date(2026, 11, 25)
GOOD_ID = with_check_digit("110170012345")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "import-format.md"


def somchai(**changes: str) -> dict[str, str]:
    """A head of household in Kalasin sub-district, village 3, every column filled in."""
    row = {
        "village_code": "46010103", "house_no": "12/3", "street": "ถนนกาฬสินธุ์", "citizen_id": GOOD_ID,
        "first_name": "สมชาย", "last_name": "ศรีสุข", "relation": "หัวหน้าครัวเรือน", "sex": "ชาย",
        "birth_date": "05/03/2510", "phone": "081-234-5678", "education": "ประถมศึกษา", "occupation": "ทำนา",
        "income_per_year": "36,000", "welfare": "welfare_card, gold_card", "housing_condition": "ทรุดโทรม",
        "land": "own_not_enough", "water": "rain_only", "debt": "50,000", "savings": "๒,๐๐๐",
    }
    row.update(changes)
    return row


def reasons(values: dict[str, str]) -> list[str]:
    with pytest.raises(RowRejected) as rejected:
        validate_row(2, values, TODAY)
    return [error.reason for error in rejected.value.errors]


def test_a_complete_row_is_read_into_clean_values():
    person = validate_row(7, somchai(), TODAY)
    assert (person.row, person.village_code, person.house_no) == (7, "46010103", "12/3")
    assert person.citizen_id == GOOD_ID
    assert (person.first_name, person.last_name, person.relation, person.sex) == ("สมชาย", "ศรีสุข", "head", "M")
    assert person.birth_date == date(1967, 3, 5)
    assert person.phone == "0812345678"
    assert (person.income, person.debt, person.savings) == (36_000, 50_000, 2_000)
    assert person.welfare == ["welfare_card", "gold_card"]
    assert (person.housing_condition, person.land, person.water) == ("run_down", "own_not_enough", "rain_only")


def test_only_the_required_columns_are_needed():
    required = {name: somchai()[name] for name in importing.REQUIRED}
    person = validate_row(2, required, TODAY)
    assert person.birth_date is None and person.welfare is None and person.phone is None


# ------------------------------------------------------------------------------ bad values


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("citizen_id", GOOD_ID[:12], "citizen_id_format"),  # malformed: 12 digits
    ("citizen_id", GOOD_ID + "4", "citizen_id_format"),  # 14 digits
    ("citizen_id", "1-1017-ABCDE-12-3", "citizen_id_format"),
    ("citizen_id", GOOD_ID[:12] + str((int(GOOD_ID[12]) + 1) % 10), "citizen_id_check_digit"),
    ("village_code", "46999901", "unknown_subdistrict"),  # no such sub-district
    ("village_code", "99010101", "unknown_subdistrict"),  # no such province
    ("village_code", "46010100", "village_number"),  # village 00
    ("village_code", "4601013", "village_code_format"),
    ("village_code", "4601O103", "village_code_format"),
    ("house_no", "ไม่มีเลขที่", "house_no_format"),
    ("first_name", "", "missing"),
    ("last_name", "   ", "missing"),
    ("citizen_id", "", "missing"),
    ("relation", "friend", "relation_unknown"),
    ("relation", "เพื่อน", "relation_unknown"),
    ("sex", "X", "sex_unknown"),
    ("sex", "ชายหญิง", "sex_unknown"),
    ("birth_date", "01/01/2600", "birth_in_future"),  # Buddhist era 2600 = 2057
    ("birth_date", "2026-11-26", "birth_in_future"),  # tomorrow
    ("birth_date", "01/01/1876", "too_old"),  # aged 150
    ("birth_date", "01/01/2419", "too_old"),  # aged 150, Buddhist era
    ("birth_date", "31/02/2510", "not_a_date"),
    ("birth_date", "5 March 1967", "not_a_date"),
    ("income_per_year", "-500", "negative"),
    ("income_per_year", "about 5000", "not_a_number"),  # text in a number
    ("income_per_year", "5,000 or so", "not_a_number"),
    ("income_per_year", "10,000,000", "too_large"),
    ("debt", "-1", "negative"),
    ("savings", "lots", "not_a_number"),
    ("phone", "12345", "phone_format"),
    ("phone", "0112345678", "phone_format"),
    ("welfare", "lottery", "welfare_unknown"),
    ("housing_condition", "castle", "choice_unknown"),
    ("land", "5", "choice_unknown"),
    ("occupation", "x" * 61, "too_long"),
    ("education", "x" * 25, "too_long"),
])
def test_a_bad_value_rejects_the_row_with_a_reason(column, value, reason):
    rejected_reasons = reasons(somchai(**{column: value}))
    assert rejected_reasons == [reason]


def test_every_problem_of_a_row_is_listed_in_column_order():
    with pytest.raises(RowRejected) as rejected:
        validate_row(2, somchai(sex="X", citizen_id="123", income_per_year="-5"), TODAY)
    assert rejected.value.reasons == "citizen_id_format;sex_unknown;negative"
    assert rejected.value.columns == "citizen_id;sex;income_per_year"
    assert str(rejected.value) == ("citizen ID must be 13 digits; sex must be M or F; "
                                   "income per year is negative")


def test_reasons_are_plain_english_and_never_show_the_citizen_id():
    bad_check = GOOD_ID[:12] + str((int(GOOD_ID[12]) + 1) % 10)
    with pytest.raises(RowRejected) as rejected:
        validate_row(2, somchai(citizen_id=bad_check, village_code="46999901"), TODAY)
    message = str(rejected.value)
    assert "check digit" in message and "469999" in message
    assert bad_check not in message and GOOD_ID[:12] not in message


def test_every_reason_code_has_words_and_a_line_in_the_docs():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE))
    assert set(importing.REASONS) <= documented


# ------------------------------------------------------------------------------ accepted forms


@pytest.mark.parametrize(("text", "born"), [
    ("05/03/2510", date(1967, 3, 5)),  # Buddhist era: 2510 is 1967
    ("5/3/2510", date(1967, 3, 5)),
    ("05-03-2510", date(1967, 3, 5)),
    ("05.03.2510", date(1967, 3, 5)),
    ("5/3/1967", date(1967, 3, 5)),  # Gregorian
    ("1967-03-05", date(1967, 3, 5)),  # ISO
    ("๐๕/๐๓/๒๕๑๐", date(1967, 3, 5)),  # Thai digits
    ("25/11/2569", date(2026, 11, 25)),  # born today
])
def test_birth_dates_in_the_forms_thai_records_use(text, born):
    assert validate_row(2, somchai(birth_date=text), TODAY).birth_date == born


@pytest.mark.parametrize(("text", "baht"), [
    ("36000", 36_000),
    ("36,000", 36_000),  # thousands separators
    ("1,236,000", 1_236_000),
    ("๓๖,๐๐๐", 36_000),  # Thai digits
    ("๓๖๐๐๐", 36_000),
    ("36000.00", 36_000),
    ("36,000 บาท", 36_000),  # with the unit word
    ("฿36,000", 36_000),
    ("0", 0),
    ("9,999,999", 9_999_999),
])
def test_amounts_as_spreadsheets_write_them(text, baht):
    assert validate_row(2, somchai(income_per_year=text), TODAY).income == baht


@pytest.mark.parametrize(("text", "sex"), [
    ("M", "M"), ("m", "M"), ("male", "M"), ("Male", "M"), ("ช", "M"), ("ชาย", "M"),
    ("F", "F"), ("f", "F"), ("FEMALE", "F"), ("ญ", "F"), ("หญิง", "F"), (" หญิง ", "F"),
])
def test_sex_as_letters_or_words_in_either_language(text, sex):
    assert validate_row(2, somchai(sex=text), TODAY).sex == sex


@pytest.mark.parametrize(("text", "relation"), [
    ("head", "head"), ("Head", "head"), ("หัวหน้าครัวเรือน", "head"), ("เจ้าบ้าน", "head"),
    ("ภรรยา", "spouse"), ("สามี", "spouse"), ("wife", "spouse"),
    ("ลูก", "child"), ("บุตร", "child"), ("daughter", "child"),
    ("มารดา", "parent"), ("พ่อ", "parent"),
    ("หลาน", "relative"), ("ญาติ", "relative"), ("ยาย", "relative"),
    ("อื่นๆ", "other"), ("ผู้อาศัย", "other"), ("other", "other"),
])
def test_relations_in_thai_or_english(text, relation):
    assert validate_row(2, somchai(relation=text), TODAY).relation == relation


@pytest.mark.parametrize(("text", "digits"), [
    (GOOD_ID, GOOD_ID),
    (f"{GOOD_ID[0]}-{GOOD_ID[1:5]}-{GOOD_ID[5:10]}-{GOOD_ID[10:12]}-{GOOD_ID[12]}", GOOD_ID),
    (f"{GOOD_ID[:6]} {GOOD_ID[6:]}", GOOD_ID),
    (GOOD_ID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")), GOOD_ID),  # Thai digits
])
def test_citizen_ids_with_separators_or_thai_digits(text, digits):
    assert validate_row(2, somchai(citizen_id=text), TODAY).citizen_id == digits


@pytest.mark.parametrize(("text", "phone"), [
    ("0812345678", "0812345678"),
    ("081-234-5678", "0812345678"),
    ("081 234 5678", "0812345678"),
    ("+66 81 234 5678", "0812345678"),
    ("812345678", "0812345678"),  # a spreadsheet dropped the leading zero
    ("043-811-234", "043811234"),  # Kalasin landline
    ("43811234", "043811234"),
    ("๐๘๑๒๓๔๕๖๗๘", "0812345678"),
])
def test_thai_phone_numbers(text, phone):
    assert validate_row(2, somchai(phone=text), TODAY).phone == phone


@pytest.mark.parametrize(("column", "text", "code"), [
    ("housing_condition", "3", "fair"),
    ("housing_condition", "พอใช้", "fair"),  # the questionnaire's Thai label
    ("housing_condition", "Near collapse", "near_collapse"),  # its English label
    ("housing_condition", "sound", "sound"),
    ("land", "เช่าหรือยืม", "rented"),
    ("water", "4", "all_year"),
    ("water", "น้ำฝนอย่างเดียว", "rain_only"),
])
def test_household_answers_as_code_score_or_label(column, text, code):
    assert getattr(validate_row(2, somchai(**{column: text}), TODAY), column) == code


@pytest.mark.parametrize(("text", "codes", "dropped"), [
    ("welfare_card", ["welfare_card"], 0),
    ("welfare_card, gold_card", ["welfare_card", "gold_card"], 0),
    ("Old_Age;welfare_card", ["old_age", "welfare_card"], 0),
    ("gold_card,gold_card", ["gold_card"], 0),
    ("disability, gold_card", ["gold_card"], 1),  # reveals a disability: never stored
    ("disability", [], 1),
])
def test_welfare_codes(text, codes, dropped):
    person = validate_row(2, somchai(welfare=text), TODAY)
    assert (person.welfare, person.sensitive_welfare) == (codes, dropped)


def test_text_is_trimmed_and_thai_sara_am_typed_in_two_parts_is_joined():
    person = validate_row(2, somchai(first_name="  คำ\u200b  ", last_name="ค\u0e4d\u0e32ภูแก้ว"), TODAY)
    assert (person.first_name, person.last_name) == ("คำ", "คำภูแก้ว")


# ------------------------------------------------------------------------------ headers


def documented_table(heading_first_cell: str) -> dict[str, tuple[set[str], set[str]]]:
    """The rows of the docs table whose header row starts with ``heading_first_cell``."""
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"| {heading_first_cell} |")))
    table = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        english = {word.strip().strip("`") for word in cells[1].split(",") if word.strip()}
        thai = {word.strip() for word in cells[2].split(",") if word.strip()}
        table[cells[0].strip("`")] = (english, thai)
    return table


def test_the_docs_tables_are_the_ones_the_vocabulary_file_makes():
    page = DOCS.read_text(encoding="utf-8")
    assert with_tables(page) == page, ("docs/import-format.md is out of step with casework/data/import_columns.yaml; "
                                       "write its tables anew: python -m casework.importing docs/import-format.md")
    health = page[page.index("## Health and disability"):]
    health = health[:health.index("\n## ")]
    unnamed = [word for word in SENSITIVE_WORDS if f"`{word}" not in health] + \
        [word for word in SENSITIVE_THAI if word not in health]
    assert not unnamed, f"docs/import-format.md does not name the sensitive header words {unnamed}"


def test_the_documented_columns_are_the_columns_the_code_knows():
    documented = documented_table("field")
    assert list(documented) == list(importing.FIELDS)
    for name, (english, thai) in documented.items():
        known = set(importing.HEADERS[name])
        assert english | thai == known, name
        for header in english | thai:
            assert importing.map_header([header]).index == {name: 0}, header


@pytest.mark.parametrize(("heading", "vocabulary"), [("relation", importing.RELATIONS), ("sex", importing.SEXES)])
def test_the_documented_words_are_the_words_the_code_knows(heading, vocabulary):
    documented = documented_table(heading)
    assert {code: english | thai for code, (english, thai) in documented.items()} == \
        {code: set(words) for code, words in vocabulary.items()}


@pytest.mark.parametrize(("header", "field"), [
    ("Village Code", "village_code"), ("First Name", "first_name"), ("first-name", "first_name"),
    ("CITIZEN_ID", "citizen_id"), ("Citizen ID", "citizen_id"), ("Date of birth", "birth_date"),
    ("เลขประจำตัวประชาชน", "citizen_id"), ("วันเดือนปีเกิด", "birth_date"), ("รายได้ (บาท/ปี)", None),
    (" นามสกุล ", "last_name"), ("Income per year", "income_per_year"),
])
def test_headers_are_matched_without_case_spaces_or_punctuation(header, field):
    columns = importing.map_header([header])
    assert columns.index == ({field: 0} if field else {})


@pytest.mark.parametrize(("header", "sensitive"), [
    ("disability", True), ("Disabled", True), ("chronic_illness", True), ("Chronic disease", True),
    ("health_status", True), ("ill", True), ("medical condition", True), ("handicap type", True),
    ("ความพิการ", True), ("ประเภทความพิการ", True), ("โรคประจำตัว", True), ("ผู้ป่วยติดเตียง", True),
    ("สุขภาพ", True),
    ("skills", False), ("hill_tribe", False), ("village_note", False), ("หมายเหตุ", False), ("ลำดับ", False),
])
def test_health_and_disability_columns_are_recognised(header, sensitive):
    columns = importing.map_header(["citizen_id", header])
    assert (columns.sensitive == (header,)) is sensitive
    assert (columns.unknown == (header,)) is not sensitive


def test_two_columns_meaning_the_same_field_stop_the_import():
    with pytest.raises(FileError, match="two columns mean citizen_id"):
        importing.map_header(["citizen_id", "เลขบัตรประชาชน"])


# ------------------------------------------------------------------------------ files


HEADER = "village_code,house_no,citizen_id,first_name,last_name,relation"
ROW = f"46010103,12,{GOOD_ID},สมศรี,ศรีสุข,head"


def test_a_utf8_file_is_read_as_utf8(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    assert importing.detect_encoding(path) == "utf-8"


def test_a_byte_order_mark_decides(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(codecs.BOM_UTF8 + f"{HEADER}\n{ROW}\n".encode())
    assert importing.detect_encoding(path) == "utf-8-sig"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-16")
    assert importing.detect_encoding(path) == "utf-16"


def test_a_file_that_is_not_utf8_is_read_as_thai_windows_874(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(f"{HEADER}\n{ROW}\n".encode("tis-620"))
    assert importing.detect_encoding(path) == "cp874"
    with importing.open_table(path) as table:
        assert [cells for _, cells in table.rows] == [ROW.split(",")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_commas_semicolons_or_tabs(tmp_path, delimiter):
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\n{ROW}\n".replace(",", delimiter), encoding="utf-8")
    with importing.open_table(path) as table:
        assert table.delimiter == delimiter
        assert [(number, cells[3]) for number, cells in table.rows] == [(2, "สมศรี")]


def test_the_header_may_sit_below_a_title_and_rows_keep_their_spreadsheet_numbers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f"Survey of Kalasin 2569,,,,,\n,,,,,\n{HEADER}\n{ROW}\n\n{ROW}\n", encoding="utf-8")
    with importing.open_table(path) as table:
        assert table.header_row == 3
        assert [number for number, cells in table.rows if any(cells)] == [4, 6]


def test_a_file_without_a_required_column_names_it(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("village_code,house_no,first_name,last_name,relation\n46010103,12,a,b,head\n")
    with pytest.raises(FileError, match="row 1 .* no column for citizen_id"):
        with importing.open_table(path):
            pass


def test_a_file_without_any_header_says_what_is_needed(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("1,2,3\n4,5,6\n")
    with pytest.raises(FileError, match="no header row found"):
        with importing.open_table(path):
            pass


def test_old_excel_files_are_refused_with_advice(tmp_path):
    path = tmp_path / "a.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FileError, match="save it as .xlsx or CSV"):
        with importing.open_table(path):
            pass


def test_xlsx_sheets_by_name_and_cells_of_every_type(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "notes"
    workbook.active.append(["nothing here"])
    sheet = workbook.create_sheet("survey")
    sheet.append(HEADER.split(",") + ["birth_date", "phone"])
    sheet.append([46010103, 12, int(GOOD_ID), "สมศรี", "ศรีสุข", "head", datetime(1967, 3, 5), 812345678])
    sheet.append([])
    sheet.append(["46010103", "12/1", float(GOOD_ID), "คำ", "ดี", "child", date(2550, 1, 2), None])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    with importing.open_table(path, "survey") as table:
        rows = [(number, cells) for number, cells in table.rows if any(cells)]
    assert rows == [
        (2, ["46010103", "12", GOOD_ID, "สมศรี", "ศรีสุข", "head", "1967-03-05", "812345678"]),
        (4, ["46010103", "12/1", GOOD_ID, "คำ", "ดี", "child", "2007-01-02", ""]),  # year 2550 typed as B.E.
    ]
    with pytest.raises(FileError, match="no sheet 'other'; it has notes, survey"):
        with importing.open_table(path, "other"):
            pass


@pytest.mark.parametrize(("text", "shown"), [
    (GOOD_ID, f"{GOOD_ID[0]}-{GOOD_ID[1:5]}-xxxxx-xx-{GOOD_ID[12]}"),
    (GOOD_ID[:12] + str((int(GOOD_ID[12]) + 1) % 10), f"{GOOD_ID[0]}-{GOOD_ID[1:5]}-xxxxx-xx-"
                                                     f"{(int(GOOD_ID[12]) + 1) % 10}"),
    (GOOD_ID[:12], GOOD_ID[0] + "x" * 10 + GOOD_ID[11]),
    ("1-1017-0012-345", "1-xxxx-xxxx-xx5"),
    ("12", "xx"),
    ("", ""),
])
def test_citizen_ids_in_the_rejects_file_are_masked(text, shown):
    assert importing.mask_citizen_id(text) == shown


# ------------------------------------------------------------------------------ settings


def test_importing_needs_the_key_but_not_the_line_secrets():
    settings = for_admin({**TEST_KEYS, "DATABASE_URL": "postgres://h/db"})
    assert settings.secret_keys[0][0] == "t1" and settings.database_url == "postgresql+psycopg://h/db"
    with pytest.raises(ConfigError, match="KAEJON_SECRET_KEYS is not set"):
        for_admin({"DATABASE_URL": "sqlite:///x.db"})


def test_in_demo_mode_the_demo_key_applies():
    assert for_admin({"KAEJON_DEMO": "1"}).secret_keys == parse_keys(DEMO_SECRET_KEYS, "demo", demo=True)
