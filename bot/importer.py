"""``kaejon import households FILE``: survey lists into the registry (being built)."""
from __future__ import annotations

import click


@click.group("import")
def import_group() -> None:
    """Bring survey lists into the household registry."""
