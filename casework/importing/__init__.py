"""Survey lists into the household registry: read a CSV or XLSX file, check every row,
store the good rows in bulk, list the rejected ones with their reasons.

One row is one person; rows with the same village code and house number are one
household. A file is read and checked completely before anything is stored, so a
file that cannot be read (or is refused by the limits in ``reading``) stores nothing.
Storing then goes in batches within one transaction: an import that fails half-way
leaves nothing, and running it again is safe because importing is idempotent (persons
are found by their citizen ID's look-up hash, households by their address key).

The package: ``columns`` (the vocabulary, as data, and matching headers), ``reading``
(CSV and XLSX), ``rows`` (checking one row), ``storing`` (bulk SQL), ``summary``; this
module runs an import from one to the other.

Health and disability data are sensitive under the PDPA and need explicit consent,
which a survey list does not carry: such columns are recognised, never stored, and
counted in the summary.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from casework.crypto import Sealer
from casework.importing.columns import FIELDS, HEADERS, RELATIONS, REQUIRED, SEXES, map_header
from casework.importing.problems import REASONS, FileError, FileRefused, RowError, RowRejected
from casework.importing.reading import detect_encoding, open_table
from casework.importing.rows import mask_citizen_id, validate_row
from casework.importing.storing import BATCH_PERSONS, HouseholdPlan, Store
from casework.importing.summary import Progress, Reject, Summary
from casework.registry import address_key
from casework.spreadsheets import csv_writer
from casework.thai_time import thai_today
from casework.unit_of_work import UnitOfWork

__all__ = ["FIELDS", "HEADERS", "REASONS", "RELATIONS", "REQUIRED", "SEXES", "FileError", "FileRefused", "Progress",
           "RowError", "RowRejected", "Summary", "detect_encoding", "import_households", "map_header", "mask_citizen_id",
           "open_table", "validate_row"]


def import_households(
    path: Path,
    *,
    uow: Callable[[], UnitOfWork],
    sealer: Sealer,
    now: datetime,
    rejects_path: Path | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    by: str | None = None,
) -> Summary:
    """Read, check and store one survey list; write the rejected rows beside it.

    ``uow`` makes a unit of work (``Services.uow``; the import uses one) and ``sealer`` is
    the same sealer (needed before any transaction, for address keys); with ``dry_run``
    the transaction is rolled back, so the summary tells what an import would do. The
    audit log names the file, and ``by`` (the operator) when given.
    """
    with _collector_paused():
        return _import(path, uow=uow, sealer=sealer, now=now, rejects_path=rejects_path, sheet=sheet,
                       dry_run=dry_run, progress=progress, by=by)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """An import makes a few hundred thousand small objects that all live to its end;
    the cyclic garbage collector would walk them again and again, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(path: Path, *, uow: Callable[[], UnitOfWork], sealer: Sealer, now: datetime, rejects_path: Path | None,
            sheet: str | None, dry_run: bool, progress: Progress | None, by: str | None) -> Summary:
    started = time.monotonic()
    path = Path(path)
    rejects_path = rejects_path or path.with_name(f"{path.stem}.rejects.csv")
    if rejects_path.resolve() == path.resolve():
        raise FileError("the rejects file cannot be the file being imported")
    summary = Summary(source=path.name, dry_run=dry_run, rejects_path=rejects_path)
    today = thai_today(now)
    plans, header, rejects = _read(path, sheet, today, sealer, summary)
    _write_rejects(rejects_path, header, rejects)
    actor = f"{by + ' ' if by else ''}import:{path.name}"[:64]
    with uow() as work:  # one transaction: an import that fails half-way leaves nothing
        store = Store(work=work, now=now, actor=actor, summary=summary)
        store.villages(sorted({plan.village_code for plan in plans.values()}))
        total, done, size = summary.accepted, 0, 0
        batch: list[HouseholdPlan] = []
        for plan in plans.values():
            batch.append(plan)
            size += len(plan.members)
            if size >= BATCH_PERSONS:
                done += store.batch(batch)
                batch, size = [], 0
                if progress:
                    progress(done, total)
        if batch:
            done += store.batch(batch)
        if not dry_run:
            work.commit()
    if progress:
        progress(done, total)
    summary.seconds = time.monotonic() - started
    return summary


def _read(path: Path, sheet: str | None, today: date, sealer: Sealer, summary: Summary
          ) -> tuple[dict[str, HouseholdPlan], list[str], list[Reject]]:
    """Households to store, the header the rejects file repeats, and the rejected rows."""
    plans: dict[str, HouseholdPlan] = {}
    rejects: list[Reject] = []
    first_row_of: dict[str, int] = {}
    with open_table(path, sheet) as table:
        columns = table.columns
        summary.kind = table.kind
        summary.sensitive_columns = columns.sensitive
        summary.unknown_columns = columns.unknown
        # the rejects file repeats the row without its health and disability cells
        kept = [position for position, cell in enumerate(table.header) if cell not in columns.sensitive]
        header = [table.header[position] or f"column {position + 1}" for position in kept]
        id_position = columns.index["citizen_id"]
        for number, cells in table.rows:
            if not any(cell and not cell.isspace() for cell in cells):
                continue
            summary.rows_read += 1
            values = {name: cells[position] if position < len(cells) else ""
                      for name, position in columns.index.items()}
            try:
                person = validate_row(number, values, today)
                earlier = first_row_of.get(person.citizen_id)
                if earlier is not None:
                    raise RowRejected([RowError("citizen_id", "duplicate_citizen_id", str(earlier))])
            except RowRejected as rejected:
                shown = [cells[position] if position < len(cells) else "" for position in kept]
                if id_position in kept and id_position < len(cells):
                    shown[kept.index(id_position)] = mask_citizen_id(cells[id_position])
                rejects.append(Reject(number, rejected.columns, rejected.reasons, str(rejected), shown))
                summary.reasons.update(error.reason for error in rejected.errors)
                continue
            first_row_of[person.citizen_id] = number
            summary.sensitive_values += person.sensitive_welfare
            key = address_key(sealer, person.village_code, person.house_no)
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = HouseholdPlan(key, person.village_code, person.house_no)
            plan.members.append(person)
    summary.rejected = len(rejects)
    for plan in plans.values():
        plan.settle()
    return plans, header, rejects


def _write_rejects(path: Path, header: list[str], rejects: list[Reject]) -> None:
    """Always written (only a header when nothing was rejected), so an old list never
    passes for this run's; UTF-8 with a byte-order mark, which Excel needs for Thai. The
    cells are the file's own, so a hostile one is neutralised (``casework.spreadsheets``)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(["row", "column", "reason_code", "reason", *header])
        for reject in rejects:
            writer.writerow([reject.row, reject.columns, reject.reasons, reject.message, *reject.cells])
