"""What a command that reads or changes the registry runs with: the services built at
start (the database, the sealing key, the deployment's rules; no LINE channel), one
unit of work, and the operator at the keyboard as the actor the use cases authorize
and the audit log names (``cli:<user>``)."""
from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import click

from bot.bootstrap import Services, bootstrap
from bot.config import ConfigError, for_admin
from casework import actors, migrate
from casework.actors import Actor
from casework.unit_of_work import UnitOfWork
from casework.usecases.base import Env


def admin_services() -> Services:
    """The services, once the settings are right and the database is at this version's schema;
    otherwise one line saying what to do."""
    try:
        services = bootstrap(for_admin(), transports={})
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    if not migrate.is_current(services.engine):
        services.engine.dispose()
        raise click.ClickException("the database is not at this version's schema: run `kaejon db upgrade` first")
    return services


def operator() -> Actor:
    return actors.at_keyboard(getpass.getuser())


@contextmanager
def as_operator(*, read_only: bool = False) -> Iterator[tuple[UnitOfWork, Env, Actor]]:
    """A unit of work for one command, the Env its use cases run in, and the operator;
    the database connections are let go afterwards. Nothing is kept unless the command
    commits. A ``read_only`` report reads from ``DATABASE_REPLICA_URL`` when it is set."""
    services = admin_services()
    try:
        with services.read_uow() if read_only else services.uow() as uow:
            yield uow, services.env(uow), operator()
    finally:
        services.dispose()
