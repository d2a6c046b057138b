"""Batch screening on SQLite and PostgreSQL: an area's gaps in bulk, the same verdicts as
judging each household on its own, the stored run, and ``kaejon rights gaps``."""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from casework import household_status, registry
from casework.citizen_id import with_check_digit
from casework.entitlements import evaluate, registry_columns, screening
from casework.entitlements import rules as rules_files
from casework.entitlements.facts import RECEIVED
from casework.models import Household, Person, ScreeningGap, ScreeningRun
from tests import registry_data

ON = date(2026, 11, 25)
RULES = rules_files.default()


@dataclass
class Someone:
    """A person to put in the registry; None: not recorded."""

    born: date | None
    thai: bool | None = True
    welfare: list[str] | None = field(default_factory=list)
    income: int | None = None
    card: bool | None = None


_ids = iter(range(10 ** 8, 10 ** 9))


def citizen(thai: bool | None) -> str | None:
    if thai is None:
        return None
    return with_check_digit(("3" if thai else "6") + f"{next(_ids):011d}")


def home(services, village: str, people: list[Someone], *, status: str = household_status.LISTED,
         savings: int | None = None, housing: str | None = None, group: int | None = None) -> tuple[int, list[int]]:
    """A household made as the product makes one, then given the facts screening reads."""
    registry_data.village(services, village)
    with services.uow() as uow:
        made = registry.add_household(
            uow.session, uow.sealer, village_code=village, house_no=str(next(_ids)), address="",
            people=[registry.NewPerson(first_name="ทดสอบ", last_name="ระบบ", relation="member",
                                       citizen_id=citizen(person.thai), birth_date=person.born,
                                       income_baht_year=person.income) for person in people],
            source="imported", status=status, actor="test", now=services.clock())
        made.savings_baht, made.housing_condition, made.poverty_group = savings, housing, group
        members = uow.session.scalars(select(Person).where(Person.household_id == made.id).order_by(Person.id)).all()
        for member, person in zip(members, people):
            member.thai, member.welfare, member.has_disability_card = person.thai, person.welfare, person.card
        uow.commit()
        return made.id, [member.id for member in members]


def aged(years: int, days: int = 40) -> date:
    """Born ``years`` years (and some days) before ON."""
    return ON.replace(year=ON.year - years) - timedelta(days=days)


def whole(values) -> list[int]:  # type: ignore[no-untyped-def]
    return [-1 if value != value else int(value) for value in values.tolist()]  # NaN: -1, as stored


def expected_groups(result: screening.ScreeningResult) -> dict[tuple[str, str], dict]:
    """The result's gaps by programme and village as they should be stored: each village's
    picked out with a mask, unknowns -1, no amounts for a service, no persons or ages for a household."""
    groups = {}
    for found in result.gaps:
        for village in sorted(set(found.village_codes.tolist())):
            at = found.village_codes == village
            groups[(found.programme.id, village)] = {
                "household_ids": found.household_ids[at].tolist(),
                "person_ids": None if found.person_ids is None else found.person_ids[at].tolist(),
                "amounts": None if found.period is None else whole(found.amounts[at]),
                "ages": None if found.ages is None else whole(found.ages[at])}
    return groups


def stored_groups(services, run_id: int, **filters) -> dict[tuple[str, str], dict]:  # type: ignore[no-untyped-def]
    """A stored run's gaps read back through ``screening.stored_gaps``, in the order it gives."""
    def listed(values) -> list[int] | None:  # type: ignore[no-untyped-def]
        return None if values is None else values.tolist()

    with services.uow() as uow:
        return {(stored.programme, stored.village_code): {
                    "household_ids": stored.household_ids.tolist(), "person_ids": listed(stored.person_ids),
                    "amounts": listed(stored.amounts), "ages": listed(stored.ages)}
                for stored in screening.stored_gaps(uow.session, run_id, **filters)}


def screen(services, area: str, *, store: bool = False, programme: str | None = None) -> screening.ScreeningResult:
    with services.uow() as uow:
        result = screening.run(uow.session, RULES, area, ON, services.clock(), store=store, programme=programme)
        uow.commit()
    return result


@pytest.fixture
def kalasin(fake_services):
    """Known people in Mueang Kalasin (4601) and one household in Na Mon (4602)."""
    s = fake_services
    people = {}
    people["grandpa_household"], (people["grandpa"], people["grandma"]) = home(
        s, "46010105", [Someone(aged(72), income=0), Someone(aged(68), welfare=["old_age"], income=0)],
        group=1, housing="near_collapse")
    people["child_household"], (people["mother"], people["child"]) = home(
        s, "46010106", [Someone(aged(30), income=50_000), Someone(aged(3), income=None)])
    people["elsewhere_household"], (people["elsewhere"],) = home(s, "46020101", [Someone(aged(75), income=0)])
    people["moved_household"], (people["moved"],) = home(s, "46010105", [Someone(aged(80), income=0)],
                                                         status=household_status.MOVED)
    return people


