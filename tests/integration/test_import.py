"""Importing survey lists into the registry, on SQLite and PostgreSQL.

The files come from the bench's generator (bench/import_households.py): Thai names,
valid citizen IDs, real Kalasin villages, and bad rows of every kind whose reasons
the generator knows.
"""
import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from bench.import_households import COLUMN, make_survey, write_csv, write_xlsx
from casework import importing
from casework.models import AuditEntry, Household, Person, Village
from casework.sealing import open_from


@pytest.fixture(scope="module")
def survey():
    """1,000 rows, 50 of them bad, Thai headers."""
    return make_survey(1000, bad_share=0.05, seed=11)


@pytest.fixture(scope="module")
def small_survey():
    """40 good rows with English headers, for comparing file formats."""
    return make_survey(40, bad_share=0, seed=3, thai_header=False)


def run_import(services, clock, path: Path, **options):
    return importing.import_households(path, uow=services.uow, sealer=services.sealer, now=clock(), **options)


def count(services, model) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def stored_people(services) -> dict[str, tuple[str, str]]:
    """Citizen ID -> (first, last), opened from the sealed columns."""
    with services.uow() as uow:
        people = {}
        for person in uow.session.scalars(select(Person)):
            name = open_from(uow.sealer, person, "name")
            people[open_from(uow.sealer, person, "citizen_id", as_json=False).decode()] = (name["first"], name["last"])
        return people


def test_a_thousand_rows_with_fifty_bad_stores_950_and_lists_the_50_with_reasons(
        fake_services, clock, survey, tmp_path):
    path = write_csv(tmp_path / "survey.csv", survey)

    summary = run_import(fake_services, clock, path)

    assert (summary.rows_read, summary.rejected) == (1000, 50)
    assert (summary.persons_created, summary.households_created) == (950, survey.households)
    assert (count(fake_services, Person), count(fake_services, Household)) == (950, survey.households)
    assert summary.villages_created == survey.villages == count(fake_services, Village)
    rejects = read_rejects(tmp_path / "survey.rejects.csv")
    assert {int(row["row"]): row["reason_code"] for row in rejects} == survey.bad
    assert all(row["reason"] for row in rejects)
    assert set(survey.bad.values()) == set(importing.REASONS) - {"house_no_format", "too_long"}


def test_the_rejects_file_repeats_the_row_with_the_citizen_id_masked(fake_services, clock, survey, tmp_path):
    path = write_csv(tmp_path / "survey.csv", survey)
    rejects_path = tmp_path / "elsewhere" / "problems.csv"
    rejects_path.parent.mkdir()

    run_import(fake_services, clock, path, rejects_path=rejects_path)

    assert rejects_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the mark for Thai
    rejects = read_rejects(rejects_path)
    id_header = survey.header[COLUMN["citizen_id"]]
    for row in rejects:
        original = survey.rows[int(row["row"]) - 2]
        assert row[survey.header[COLUMN["first_name"]]] == original[COLUMN["first_name"]]
        assert original[COLUMN["citizen_id"]] not in row[id_header]
        assert "x" in row[id_header]
    future = next(row for row in rejects if row["reason_code"] == "birth_in_future")
    assert (future["column"], future["reason"]) == ("birth_date", "birth date is in the future")


def test_importing_the_same_file_again_adds_nothing(fake_services, clock, survey, tmp_path):
    path = write_csv(tmp_path / "survey.csv", survey)
    run_import(fake_services, clock, path)
    audited = count(fake_services, AuditEntry)
    clock.advance(days=1)

    again = run_import(fake_services, clock, path)

    assert (again.persons_created, again.persons_updated, again.persons_unchanged) == (0, 0, 950)
    assert (again.households_created, again.households_updated, again.households_unchanged) == \
        (0, 0, survey.households)
    assert again.villages_created == 0
    assert (count(fake_services, Person), count(fake_services, Household)) == (950, survey.households)
    assert count(fake_services, AuditEntry) == audited
    assert again.rejected == 50


def household_columns_empty(row: list[str]) -> bool:
    return not any(row[COLUMN[name]] for name in ("housing_condition", "land", "water", "debt", "savings"))


