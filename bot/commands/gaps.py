"""``kaejon rights gaps``: an area's "eligible but not receiving" gaps as CSV.

The CSV holds the least that lets a coordinator act: programme, village, household
and person ids, age, amount and period; no names or citizen IDs (they look people up
in chat). The summary goes to stderr so the CSV can be piped. The run is
``casework.usecases.screening.gaps``, as an operator, by the rules loaded at start.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from bot.commands.operator import as_operator
from casework.entitlements.screening import ScreeningResult, UnknownArea, UnknownProgramme
from casework.spreadsheets import csv_writer
from casework.usecases import screening

COLUMNS = ("programme", "village_code", "household_id", "person_id", "age", "amount", "period")


def gaps_csv(result: ScreeningResult, out: IO[str]) -> int:
    """Write one row per gap of a ``screening.ScreeningResult``, programmes in the rules'
    order, each in village, household and person order; returns the rows written."""
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    written = 0
    for found in result.gaps:
        if not found.count:
            continue
        count = found.count
        people = found.person_ids.tolist() if found.person_ids is not None else [""] * count
        ages = [_whole(age) for age in found.ages.tolist()] if found.ages is not None else [""] * count
        amounts = [_whole(amount) for amount in found.amounts.tolist()]
        programme, period = found.programme.id, found.period or ""
        writer.writerows(zip([programme] * count, found.village_codes.tolist(), found.household_ids.tolist(),
                             people, ages, amounts, [period] * count))
        written += count
    return written


def _whole(value: float) -> int | str:
    return "" if value != value else int(value)  # NaN: not known, or no amount (a service)


def describe(result: ScreeningResult, area: str) -> str:
    """The summary an operator reads on stderr."""
    lines = [f"Screened {area} on {result.on.isoformat()}: {result.persons:,} persons in "
             f"{result.households:,} households"]
    width = max([len(found.programme.id) for found in result.gaps] + [5])
    for found in result.gaps:
        lines.append(f"  {found.programme.id:{width}}  {found.count:>10,} gaps")
    lines.append(f"  {'total':{width}}  {result.total_gaps:>10,} gaps")
    if result.run_id is not None:
        lines.append(f"Stored as screening run {result.run_id}.")
    else:
        lines.append("Not stored (--no-store).")
    stages = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in result.seconds.items())
    lines.append(f"Seconds: {stages}")
    return "\n".join(lines)


@click.command("gaps")
@click.option("--area", "area_code", required=True,
              help="Province (2 digits), district (4), sub-district (6) or village (8) code, "
                   "or 'all' (or empty) for the whole registry.")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Judge by the rules in force on this date, ages on this date (default: today in Thailand).")
@click.option("--programme", "programme_id", default=None, help="Only this programme (its id, e.g. old_age).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write the CSV to FILE instead of stdout.")
@click.option("--store/--no-store", default=True, show_default=True,
              help="Keep the run and its gaps in the database (screening_runs, screening_gaps).")
def gaps(area_code: str, day: object, programme_id: str | None, output: Path | None, store: bool) -> None:
    """List every "eligible but not receiving" gap in an area as CSV, one row per gap."""
    on = day.date() if day is not None else None  # type: ignore[attr-defined]
    with as_operator(read_only=not store) as (uow, env, actor):
        try:
            found = screening.gaps(env, actor, area_code, on, store=store, programme=programme_id)
        except UnknownArea as error:
            raise click.BadParameter(str(error), param_hint="'--area'") from None
        except UnknownProgramme as error:
            raise click.BadParameter(str(error), param_hint="'--programme'") from None
        if store:
            uow.commit()
    result = found.result
    if output is not None:
        with output.open("w", encoding="utf-8", newline="") as handle:
            rows = gaps_csv(result, handle)
    else:
        rows = gaps_csv(result, sys.stdout)
        sys.stdout.flush()
    click.echo(describe(result, found.area), err=True)
    if output is not None:
        click.echo(f"{rows:,} rows written to {output}", err=True)
