"""Importing a survey list: a first import and a re-import of N rows, on PostgreSQL and SQLite.

Generates a realistic CSV (Thai headers and names, valid citizen IDs, real Kalasin
sub-districts, about 3.5 persons per household, Buddhist-era dates, Thai digits,
disability and illness columns that must be ignored, and 5% bad rows of every kind),
imports it into a fresh, migrated database, imports it again, and reports seconds
and rows per second for both, with the machine. The generator is also what the
integration tests import, at 1,000 rows.

    .venv/bin/python bench/import_households.py [--rows 100000] [--backends postgresql,sqlite]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import geothai  # noqa: E402

from casework.citizen_id import with_check_digit  # noqa: E402

HEADER_EN = [
    "village_code", "house_no", "street", "citizen_id", "first_name", "last_name", "relation", "sex",
    "birth_date", "phone", "education", "occupation", "income_per_year", "welfare",
    "housing_condition", "land", "water", "debt", "savings", "disability", "chronic_illness",
]
HEADER_TH = [
    "รหัสหมู่บ้าน", "บ้านเลขที่", "ถนน", "เลขบัตรประชาชน", "ชื่อ", "นามสกุล", "ความสัมพันธ์", "เพศ",
    "วันเกิด", "เบอร์โทร", "การศึกษา", "อาชีพ", "รายได้ต่อปี", "สวัสดิการ",
    "สภาพที่อยู่อาศัย", "ที่ดินทำกิน", "น้ำเพื่อการเกษตร", "หนี้สิน", "เงินออม", "ความพิการ", "โรคประจำตัว",
]
COLUMN = {name: position for position, name in enumerate(HEADER_EN)}

MALE = ["สมชาย", "สมศักดิ์", "ประเสริฐ", "บุญมี", "สมพงษ์", "วิชัย", "ทองดี", "คำปัน", "บุญเลิศ", "สุริยา",
        "ณัฐพล", "ธนากร", "อนุชา", "เกียรติศักดิ์", "ไพโรจน์", "สุรชัย", "บุญช่วย", "คำพอง", "ภูมิใจ", "วีระ"]
FEMALE = ["สมศรี", "มาลัย", "บุญเรือน", "คำแปง", "ประไพ", "สุดารัตน์", "นงลักษณ์", "อำไพ", "ทองใบ", "จันทร์เพ็ญ",
          "กาญจนา", "พรทิพย์", "วันเพ็ญ", "สายสุนีย์", "บัวผัน", "ลำดวน", "ปราณี", "ศิริพร", "อรุณี", "บุญตา"]
SURNAMES = ["ศรีสุข", "ภูผาทอง", "แก้วมณี", "บุญประเสริฐ", "ไชยวงศ์", "พลสงคราม", "ศรีบุญเรือง", "คำภูแก้ว",
            "ทองคำ", "จันทร์หอม", "ภูมิสะอาด", "นาคสุข", "อินทร์แก้ว", "สุขประเสริฐ", "ชัยมงคล", "วงศ์ใหญ่",
            "ปัญญาดี", "มูลสาร", "ศรีจันทร์", "โคตรพันธ์", "ภูกองไชย", "ไชยสิทธิ์", "แสนคำ", "พิมพ์สอน"]
STREETS = ["", "", "", "ถนนกาฬสินธุ์", "ซอย 3", "ถนนมิตรภาพ", "ซอยวัดกลาง"]
EDUCATION = ["ประถมศึกษา", "มัธยมศึกษาตอนต้น", "มัธยมศึกษาตอนปลาย", "ปวช.", "ไม่ได้เรียน", "ปริญญาตรี", ""]
OCCUPATION = ["เกษตรกร", "รับจ้างทั่วไป", "ค้าขาย", "ว่างงาน", "นักเรียน", "ทำนา", "เลี้ยงสัตว์", ""]
WELFARE = ["", "", "welfare_card", "gold_card", "welfare_card,gold_card", "old_age,welfare_card",
           "disability,gold_card"]
HOUSING = ["fair", "ทรุดโทรม", "2", "sound", "ทรุดโทรมมาก", ""]
LAND = ["none", "เช่าหรือยืม", "own_not_enough", "4", ""]
WATER = ["rain_only", "มีบางฤดู", "none", "all_year", ""]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
HEAD = ["หัวหน้าครัวเรือน", "head", "เจ้าบ้าน"]
SPOUSE = ["คู่สมรส", "ภรรยา", "spouse"]
CHILD = ["บุตร", "ลูก", "child"]
PARENT = ["บิดา", "มารดา", "parent"]
RELATIVE = ["หลาน", "ญาติ", "relative"]

# The bad kinds: each bad row has exactly one of these defects; the value is the
# reason code the importer must give.
BAD_KINDS = [
    "citizen_id_format", "citizen_id_check_digit", "village_code_format", "unknown_subdistrict",
    "village_number", "missing", "relation_unknown", "sex_unknown", "not_a_date", "birth_in_future",
    "too_old", "negative", "not_a_number", "too_large", "phone_format", "welfare_unknown", "choice_unknown",
    "duplicate_citizen_id",
]


@dataclass
class Survey:
    """A generated survey list and what importing it must give."""

    header: list[str]
    rows: list[list[str]]
    bad: dict[int, str] = field(default_factory=dict)  # spreadsheet row number -> reason code
    households: int = 0
    villages: int = 0

    @property
    def good(self) -> int:
        return len(self.rows) - len(self.bad)

    def with_rows(self, rows: list[list[str]]) -> "Survey":
        """The same list with edited rows (the same rows stay bad)."""
        return Survey(header=self.header, rows=rows, bad=self.bad, households=self.households,
                      villages=self.villages)


def kalasin_subdistricts(districts: int = 5) -> list[str]:
    return [s.code for d in geothai.districts("46")[:districts] for s in geothai.subdistricts(d.code)]


def make_survey(rows: int = 100_000, *, bad_share: float = 0.05, seed: int = 7, thai_header: bool = True,
                today: date = date(2026, 11, 25)) -> Survey:
    """``rows`` rows (one per person), ``bad_share`` of them bad, deterministic for a seed."""
    rng = random.Random(seed)
    subdistricts = kalasin_subdistricts()
    bad_count = round(rows * bad_share)
    good_count = rows - bad_count
    used_ids: set[str] = set()

    def new_id() -> str:
        while True:
            digits = with_check_digit(str(rng.randint(1, 8)) + f"{rng.randrange(10 ** 11):011d}")
            if digits not in used_ids:
                used_ids.add(digits)
                return digits

    def birth(age: int) -> str:
        born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        if born > today:
            born = born.replace(year=born.year - 1)
        style = rng.randrange(4)
        if style == 0:
            return f"{born.day:02d}/{born.month:02d}/{born.year + 543}"
        if style == 1:
            return f"{born.day}/{born.month}/{born.year}"
        if style == 2:
            return born.isoformat()
        return f"{born.day:02d}/{born.month:02d}/{born.year + 543}".translate(THAI_DIGITS)

    def amount(value: int) -> str:
        style = rng.randrange(4)
        if style == 0:
            return f"{value:,}"
        if style == 1:
            return str(value).translate(THAI_DIGITS)
        if style == 2:
            return f"{value}.00"
        return str(value)

    def person(village: str, house_no: str, street: str, relation: str, age: int, sex: str) -> list[str]:
        first = rng.choice(MALE if sex == "M" else FEMALE)
        sex_text = rng.choice({"M": ["M", "ช", "ชาย", "m"], "F": ["F", "ญ", "หญิง", "f"]}[sex])
        income = 0 if age < 15 or age > 75 else rng.choice([0, 12_000, 24_000, 36_000, 48_000, 60_000, 96_000])
        phone = "" if age < 15 or rng.random() < 0.4 else rng.choice(
            [f"08{rng.randint(0, 99_999_999):08d}", f"09{rng.randint(0, 99_999_999):08d}",
             f"043{rng.randint(0, 999_999):06d}"])
        if phone and rng.random() < 0.5:
            phone = f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"
        row = [village, house_no, street, new_id(), first, rng.choice(SURNAMES), relation, sex_text, birth(age),
               phone, rng.choice(EDUCATION) if age >= 7 else "", rng.choice(OCCUPATION) if age >= 15 else "",
               amount(income), rng.choice(WELFARE) if age >= 18 else "", "", "", "", "", "",
               rng.choice(["", "", "", "พิการทางการเคลื่อนไหว"]), rng.choice(["", "", "เบาหวาน", "ความดัน"])]
        return row

    villages: dict[str, int] = {}
    households: list[list[list[str]]] = []
    people = 0
    while people < good_count:
        village = f"{rng.choice(subdistricts)}{rng.randint(1, 18):02d}"
        villages[village] = villages.get(village, 0) + 1
        house_no = str(villages[village]) if rng.random() < 0.8 else f"{villages[village]}/{rng.randint(1, 9)}"
        street = rng.choice(STREETS)
        size = min(good_count - people, rng.choices([1, 2, 3, 4, 5, 6, 7], [8, 14, 22, 26, 16, 9, 5])[0])
        head_sex = rng.choice("MF")
        head_age = rng.randint(28, 80)
        members = [person(village, house_no, street, rng.choice(HEAD), head_age, head_sex)]
        head = members[0]
        head[COLUMN["housing_condition"]] = rng.choice(HOUSING)
        head[COLUMN["land"]] = rng.choice(LAND)
        head[COLUMN["water"]] = rng.choice(WATER)
        head[COLUMN["debt"]] = amount(rng.choice([0, 0, 15_000, 50_000, 120_000]))
        head[COLUMN["savings"]] = amount(rng.choice([0, 0, 2_000, 10_000]))
        for index in range(1, size):
            if index == 1 and head_age < 75 and rng.random() < 0.8:
                members.append(person(village, house_no, street, rng.choice(SPOUSE), head_age + rng.randint(-5, 5),
                                      "F" if head_sex == "M" else "M"))
            elif head_age > 40 and rng.random() < 0.7:
                members.append(person(village, house_no, street, rng.choice(CHILD),
                                      rng.randint(0, max(1, head_age - 20)), rng.choice("MF")))
            elif rng.random() < 0.5:
                members.append(person(village, house_no, street, rng.choice(PARENT), min(100, head_age + 25),
                                      rng.choice("MF")))
            else:
                members.append(person(village, house_no, street, rng.choice(RELATIVE), rng.randint(1, 90),
                                      rng.choice("MF")))
        rng.shuffle(members[1:])
        households.append(members)
        people += len(members)

    good_rows = [row for members in households for row in members]
    bad_rows: list[tuple[int, list[str], str]] = []
    for index in range(bad_count):
        kind = BAD_KINDS[index % len(BAD_KINDS)]
        source = households[rng.randrange(len(households))]
        row = person(source[0][0], source[0][1], source[0][2], rng.choice(RELATIVE), rng.randint(20, 70), "F")
        spoil(row, kind, rng, good_rows)
        bad_rows.append((rng.randrange(len(good_rows) + 1), row, kind))
    # bad rows go in at random places; a duplicate must come after the row it repeats
    order: list[tuple[list[str], str | None]] = [(row, None) for row in good_rows]
    for place, row, kind in sorted(bad_rows, key=lambda item: item[0], reverse=True):
        if kind == "duplicate_citizen_id":
            place = len(order)
        order.insert(place, (row, kind))
    survey = Survey(header=list(HEADER_TH if thai_header else HEADER_EN), rows=[row for row, _ in order],
                    households=len(households), villages=len(villages))
    survey.bad = {number: kind for number, (_, kind) in enumerate(order, start=2) if kind}
    return survey


def spoil(row: list[str], kind: str, rng: random.Random, good_rows: list[list[str]]) -> None:
    """Give a row exactly one defect of ``kind``."""
    column = COLUMN
    if kind == "citizen_id_format":
        row[column["citizen_id"]] = row[column["citizen_id"]][:12]
    elif kind == "citizen_id_check_digit":
        digits = row[column["citizen_id"]]
        row[column["citizen_id"]] = digits[:12] + str((int(digits[12]) + 1) % 10)
    elif kind == "village_code_format":
        row[column["village_code"]] = row[column["village_code"]][:7]
    elif kind == "unknown_subdistrict":
        row[column["village_code"]] = "46999901"
    elif kind == "village_number":
        row[column["village_code"]] = row[column["village_code"]][:6] + "00"
    elif kind == "missing":
        row[column["first_name"]] = ""
    elif kind == "relation_unknown":
        row[column["relation"]] = "เพื่อน"
    elif kind == "sex_unknown":
        row[column["sex"]] = "X"
    elif kind == "not_a_date":
        row[column["birth_date"]] = "31/02/2510"
    elif kind == "birth_in_future":
        row[column["birth_date"]] = "01/01/2600"
    elif kind == "too_old":
        row[column["birth_date"]] = "01/01/1876"
    elif kind == "negative":
        row[column["income_per_year"]] = "-500"
    elif kind == "not_a_number":
        row[column["income_per_year"]] = "about 5000"
    elif kind == "too_large":
        row[column["income_per_year"]] = "12,000,000"
    elif kind == "phone_format":
        row[column["phone"]] = "12345"
    elif kind == "welfare_unknown":
        row[column["welfare"]] = "lottery"
    elif kind == "choice_unknown":
        row[column["housing_condition"]] = "castle"
    elif kind == "duplicate_citizen_id":
        row[column["citizen_id"]] = rng.choice(good_rows)[column["citizen_id"]]
    else:
        raise ValueError(kind)


def write_csv(path: Path, survey: Survey, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(survey.header)
        writer.writerows(survey.rows)
    return path


def write_xlsx(path: Path, survey: Survey, sheet: str = "survey") -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(survey.header)
    for row in survey.rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def run_import(url: str, path: Path) -> dict:
    from bot.bootstrap import bootstrap
    from bot.config import Settings, parse_keys
    from casework import importing
    from tests.keys import LOOKUP_KEYS, SECRET_KEYS

    settings = Settings(database_url=url, secret_keys=parse_keys(SECRET_KEYS, "bench"),
                        lookup_keys=parse_keys(LOOKUP_KEYS, "bench"))
    services = bootstrap(settings, transports={})
    try:
        summary = importing.import_households(path, uow=services.uow, sealer=services.sealer,
                                              now=datetime.now(timezone.utc))
    finally:
        services.engine.dispose()
    return {
        "seconds": round(summary.seconds, 1), "rows_per_second": round(summary.rows_read / summary.seconds),
        "rows": summary.rows_read, "rejected": summary.rejected,
        "households": {"created": summary.households_created, "updated": summary.households_updated,
                       "unchanged": summary.households_unchanged},
        "persons": {"created": summary.persons_created, "updated": summary.persons_updated,
                    "unchanged": summary.persons_unchanged},
    }


def run(rows: int, backends: list[str]) -> dict:
    from casework import migrate
    from tests.e2e import procs

    survey = make_survey(rows)
    results: dict = {"rows": rows, "bad_rows": len(survey.bad), "households": survey.households,
                     "villages": survey.villages, "backends": {}}
    with tempfile.TemporaryDirectory() as directory:
        path = write_csv(Path(directory) / "survey.csv", survey)
        results["file_mb"] = round(path.stat().st_size / 1e6, 1)
        for backend in backends:
            url = procs.create_database("kaejon_bench") if backend == "postgresql" else \
                f"sqlite:///{directory}/bench.db"
            try:
                migrate.upgrade(url)
                first = run_import(url, path)
                again = run_import(url, path)
            finally:
                if backend == "postgresql":
                    procs.drop_database(url)
            results["backends"][backend] = {"first_import": first, "re_import": again}
            print(f"{backend}: first import {first['seconds']} s ({first['rows_per_second']} rows/s), "
                  f"re-import {again['seconds']} s ({again['rows_per_second']} rows/s)", file=sys.stderr)
            if first["persons"]["created"] != survey.good or again["persons"]["created"] != 0:
                sys.exit(f"{backend}: wrong counts: {first} / {again}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from load import machine  # the same description of the machine as the other bench

    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(),
              **run(args.rows, [b.strip() for b in args.backends.split(",") if b.strip()])}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"import_households-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