def test_a_corrected_list_updates_what_changed_and_moves_who_moved(fake_services, clock, survey, tmp_path):
    run_import(fake_services, clock, write_csv(tmp_path / "survey.csv", survey))
    rows = [list(row) for row in survey.rows]
    members = [row for number, row in enumerate(rows, start=2)
               if number not in survey.bad and household_columns_empty(row)]
    renamed, earner, mover = members[0], members[1], members[2]
    renamed[COLUMN["first_name"]] = "มาลัย"
    earner[COLUMN["income_per_year"]] = "๗๗,๐๐๐"
    target = next(row for row in members if row[COLUMN["village_code"]] != mover[COLUMN["village_code"]])
    for name in ("village_code", "house_no", "street"):
        mover[COLUMN[name]] = target[COLUMN[name]]
    corrected = write_csv(tmp_path / "corrected.csv", survey.with_rows(rows))
    clock.advance(days=1)

    summary = run_import(fake_services, clock, corrected)

    assert (summary.persons_created, summary.persons_updated, summary.persons_moved) == (0, 3, 1)
    assert (summary.persons_unchanged, summary.households_updated) == (947, 0)
    assert count(fake_services, Person) == 950
    assert stored_people(fake_services)[renamed[COLUMN["citizen_id"]]][0] == "มาลัย"
    with fake_services.uow() as uow:
        entries = uow.session.execute(select(AuditEntry).where(AuditEntry.at == clock())).scalars().all()
        assert {entry.actor for entry in entries} == {"import:corrected.csv"}
        changes = sorted(((entry.action, open_from(uow.sealer, entry, "changes")) for entry in entries),
                         key=lambda pair: pair[0])
        household_of = dict(uow.session.execute(select(Person.citizen_id_hash, Person.household_id)).all())
    moved_to = household_of[fake_services.sealer.fingerprint(mover[COLUMN["citizen_id"]])]
    assert [action for action, _ in changes] == ["person.move", "person.update", "person.update"]
    assert changes[0][1] == {"household_id": [changes[0][1]["household_id"][0], moved_to]}
    assert changes[0][1]["household_id"][0] != moved_to
    assert {"name": ["(sealed)", "(sealed)"]} in [change for _, change in changes]  # no name in the log
    income = next(change for _, change in changes if "income_baht_year" in change)
    assert income["income_baht_year"][1] == 77_000 and list(income) == ["income_baht_year"]


def test_an_empty_cell_never_erases_what_is_stored(fake_services, clock, survey, tmp_path):
    run_import(fake_services, clock, write_csv(tmp_path / "survey.csv", survey))
    blanked = [list(row) for row in survey.rows]
    for row in blanked:
        for name in ("phone", "birth_date", "income_per_year", "welfare", "housing_condition", "debt"):
            row[COLUMN[name]] = ""

    summary = run_import(fake_services, clock, write_csv(tmp_path / "blank.csv", survey.with_rows(blanked)))

    assert (summary.persons_updated, summary.households_updated) == (0, 0)


@pytest.mark.parametrize("kind", ["utf-8 with BOM", "TIS-620", "XLSX", "UTF-16, tabs", "semicolons"])
def test_every_file_format_reads_the_same_thai_names(fake_services, clock, small_survey, tmp_path, kind):
    path = {
        "utf-8 with BOM": lambda: write_csv(tmp_path / "s.csv", small_survey, encoding="utf-8-sig"),
        "TIS-620": lambda: write_csv(tmp_path / "s.csv", small_survey, encoding="tis-620"),
        "XLSX": lambda: write_xlsx(tmp_path / "s.xlsx", small_survey),
        "UTF-16, tabs": lambda: write_csv(tmp_path / "s.txt", small_survey, encoding="utf-16", delimiter="\t"),
        "semicolons": lambda: write_csv(tmp_path / "s.csv", small_survey, delimiter=";"),
    }[kind]()

    summary = run_import(fake_services, clock, path)

    assert (summary.rows_read, summary.rejected, summary.persons_created) == (40, 0, 40)
    expected = {row[COLUMN["citizen_id"]]: (row[COLUMN["first_name"]], row[COLUMN["last_name"]])
                for row in small_survey.rows}
    assert stored_people(fake_services) == expected
    assert any(not first.isascii() for first, _ in expected.values())


