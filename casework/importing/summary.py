"""What an import did (or, in a dry run, would do), and the rows it rejected."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Reject:
    row: int
    columns: str
    reasons: str
    message: str
    cells: list[str]


@dataclass
class Summary:
    """What an import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    kind: str = ""
    rows_read: int = 0
    rejected: int = 0
    rejects_path: Path | None = None
    reasons: Counter[str] = field(default_factory=Counter)
    villages_created: int = 0
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_unchanged: int = 0
    persons_moved: int = 0
    sensitive_columns: tuple[str, ...] = ()
    sensitive_values: int = 0  # welfare codes dropped because they reveal a disability
    unknown_columns: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected


Progress = Callable[[int, int], None]  # (rows stored so far, rows to store)
