"""``kaejon rules`` (check the welfare rules files) and ``kaejon rights`` (answers and gaps)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bot.config import rules_directory

from casework.entitlements import rules as rules_files


@click.group("rules")
def rules_group() -> None:
    """The welfare rules files."""


@rules_group.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Also list the versions in force on this date (YYYY-MM-DD).")
def rules_check(directory: Path | None, day: object) -> None:
    """Load and validate every rules file in DIRECTORY (default: $KAEJON_RULES, else the ones shipped)."""
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
