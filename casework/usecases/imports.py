"""Survey lists into the registry, by an operator at the command line."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casework import authorization, importing
from casework.authorization import Actor
from casework.importing import Progress, Summary
from casework.unit_of_work import UnitOfWork
from casework.usecases.base import Env, allow, use_case


@use_case
def households(env: Env, actor: Actor, path: Path, *, units: Callable[[], UnitOfWork],
               rejects_path: Path | None = None, sheet: str | None = None, dry_run: bool = False,
               progress: Progress | None = None) -> Summary:
    """Import a survey list (``casework.importing``). It is stored in one unit of work from
    ``units``, so an import that fails half-way leaves nothing; ``env`` gives the sealer
    and the moment. The audit log names the operator."""
    allow(authorization.can_administer(actor), "no_role")
    return importing.import_households(path, uow=units, sealer=env.sealer, now=env.now, rejects_path=rejects_path,
                                       sheet=sheet, dry_run=dry_run, progress=progress, by=actor.label)