def gaps_of(result: screening.ScreeningResult, programme: str) -> dict[int | None, int | None]:
    """Person (or household) id -> amount, for one programme's gaps."""
    found = next(found for found in result.gaps if found.programme.id == programme)
    ids = found.person_ids if found.person_ids is not None else found.household_ids
    return {key: None if amount != amount else int(amount) for key, amount in zip(ids.tolist(),
                                                                                  found.amounts.tolist())}


def test_a_72_year_old_not_receiving_the_old_age_allowance_is_a_gap_of_700(fake_services, kalasin):
    result = screen(fake_services, "4601")

    old_age = gaps_of(result, "old_age")
    assert old_age == {kalasin["grandpa"]: 700}  # grandma receives it; the others are elsewhere or moved
    found = next(found for found in result.gaps if found.programme.id == "old_age")
    assert found.ages.tolist() == [72.0] and found.period == "month"
    assert found.village_codes.tolist() == ["46010105"]
    assert found.household_ids.tolist() == [kalasin["grandpa_household"]]


def test_a_3_year_old_in_a_low_income_household_is_a_child_support_gap_of_600(fake_services, kalasin):
    result = screen(fake_services, "46010106")

    assert gaps_of(result, "child_support") == {kalasin["child"]: 600}
    assert (result.persons, result.households) == (2, 1)


def test_an_area_leaves_out_other_areas_and_households_that_moved(fake_services, kalasin):
    in_mueang = screen(fake_services, "4601")
    everywhere = screen(fake_services, "all")

    assert (in_mueang.persons, in_mueang.households) == (4, 2)
    assert (everywhere.persons, everywhere.households) == (5, 3)
    assert kalasin["elsewhere"] not in gaps_of(in_mueang, "old_age")
    assert gaps_of(everywhere, "old_age") == {kalasin["grandpa"]: 700, kalasin["elsewhere"]: 700}
    assert kalasin["moved"] not in gaps_of(everywhere, "old_age")
    assert screen(fake_services, "46").households == 3 and screen(fake_services, "460201").households == 1


def test_a_gap_shown_is_explained_by_the_rule_that_found_it(fake_services, kalasin):
    result = screen(fake_services, "4601")

    answer = result.explain("old_age", 0)

    assert (answer.status, answer.amount, answer.receiving) == ("eligible", 700, False)
    assert {check.fact: check.result for check in answer.checks} == {"thai": "met", "age": "met",
                                                                     "state_pensioner": "met"}
    assert answer.inputs["age"] == 72


def test_a_stored_run_keeps_every_gap_and_earlier_runs(fake_services, kalasin):
    first = screen(fake_services, "4601", store=True)
    second = screen(fake_services, "4601", store=True, programme="old_age")

    with fake_services.uow() as uow:
        runs = [(run.id, run.area_code, run.evaluated_on, run.persons, run.households, run.gaps, run.rules)
                for run in uow.session.scalars(select(ScreeningRun).order_by(ScreeningRun.id))]
    stored = {run_id: stored_groups(fake_services, run_id) for run_id, *_ in runs}
    assert [run[0] for run in runs] == [first.run_id, second.run_id]
    assert stored[first.run_id] == expected_groups(first)
    assert sum(len(group["household_ids"]) for group in stored[first.run_id].values()) == first.total_gaps
    assert stored[second.run_id] == {("old_age", "46010105"): {
        "household_ids": [kalasin["grandpa_household"]], "person_ids": [kalasin["grandpa"]], "amounts": [700],
        "ages": [72]}}
    assert runs[0][1:6] == ("4601", ON, 4, 2, first.total_gaps)
    assert "old_age@2552" in runs[0][6] and runs[1][6] == "old_age@2552"
    gold_card = [group for (programme, _), group in stored[first.run_id].items() if programme == "gold_card"]
    assert gold_card and all(group["amounts"] is None for group in gold_card)  # a service has no amount
    housing = stored[first.run_id][("housing_repair", "46010105")]  # a household programme: no persons, no ages
    assert housing == {"household_ids": [kalasin["grandpa_household"]], "person_ids": None, "amounts": [19000],
                       "ages": None}


