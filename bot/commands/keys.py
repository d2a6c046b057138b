"""``kaejon keys``: make a new key; re-seal and re-hash everything with the current keys."""
from __future__ import annotations

import base64
import getpass
import os

import click

from casework.crypto import KEY_BYTES


@click.group("keys")
def keys_group() -> None:
    """Sealing and lookup keys (docs/keys.md)."""


@keys_group.command("new")
@click.option("--id", "key_id", default=None, help="The key id (default: a random one).")
def new(key_id: str | None) -> None:
    """Print a fresh random key as id:key, for KAEJON_SECRET_KEYS or KAEJON_LOOKUP_KEYS."""
    key_id = key_id or os.urandom(4).hex()
    click.echo(f"{key_id}:{base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip('=')}")


@keys_group.command("rotate")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows per transaction.")
def rotate(batch: int) -> None:
    """Re-seal every sealed value with the first key of KAEJON_SECRET_KEYS and re-hash every lookup
    hash with the first key of KAEJON_LOOKUP_KEYS; safe while the service runs, safe to rerun."""
    from bot.commands.operator import admin_services
    from casework import rotation

    services = admin_services()
    try:
        click.echo(f"sealing with key {services.sealer.current_key_id}, "
                   f"lookup hashes with key {services.sealer.current_lookup_id}")
        unreadable: list[str] = []
        done = None
        for progress in rotation.rotate(services.session_factory, services.sealer, batch=batch,
                                        actor=f"cli:{getpass.getuser()}", now=services.clock):
            if done is not None and done.table != progress.table:
                unreadable += done.unreadable
            done = progress
            click.echo(f"{progress.table}: {progress.checked} rows checked, {progress.resealed} re-sealed, "
                       f"{progress.rehashed} re-hashed, {progress.changed_meanwhile} changed meanwhile")
        unreadable += done.unreadable if done else []
        for line in unreadable:
            click.echo(f"unreadable: {line}", err=True)
        click.echo("done" if not unreadable else f"done; {len(unreadable)} values no key opens (see above)")
    finally:
        services.engine.dispose()
