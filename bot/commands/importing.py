"""``kaejon import households FILE``: survey lists into the household registry.

Importing needs only the database and the sealing key, not the LINE channel; it runs
as the operator (``bot.commands.operator``), whom the audit log names.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.commands.operator import admin_services, operator
from messages.i18n import DEFAULT_LANGUAGE, translator

if TYPE_CHECKING:
    from casework.importing import Progress, Summary


@click.group("import")
def import_group() -> None:
    """Bring survey lists into the household registry."""


@import_group.command("households")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to list the rejected rows (default: FILE's name + .rejects.csv, beside it).")
@click.option("--sheet", help="The XLSX sheet to read (default: the first).")
@click.option("--dry-run", is_flag=True, help="Check and count everything, store nothing.")
def households(file: Path, rejects_path: Path | None, sheet: str | None, dry_run: bool) -> None:
    """Import FILE (CSV or XLSX, one row per person) into the household registry.

    Columns and accepted values: docs/import-format.md. Rows with a problem are
    listed with the reason in the rejects file and nothing of them is stored;
    the other rows are. Importing the same file again changes nothing.
    """
    from sqlalchemy import inspect

    from casework import importing
    from casework.usecases import imports

    services = admin_services()
    try:
        if not inspect(services.engine).has_table("persons"):
            raise click.ClickException("the database has no registry tables; run `kaejon db upgrade` first")
        if sys.stderr.isatty():
            click.echo(f"Reading and checking {file.name} ...", err=True)
        with services.uow() as uow, _progress_bar() as progress:
            summary = imports.households(services.env(uow), operator(), file, units=services.uow,
                                         rejects_path=rejects_path, sheet=sheet, dry_run=dry_run, progress=progress)
    except importing.FileRefused as error:
        raise click.ClickException(error.translated(translator(DEFAULT_LANGUAGE).gettext)) from None
    except importing.FileError as error:
        raise click.ClickException(str(error)) from None
    finally:
        services.engine.dispose()
    click.echo(describe(summary))


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A bar on stderr while rows are stored, only when someone is watching."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None
    shown = 0

    def progress(done: int, total: int) -> None:
        nonlocal bar, shown
        if bar is None:
            bar = click.progressbar(length=total, label="Storing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def describe(summary: Summary) -> str:
    """The summary people read at the end: counts first, then what was left out and why."""
    lines = [f"{'Checked (dry run, nothing stored)' if summary.dry_run else 'Imported'} {summary.source}"]
    lines.append(f"  read as              {summary.kind}")
    lines.append(f"  rows read            {summary.rows_read:,}")
    lines.append(f"  households           {summary.households_created:,} created, "
                 f"{summary.households_updated:,} updated, {summary.households_unchanged:,} unchanged")
    moved = f" ({summary.persons_moved:,} moved house)" if summary.persons_moved else ""
    lines.append(f"  persons              {summary.persons_created:,} created, {summary.persons_updated:,} updated"
                 f"{moved}, {summary.persons_unchanged:,} unchanged")
    if summary.villages_created:
        lines.append(f"  villages             {summary.villages_created:,} new")
    lines.append(f"  rejected             {summary.rejected:,} rows"
                 + (f", listed with reasons in {summary.rejects_path}" if summary.rejected else ""))
    if summary.reasons:
        common = ", ".join(f"{reason} {count:,}" for reason, count in summary.reasons.most_common(5))
        lines.append(f"                       most often: {common}")
    if summary.sensitive_columns or summary.sensitive_values:
        what = ", ".join(summary.sensitive_columns) or "none"
        lines.append(f"  ignored (sensitive)  columns: {what}"
                     + (f"; {summary.sensitive_values:,} 'disability' welfare codes" if summary.sensitive_values
                        else ""))
        lines.append("                       health and disability data need the person's explicit consent "
                     "(PDPA) and are never imported")
    if summary.unknown_columns:
        lines.append(f"  ignored (unknown)    columns: {', '.join(summary.unknown_columns)}")
    rate = f" ({summary.rows_read / summary.seconds:,.0f} rows/s)" if summary.seconds else ""
    lines.append(f"  elapsed              {summary.seconds:.1f} s{rate}")
    return "\n".join(lines)