def test_stored_gaps_are_read_by_programme_and_area(fake_services, kalasin):
    run_id = screen(fake_services, "all", store=True).run_id

    everything = stored_groups(fake_services, run_id)
    old_age = stored_groups(fake_services, run_id, programme="old_age")
    in_na_mon = stored_groups(fake_services, run_id, village_prefix="4602")
    one_village = stored_groups(fake_services, run_id, programme="old_age", village_prefix="46010105")

    assert list(everything) == sorted(everything) and {village for _, village in everything} == {
        "46010105", "46010106", "46020101"}
    assert set(old_age) == {("old_age", "46010105"), ("old_age", "46020101")}
    assert in_na_mon == {key: group for key, group in everything.items() if key[1] == "46020101"} != {}
    assert one_village == {("old_age", "46010105"): everything[("old_age", "46010105")]}
    assert stored_groups(fake_services, run_id, programme="lottery") == {}
    assert stored_groups(fake_services, run_id + 1) == {}


def test_nothing_is_stored_without_store(fake_services, kalasin):
    result = screen(fake_services, "4601", store=False)

    assert result.run_id is None and result.total_gaps > 0
    with fake_services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ScreeningGap)) == 0
        assert uow.session.scalar(select(func.count()).select_from(ScreeningRun)) == 0


def test_an_area_with_nobody_in_it_is_a_run_with_no_gaps(fake_services, kalasin):
    result = screen(fake_services, "460102", store=True)

    assert (result.persons, result.households, result.total_gaps) == (0, 0, 0)
    assert all(found.count == 0 for found in result.gaps) and len(result.gaps) == len(RULES.programmes)
    with fake_services.uow() as uow:
        assert uow.session.get(ScreeningRun, result.run_id).gaps == 0


@pytest.mark.parametrize("area, reason", [
    ("99", "no province has the code 99"),
    ("4699", "no district has the code 4699"),
    ("46010199", "no village has the code 46010199"),
    ("4601x", "not an area code"),
    ("460", "not an area code"),
])
def test_an_unknown_area_is_refused(fake_services, area, reason):
    with fake_services.uow() as uow, pytest.raises(screening.UnknownArea, match=reason):
        screening.check_area(uow.session, area)


@pytest.mark.parametrize("given, expected", [("all", ""), ("", ""), (" ALL ", ""), ("46", "46"), ("4601", "4601")])
def test_all_or_nothing_means_the_whole_registry(fake_services, given, expected):
    with fake_services.uow() as uow:
        assert screening.check_area(uow.session, given) == expected


# ---------------------------------------------------------------------------------------------
# Bulk and one-by-one agree

HOUSING = (None, "near_collapse", "run_down", "fair", "sound")
STATUSES = (*household_status.OPEN, household_status.MOVED, household_status.CLOSED)


def random_person(rng: random.Random) -> Someone:
    roll = rng.random()
    if roll < 0.05:
        born = None
    elif roll < 0.12:  # birthdays on or next to the day of screening, at the ages rules care about
        born = ON.replace(year=ON.year - rng.choice([3, 6, 15, 16, 18, 60, 70, 80, 90])) + timedelta(
            days=rng.choice([-1, 0, 1]))
    else:
        born = ON - timedelta(days=rng.randint(0, 100 * 365))
    welfare_roll = rng.random()
    welfare = None if welfare_roll < 0.1 else [] if welfare_roll < 0.5 else rng.sample(RECEIVED, rng.randint(1, 3))
    return Someone(born=born, thai=rng.choice([True, True, True, False, None]), welfare=welfare,
                   income=rng.choice([None, 0, rng.randint(0, 250_000), rng.randint(0, 40_000)]),
                   card=rng.choice([None, None, True, False]))


@pytest.fixture
def random_registry(fake_services):
    """About 400 people in 130 households, seeded: every fact sometimes unknown."""
    rng = random.Random(20261125)
    villages = ["46010105", "46010106", "46010201", "46020101"]
    for _ in range(130):
        home(fake_services, rng.choice(villages), [random_person(rng) for _ in range(rng.randint(1, 6))],
             status=rng.choice(STATUSES), savings=rng.choice([None, 0, rng.randint(0, 200_000)]),
             housing=rng.choice(HOUSING), group=rng.choice([None, 1, 2, 3, 4]))


