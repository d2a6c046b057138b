"""``kaejon rules`` (check the welfare rules files) and ``kaejon rights`` (one person's or
household's answers from facts given here, a stored decision explained again; the
area's gaps are ``bot.commands.gaps``).

The answers are printed as JSON with the words a person would read, and kept as
decisions (channel "command") like every answer shown to someone. The commands act as
an operator through ``casework.usecases.rights``, judging by the rules loaded at start
(``KAEJON_RULES``, else the shipped ones) unless told to load another directory.
"""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click

from bot.commands.operator import as_operator
from bot.config import rules_directory
from casework.conditions import CHOICES
from casework.entitlements import rules as rules_files
from casework.entitlements.facts import RECEIVED, HouseholdRecord, PersonRecord
from casework.errors import Refused
from casework.rights_questions import CHILD_AGE
from casework.usecases import rights
from messages import rights as views
from messages.i18n import translator


@click.group("rules")
def rules_group() -> None:
    """The welfare rules files."""


@rules_group.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Also list the versions in force on this date (YYYY-MM-DD).")
def rules_check(directory: Path | None, day: object) -> None:
    """Load and validate every rules file in DIRECTORY (default: $KAEJON_RULES, else the ones shipped).

    It needs neither a database nor a secret, so that a release can check the rules
    before it migrates: the setting is read here, once, as ``kaejon db upgrade`` reads
    the database's.
    """
    try:
        loaded = rules_files.load(directory or rules_directory())
    except rules_files.RulesError as error:
        raise click.ClickException(str(error)) from None
    on = day.date() if day is not None else date.today()  # type: ignore[attr-defined]
    for programme in loaded.programmes:
        version = programme.version_on(on)
        periods = ", ".join(f"{v.label} from {v.start.isoformat()}" + (f" until {v.end.isoformat()}" if v.end else "")
                            for v in programme.versions)
        click.echo(f"{programme.id:15} {programme.entity:9} in force {on.isoformat()}: "
                   f"{version.label if version else '-':8} ({periods})")
    click.echo(f"{len(loaded.programmes)} programmes, all valid")


@click.group("rights")
def rights_group() -> None:
    """Welfare entitlements: one person's or household's answer, or an area's gaps."""


# Facts given on the command line ---------------------------------------------------------

PERSON_KEYS = {"age", "birth_day", "thai", "disability_card", "own_income_year", "receives", "in_basic_school"}
HOUSEHOLD_KEYS = {"size", "income_year", "income_per_person_year", "savings", "housing_condition", "poverty_group"}


class FactsError(ValueError):
    """The facts file is wrong; the message says where."""


def _number(value: Any, where: str, *, low: float = 0, high: float = 1e9) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise FactsError(f"{where} must be a number from {low:,.0f} to {high:,.0f}")
    return float(value)


