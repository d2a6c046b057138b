"""``kaejon richmenu sync``: one LINE rich menu per role (being built)."""
from __future__ import annotations

import click


@click.group("richmenu")
def richmenu_group() -> None:
    """LINE rich menus, one per role."""