def verdicts_in_bulk(result: screening.ScreeningResult) -> dict[tuple, tuple]:
    """Every row of the bulk arrays, explained as a chat would be shown it."""
    found = {}
    for gaps in result.gaps:
        person = gaps.programme.entity == "person"
        ids = result.frame.person_ids if person else result.frame.household_ids
        facts = result.person_facts if person else result.household_facts
        for row, key in enumerate(ids.tolist()):
            answer = evaluate.answer(gaps.outcome, facts, row)
            found[(gaps.programme.id, "person" if person else "household", key)] = (
                answer.status, answer.receiving, answer.amount, answer.checks)
    return found


def verdicts_one_by_one(services, household_ids: list[int]) -> dict[tuple, tuple]:
    """The same from each household's own columns, as the chat builds them."""
    found = {}
    with services.uow() as uow:
        for household_id in household_ids:
            frame = registry_columns.for_household(uow.session, household_id)
            for answer in evaluate.answers(RULES, frame.columns, ON):
                person = answer.programme.entity == "person"
                key = int(frame.person_ids[answer.row]) if person else household_id
                found[(answer.programme.id, "person" if person else "household", key)] = (
                    answer.status, answer.receiving, answer.amount, answer.checks)
    return found


@pytest.mark.parametrize("area", ["all", "4601", "46010105"])
def test_bulk_screening_gives_every_verdict_that_judging_each_household_alone_gives(
        fake_services, random_registry, area):
    result = screen(fake_services, area)

    with fake_services.uow() as uow:
        prefix = screening.check_area(uow.session, area)
        households = uow.session.scalars(select(Household.id).where(
            Household.status.in_(household_status.OPEN), Household.village_code.startswith(prefix))).all()
        persons = uow.session.scalar(select(func.count()).select_from(Person).where(
            Person.household_id.in_(households)))
    assert (result.households, result.persons) == (len(households), persons)
    assert result.persons > (100 if area != "46010105" else 20)
    in_bulk = verdicts_in_bulk(result)
    one_by_one = verdicts_one_by_one(fake_services, households)
    assert in_bulk == one_by_one
    expected_gaps = {key for key, (status, receiving, _, _) in one_by_one.items()
                     if status == "eligible" and not receiving}
    assert {(found.programme.id, "person" if found.person_ids is not None else "household", key)
            for found in result.gaps
            for key in (found.person_ids if found.person_ids is not None else found.household_ids).tolist()} \
        == expected_gaps
    assert {status for status, _, _, _ in in_bulk.values()} == {"eligible", "cannot_tell", "not_eligible"}
    results = {check.result for *_, checks in in_bulk.values() for check in checks}
    assert results == {"met", "failed", "unknown", "assumed"}  # ... and every kind of check
    assert 0 < result.total_gaps < len(in_bulk)


def test_stored_gaps_of_a_random_registry_match_the_result(fake_services, random_registry):
    result = screen(fake_services, "all", store=True)

    stored = stored_groups(fake_services, result.run_id)

    assert stored == expected_groups(result)
    assert sum(len(group["household_ids"]) for group in stored.values()) == result.total_gaps
    # Every kind of value made it through: unknown amounts and ages, services, household programmes,
    # and villages with several gaps of a programme.
    amounts = [amount for group in stored.values() for amount in group["amounts"] or []]
    ages = [age for group in stored.values() for age in group["ages"] or []]
    assert -1 in amounts and -1 in ages and min(age for age in ages if age >= 0) < 18 and max(ages) >= 60
    assert any(group["amounts"] is None for group in stored.values())
    assert any(group["person_ids"] is None and group["amounts"] for group in stored.values())
    assert max(len(group["household_ids"]) for group in stored.values()) > 1


def test_a_run_stores_one_row_per_programme_and_village_with_gaps(fake_services, random_registry):
    result = screen(fake_services, "all", store=True)

    with fake_services.uow() as uow:
        rows = uow.session.execute(select(ScreeningGap.programme, ScreeningGap.village_code, ScreeningGap.gaps)
                                   .where(ScreeningGap.run_id == result.run_id)).all()
    groups = {(found.programme.id, village) for found in result.gaps for village in found.village_codes.tolist()}
    assert len(rows) == len(groups) < result.total_gaps
    assert {(programme, village) for programme, village, _ in rows} == groups
    assert all(count > 0 for *_, count in rows) and sum(count for *_, count in rows) == result.total_gaps


def test_bulk_frame_orders_households_by_village_and_persons_by_household(fake_services, random_registry):
    result = screen(fake_services, "all")

    frame = result.frame
    villages, households = frame.village_codes.tolist(), frame.household_ids.tolist()
    assert list(zip(villages, households)) == sorted(zip(villages, households))
    keys = list(zip(frame.columns.household.tolist(), frame.person_ids.tolist()))
    assert keys == sorted(keys)


# ---------------------------------------------------------------------------------------------
# The command