def _yes_no(value: Any, where: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise FactsError(f"{where} must be true, false or null")
    return value


def _codes(value: Any, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or any(code not in RECEIVED for code in value):
        raise FactsError(f"{where} must be a list of welfare codes ({', '.join(RECEIVED)})")
    return tuple(value)


def person_from(raw: Any, index: int) -> PersonRecord:
    where = f"persons[{index}]"
    if not isinstance(raw, dict):
        raise FactsError(f"{where} must be an object")
    unknown = set(raw) - PERSON_KEYS
    if unknown:
        raise FactsError(f"{where}: unknown keys {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(sorted(PERSON_KEYS))})")
    born = raw.get("birth_day")
    if born is not None:
        try:
            born = date.fromisoformat(born)
        except (TypeError, ValueError):
            raise FactsError(f"{where}.birth_day must be a date written YYYY-MM-DD") from None
    return PersonRecord(household=0, birth_day=born, age=_number(raw.get("age"), f"{where}.age", high=130),
                        thai=_yes_no(raw.get("thai"), f"{where}.thai"),
                        disability_card=_yes_no(raw.get("disability_card"), f"{where}.disability_card"),
                        own_income_year=_number(raw.get("own_income_year"), f"{where}.own_income_year"),
                        welfare=_codes(raw.get("receives"), f"{where}.receives"),
                        in_basic_school=_yes_no(raw.get("in_basic_school"), f"{where}.in_basic_school"))


def household_from(raw: Any, persons: int) -> HouseholdRecord:
    if raw is None:
        return HouseholdRecord()
    if not isinstance(raw, dict):
        raise FactsError("household must be an object")
    unknown = set(raw) - HOUSEHOLD_KEYS
    if unknown:
        raise FactsError(f"household: unknown keys {', '.join(sorted(unknown))} "
                         f"(known: {', '.join(sorted(HOUSEHOLD_KEYS))})")
    size = _number(raw.get("size"), "household.size", low=1, high=100)
    if size is not None and size < persons:
        raise FactsError(f"household.size is {size:.0f} but {persons} persons are given")
    income = _number(raw.get("income_year"), "household.income_year")
    per_person = _number(raw.get("income_per_person_year"), "household.income_per_person_year")
    if income is not None and per_person is not None:
        raise FactsError("give household.income_year or household.income_per_person_year, not both")
    if per_person is not None:
        income = per_person * (size or persons)
    condition = raw.get("housing_condition")
    if condition is not None and condition not in CHOICES["housing_condition"][1]:
        raise FactsError(f"household.housing_condition must be one of {', '.join(CHOICES['housing_condition'][1])}")
    group = _number(raw.get("poverty_group"), "household.poverty_group", low=1, high=4)
    return HouseholdRecord(savings=_number(raw.get("savings"), "household.savings"), housing_condition=condition,
                           poverty_group=None if group is None else int(group),
                           size=None if size is None else int(size), income_year=income)


def facts_from(data: Any) -> tuple[list[PersonRecord], HouseholdRecord]:
    """``{"persons": [{...}], "household": {...}}`` as records."""
    if not isinstance(data, dict) or set(data) - {"persons", "household"}:
        raise FactsError('the file must be an object with "persons" (a list) and optionally "household"')
    raw_persons = data.get("persons")
    if not isinstance(raw_persons, list) or not raw_persons:
        raise FactsError('"persons" must be a list of at least one person')
    persons = [person_from(raw, index) for index, raw in enumerate(raw_persons)]
    return persons, household_from(data.get("household"), len(persons))


def _options_facts(age: float | None, disability_card: bool | None, thai: bool | None, income_year: int | None,
                   per_person: int | None, size: int | None, children: int, receives: tuple[str, ...],
                   savings: int | None) -> tuple[list[PersonRecord], HouseholdRecord]:
    codes = receives or None
    persons = [PersonRecord(household=0, age=age, thai=thai, disability_card=disability_card,
                            own_income_year=None if income_year is None else float(income_year),
                            welfare=tuple(code for code in codes if code != "child_support") if codes else None)]
    persons += [PersonRecord(household=0, age=CHILD_AGE, thai=thai,
                             welfare=("child_support",) if codes and "child_support" in codes else None)
                for _ in range(children)]
    if size is not None and size < len(persons):
        raise FactsError(f"--household-size {size} is less than the {len(persons)} persons given")
    income = None if per_person is None else float(per_person) * (size or len(persons))
    return persons, HouseholdRecord(size=size, income_year=income, savings=savings)


def _printed(value: dict[str, Any]) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.command("check")
@click.option("--age", type=click.FloatRange(0, 130), default=None, help="Age in years.")
@click.option("--disability-card/--no-disability-card", default=None, help="Holds a disability ID card (or not).")
@click.option("--thai/--no-thai", default=None, help="Thai nationality (or not); unknown if left out.")
@click.option("--income-year", type=click.IntRange(0), default=None, help="The person's own income, baht a year.")
@click.option("--household-income-per-person", type=click.IntRange(0), default=None,
              help="Household income, baht per person a year.")
@click.option("--household-size", type=click.IntRange(1, 100), default=None, help="People in the household.")
@click.option("--children-under-6", type=click.IntRange(0, 20), default=0, show_default=True,
              help="Children under 6 in the household (each judged for child support).")
@click.option("--savings", type=click.IntRange(0), default=None, help="Household savings, baht.")
@click.option("--receives", multiple=True, type=click.Choice(RECEIVED),
              help="A programme or scheme already received (repeat the option for several).")
@click.option("--facts", "facts_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help='Facts as JSON instead: {"persons": [{"age": 72, ...}], "household": {"size": 3, ...}}.')
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Judge by the rules in force on this date (YYYY-MM-DD; default today in Thailand).")
@click.option("--language", type=click.Choice(["th", "en"]), default="th", show_default=True)
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Rules directory (default: KAEJON_RULES, else the shipped rules).")
def check(age: float | None, disability_card: bool | None, thai: bool | None, income_year: int | None,
          household_income_per_person: int | None, household_size: int | None, children_under_6: int,
          savings: int | None, receives: tuple[str, ...], facts_file: Path | None, day: Any, language: str,
          rules_dir: str | None) -> None:
    """One person's or household's welfare answers as JSON: status, amount, rule version,
    each condition in words, what is missing and the next step. Kept as decisions."""
    given = any(value is not None for value in (age, disability_card, thai, income_year, household_income_per_person,
                                                household_size, savings)) or children_under_6 or receives
    try:
        if facts_file is not None:
            if given:
                raise FactsError("give facts as options or in --facts FILE, not both")
            try:
                data = json.loads(facts_file.read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                raise FactsError(f"not valid JSON: line {error.lineno}: {error.msg}") from None
            persons, household = facts_from(data)
        else:
            persons, household = _options_facts(age, disability_card, thai, income_year, household_income_per_person,
                                                household_size, children_under_6, receives, savings)
    except FactsError as error:
        raise click.ClickException(f"{facts_file or 'facts'}: {error}") from None
    try:
        other_rules = rules_files.default(rules_dir) if rules_dir else None
    except rules_files.RulesError as error:
        raise click.ClickException(str(error)) from None
    with as_operator() as (uow, env, actor):
        found = rights.check(env if other_rules is None else replace(env, rules=other_rules), actor, persons,
                             household, day.date() if day is not None else None)
        uow.commit()
    tr = translator(language)
    output = []
    for shown in found.shown:
        answer = shown.answer
        entry = views.explained(tr, language, answer)
        entry["subject"] = "household" if answer.programme.entity == "household" else f"person {answer.row + 1}"
        entry["decision"] = shown.decision_id
        output.append(entry)
    _printed({"on": found.on.isoformat(), "language": language, "answers": output})


@click.command("explain")
@click.argument("decision_id", type=click.IntRange(1))
@click.option("--language", type=click.Choice(["th", "en"]), default="th", show_default=True)
def explain(decision_id: int, language: str) -> None:
    """Explain a stored decision again, by the rule version and inputs kept with it, even
    when the rules in force have changed since; printed as JSON like ``rights check``."""
    with as_operator() as (_uow, env, actor):
        try:
            explained = rights.explain(env, actor, decision_id)
        except Refused:
            raise click.ClickException(f"no decision {decision_id}") from None
    if explained.answer is None:
        raise click.ClickException(f"programme {explained.programme} is no longer in the rules")
    entry = views.explained(translator(language), language, explained.answer)
    entry.update(decision=explained.decision_id, evaluated_on=explained.evaluated_on.isoformat(),
                 channel=explained.channel, shown_at=explained.shown_at.isoformat(),
                 stored_status=explained.stored_status, stored_amount=explained.stored_amount,
                 rule_changed_since=explained.rule_changed_since)
    _printed(entry)