def test_an_xlsx_sheet_is_chosen_by_name(fake_services, clock, small_survey, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", small_survey, sheet="kalasin")
    assert run_import(fake_services, clock, path, sheet="kalasin").persons_created == 40
    with pytest.raises(importing.FileError, match="no sheet 'other'"):
        run_import(fake_services, clock, path, sheet="other")


def test_health_and_disability_columns_are_never_stored(fake_services, clock, survey, tmp_path):
    path = write_csv(tmp_path / "survey.csv", survey)

    summary = run_import(fake_services, clock, path)

    assert summary.sensitive_columns == ("ความพิการ", "โรคประจำตัว")
    dropped = sum(1 for number, row in enumerate(survey.rows, start=2)
                  if number not in survey.bad and "disability" in row[COLUMN["welfare"]])
    assert summary.sensitive_values == dropped > 0
    with fake_services.uow() as uow:
        people = uow.session.execute(select(Person.has_disability_card, Person.health, Person.welfare)).all()
        logged = [open_from(uow.sealer, e, "changes") for e in uow.session.scalars(select(AuditEntry)) if e.changes]
    assert all(card is None and health is None and "disability" not in welfare for card, health, welfare in people)
    text = json.dumps(logged, ensure_ascii=False)
    assert "เบาหวาน" not in text and "พิการ" not in text and "disability" not in text
    header = (tmp_path / "survey.rejects.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "ความพิการ" not in header and "โรคประจำตัว" not in header


def test_every_creation_is_audited_once_without_sealed_values(fake_services, clock, survey, tmp_path):
    summary = run_import(fake_services, clock, write_csv(tmp_path / "survey.csv", survey))

    with fake_services.uow() as uow:
        entries = uow.session.scalars(select(AuditEntry)).all()
        by_action: dict[str, int] = {}
        for entry in entries:
            by_action[entry.action] = by_action.get(entry.action, 0) + 1
        person = next(e for e in entries if e.action == "person.create")
        person_changes = open_from(uow.sealer, person, "changes")
        household = next(e for e in entries if e.action == "household.create")
        household_changes = open_from(uow.sealer, household, "changes")
        actors = {entry.actor for entry in entries}
        person_area, household_area = person.area_code, household.area_code
        household_of_person = uow.session.get(Household, person_changes["household_id"][1])
        assert household_of_person is not None and household_of_person.village_code == person_area
    assert by_action == {"village.create": summary.villages_created, "household.create": survey.households,
                         "person.create": 950}
    assert actors == {"import:survey.csv"}
    assert person_changes["name"] == [None, "(sealed)"] and person_changes["citizen_id"] == [None, "(sealed)"]
    assert person_changes["relation"][0] is None
    assert household_changes["village_code"][1] == household_area
    assert household_changes["status"] == [None, "listed"] and household_changes["source"] == [None, "imported"]
    assert household_changes["address"] == [None, "(sealed)"]


def test_sealed_columns_never_hold_a_plain_name_or_id(fake_services, clock, survey, tmp_path):
    run_import(fake_services, clock, write_csv(tmp_path / "survey.csv", survey))
    good = [row for number, row in enumerate(survey.rows, start=2) if number not in survey.bad]
    secrets = {value for row in good for value in
               (row[COLUMN["citizen_id"]], row[COLUMN["first_name"]], row[COLUMN["last_name"]])}
    secrets |= {row[COLUMN["phone"]].replace("-", "") for row in good if row[COLUMN["phone"]]}

    with fake_services.uow() as uow:
        stored = [value for model in (Person, Household, AuditEntry, Village)
                  for row in uow.session.execute(select(model.__table__)).all() for value in row]
    blob = "\n".join(value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in stored)
    blob_utf8 = b"\n".join(value for value in stored if isinstance(value, bytes))
    leaked = [secret for secret in secrets if secret in blob or secret.encode() in blob_utf8]
    assert leaked == []
    assert len(stored_people(fake_services)) == 950  # and yet they open with the key


def test_a_dry_run_counts_everything_and_stores_nothing(fake_services, clock, survey, tmp_path):
    path = write_csv(tmp_path / "survey.csv", survey)

    summary = run_import(fake_services, clock, path, dry_run=True)

    assert (summary.persons_created, summary.households_created, summary.rejected) == (950, survey.households, 50)
    assert count(fake_services, Person) == count(fake_services, Household) == count(fake_services, AuditEntry) == 0
    assert count(fake_services, Village) == 0
    assert len(read_rejects(tmp_path / "survey.rejects.csv")) == 50


def test_a_file_with_no_good_rows_stores_nothing_and_writes_every_reject(fake_services, clock, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("village_code,house_no,citizen_id,first_name,last_name,relation\n"
                    "46010100,1,1234567890123,a,b,head\n", encoding="utf-8")

    summary = run_import(fake_services, clock, path)

    assert (summary.rows_read, summary.rejected, summary.persons_created) == (1, 1, 0)
    assert [row["reason_code"] for row in read_rejects(tmp_path / "bad.rejects.csv")] == \
        ["village_number;citizen_id_check_digit"]


def test_the_command_prints_a_summary(database_url, small_survey, tmp_path, monkeypatch):
    from bot.commands import cli

    path = write_csv(tmp_path / "list.csv", small_survey)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    monkeypatch.setattr("bot.commands.operator.getpass.getuser", lambda: "somsri")
    runner = CliRunner()

    first = runner.invoke(cli, ["import", "households", str(path)], catch_exceptions=False)
    again = runner.invoke(cli, ["import", "households", str(path), "--dry-run"], catch_exceptions=False)

    assert first.exit_code == 0, first.output
    assert "Imported list.csv" in first.output and "rows read            40" in first.output
    assert "persons              40 created, 0 updated, 0 unchanged" in first.output
    assert "rejected             0 rows" in first.output
    assert "ignored (sensitive)  columns: disability, chronic_illness" in first.output
    assert "Checked (dry run, nothing stored) list.csv" in again.output
    assert "persons              0 created, 0 updated, 40 unchanged" in again.output
    engine = create_engine(database_url)
    with engine.connect() as connection:
        actors = set(connection.execute(select(AuditEntry.actor)).scalars())
    engine.dispose()
    assert actors == {"cli:somsri import:list.csv"}  # the operator at the keyboard, and the file


def test_the_command_explains_a_file_it_cannot_read(database_url, tmp_path, monkeypatch):
    from bot.commands import cli

    path = tmp_path / "names.csv"
    path.write_text("name,age\nsomchai,40\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)

    result = CliRunner().invoke(cli, ["import", "households", str(path)])

    assert result.exit_code == 1
    assert "Error: names.csv: no header row found" in result.output


def test_nationality_comes_from_the_citizen_id_and_a_reimport_fills_it_for_people_stored_without(
        fake_services, clock, survey, tmp_path):
    from sqlalchemy import update

    path = write_csv(tmp_path / "survey.csv", survey)
    run_import(fake_services, clock, path)
    with fake_services.uow() as uow:
        stored = {open_from(uow.sealer, p, "citizen_id", as_json=False).decode(): p.thai for p in uow.session.scalars(select(Person))}
        assert stored == {cid: cid[0] in "123458" for cid in stored}
        assert {False, True} <= set(stored.values())
        uow.session.execute(update(Person).values(thai=None))  # people stored before nationality was kept
        uow.commit()
    audited = count(fake_services, AuditEntry)

    again = run_import(fake_services, clock, path)

    assert (again.persons_updated, again.persons_unchanged) == (950, 0)
    assert count(fake_services, AuditEntry) == audited + 950
    with fake_services.uow() as uow:
        assert {open_from(uow.sealer, p, "citizen_id", as_json=False).decode(): p.thai for p in uow.session.scalars(select(Person))} == stored


def test_what_the_list_says_people_receive_becomes_their_welfare_status_and_a_later_list_stops_it(
        fake_services, clock, survey, tmp_path):
    from casework.models import WelfareStatus
    run_import(fake_services, clock, write_csv(tmp_path / "survey.csv", survey))
    with fake_services.uow() as uow:
        received = {(person_id, code) for person_id, codes in uow.session.execute(select(Person.id, Person.welfare))
                    for code in codes}
        statuses = uow.session.execute(select(WelfareStatus.person_id, WelfareStatus.programme, WelfareStatus.status,
                                              WelfareStatus.source)).all()
    assert received and {(person, code) for person, code, _, _ in statuses} == received
    assert {(status, source) for _, _, status, source in statuses} == {("receiving", "import")}

    rows = [list(row) for row in survey.rows]
    (stopper,) = [row for number, row in enumerate(rows, start=2)
                  if number not in survey.bad and "old_age" in row[COLUMN["welfare"]]][:1]
    stopper[COLUMN["welfare"]] = "gold_card"
    clock.advance(days=1)
    run_import(fake_services, clock, write_csv(tmp_path / "later.csv", survey.with_rows(rows)))
    with fake_services.uow() as uow:
        person_id = uow.session.scalar(select(Person.id).where(
            Person.citizen_id_hash == fake_services.sealer.fingerprint(stopper[COLUMN["citizen_id"]])))
        now = dict(uow.session.execute(select(WelfareStatus.programme, WelfareStatus.status)
                                       .where(WelfareStatus.person_id == person_id)).all())
    assert now["old_age"] == "stopped" and now["gold_card"] == "receiving"