@pytest.fixture
def run_command(database_url, monkeypatch):
    from bot.commands import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["rights", "gaps", *args])
    return run


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_command_prints_the_gaps_as_csv_and_a_summary(fake_services, kalasin, run_command):
    result = run_command("--area", "4601", "--on", ON.isoformat())

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "programme,village_code,household_id,person_id,age,amount,period"
    rows = read_csv(result.stdout)
    assert {"programme": "old_age", "village_code": "46010105", "household_id": str(kalasin["grandpa_household"]),
            "person_id": str(kalasin["grandpa"]), "age": "72", "amount": "700", "period": "month"} in rows
    assert {"programme": "child_support", "village_code": "46010106",
            "household_id": str(kalasin["child_household"]), "person_id": str(kalasin["child"]), "age": "3",
            "amount": "600", "period": "month"} in rows
    gold = [row for row in rows if row["programme"] == "gold_card"]
    assert gold and all(row["amount"] == "" and row["period"] == "" for row in gold)
    assert not any(row["person_id"] == str(kalasin["elsewhere"]) for row in rows)
    assert "Screened 4601 (Mueang Kalasin) on 2026-11-25: 4 persons in 2 households" in result.stderr
    assert "old_age" in result.stderr and "Stored as screening run 1." in result.stderr
    assert "ทดสอบ" not in result.stdout  # no names
    with fake_services.uow() as uow:
        assert uow.session.scalar(select(func.sum(ScreeningGap.gaps))) == len(rows)


def test_the_command_filters_a_programme_writes_a_file_and_need_not_store(fake_services, kalasin, run_command,
                                                                         tmp_path):
    path = tmp_path / "gaps.csv"

    result = run_command("--area", "all", "--on", ON.isoformat(), "--programme", "old_age", "--no-store",
                         "--output", str(path))

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    rows = read_csv(path.read_text(encoding="utf-8"))
    assert sorted((row["person_id"], row["age"], row["amount"]) for row in rows) == sorted(
        [(str(kalasin["grandpa"]), "72", "700"), (str(kalasin["elsewhere"]), "75", "700")])
    assert "Not stored (--no-store)." in result.stderr
    with fake_services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ScreeningRun)) == 0


def test_the_command_judges_on_today_in_thailand_by_default(fake_services, kalasin, run_command):
    from datetime import datetime, timezone

    from casework.thai_time import thai_today

    result = run_command("--area", "4601", "--no-store")

    assert result.exit_code == 0, result.output
    assert f"Screened 4601 (Mueang Kalasin) on {thai_today(datetime.now(timezone.utc)).isoformat()}:" \
        in result.stderr


def test_a_household_programme_row_has_no_person_and_no_age(fake_services, run_command):
    household, _ = home(fake_services, "46010105", [Someone(aged(40), income=10_000)], group=1, housing="run_down")

    result = run_command("--area", "46010105", "--on", ON.isoformat(), "--programme", "housing_repair")

    assert read_csv(result.stdout) == [{"programme": "housing_repair", "village_code": "46010105",
                                        "household_id": str(household), "person_id": "", "age": "",
                                        "amount": "19000", "period": "house"}]


@pytest.mark.parametrize("args, message", [
    (["--area", "99"], "Invalid value for '--area': no province has the code 99"),
    (["--area", "46010199"], "Invalid value for '--area': no village has the code 46010199"),
    (["--area", "kalasin"], "Invalid value for '--area': 'kalasin' is not an area code"),
    (["--area", "46", "--programme", "lottery"], "Invalid value for '--programme': no programme 'lottery'"),
])
def test_the_command_refuses_an_unknown_area_or_programme(fake_services, run_command, args, message):
    result = run_command(*args)

    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_report_that_only_reads_reads_the_replica_when_there_is_one(fake_services, kalasin, run_command,
                                                                     monkeypatch, request, tmp_path):
    """DATABASE_REPLICA_URL: a report that stores nothing reads the replica (here an empty copy
    of the schema standing in for one that lags), one that stores reads and writes the primary."""
    import shutil

    replica = tmp_path / "replica.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), replica)
    monkeypatch.setenv("DATABASE_REPLICA_URL", f"sqlite:///{replica}")

    read_only = run_command("--area", "4601", "--on", ON.isoformat(), "--no-store")
    stored = run_command("--area", "4601", "--on", ON.isoformat())

    assert read_only.exit_code == 0 and stored.exit_code == 0, read_only.output + stored.output
    assert "0 persons in 0 households" in read_only.stderr
    assert "4 persons in 2 households" in stored.stderr
