"""The ``kaejon`` command: Flask's CLI group plus Kaejon's own commands."""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from bot.commands import admin
from bot.config import ConfigError, database_url, from_env
from bot.commands.importing import import_group
from bot.commands.keys import keys_group
from bot.commands.richmenu import richmenu_group
from bot.commands.rights import rights_group, rules_group
from bot.commands.rights import check as rights_check
from bot.commands.rights import explain as rights_explain
from bot.commands.gaps import gaps as rights_gaps
from bot.commands.digests import digest_group
from bot.commands.operations import erase_household, failures, requeue_group, retention_group


def _create_app():  # type: ignore[no-untyped-def]
    """The app for Flask's own commands (run, shell, routes); they need the secrets."""
    from flask.cli import NoAppException

    from bot.app import create_app

    try:
        return create_app()
    except ConfigError as error:
        raise NoAppException(str(error)) from None


def _settings(demo: bool | None = None):  # type: ignore[no-untyped-def]
    """Settings for a process that talks to LINE; ``main`` reports a ``ConfigError``."""
    return from_env(demo=demo)


class KaejonGroup(FlaskGroup):
    """Flask's group without loading the app to list commands: the app adds none of its own,
    and loading it needs the secrets, so ``kaejon --help`` on a fresh machine printed an error."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return sorted(click.Group.list_commands(self, ctx))


@click.group(cls=KaejonGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Kaejon: LINE case management for area-based poverty alleviation."""


@cli.group(cls=click.Group)
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database at DATABASE_URL up to REVISION (default: the newest)."""
    from bot.logs import configure
    from casework import migrate

    configure()
    migrate.upgrade(database_url(), revision)


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION."""
    from casework import migrate

    migrate.downgrade(database_url(), revision)


@db.command("current")
def db_current() -> None:
    """Show the database's migration revision."""
    from casework import migrate

    migrate.current(database_url())


@cli.command(with_appcontext=False)
def worker() -> None:
    """Handle stored webhook events and send the outbox until SIGTERM."""
    from bot import logs
    from bot import worker as worker_module
    from bot.bootstrap import bootstrap

    logs.configure()
    settings = _settings()
    worker_module.run(bootstrap(settings, pool_size=settings.send_threads + 3))


@cli.command(with_appcontext=False)
def clock() -> None:
    """Run scheduled jobs (digests, housekeeping) until SIGTERM. Run exactly one (see README)."""
    from bot import clock as clock_module
    from bot import logs
    from bot.bootstrap import bootstrap

    logs.configure()
    clock_module.run(bootstrap(_settings()))


@cli.command(with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=int)
@click.option("--token", default=None, help="Access token the stand-in demands (default: any).")
def standin(host: str, port: int, token: str | None) -> None:
    """Run the local stand-in of the LINE Messaging API (for tests and staging)."""
    from bot.dev.standin.__main__ import main as standin_main

    args = ["--host", host, "--port", str(port)] + (["--token", token] if token else [])
    standin_main(args)


@cli.command(with_appcontext=False)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT")
@click.option("--database", default="sqlite:///kaejon-demo.db", show_default=True,
              help="Database for the demo (a SQLite file by default).")
def demo(port: int, database: str) -> None:
    """Start web, worker and the LINE stand-in with demo data; open the simulator."""
    from bot.dev.demo.run import run_demo

    run_demo(port=port, database_url=database)


cli.add_command(digest_group)


@cli.command("how-to-use", with_appcontext=False)
@click.option("--language", default="th", show_default=True, help="Language code of a catalog in locales/.")
def how_to_use(language: str) -> None:
    """What an operator does here, in the words the chat would use."""
    from messages.i18n import translator
    from messages.menu import how_to_use as words

    click.echo(words(translator(language), ("operator",)))


cli.add_command(import_group)
cli.add_command(keys_group)
cli.add_command(richmenu_group)
cli.add_command(rules_group)
cli.add_command(rights_group)
rights_group.add_command(rights_check)
rights_group.add_command(rights_explain)
rights_group.add_command(rights_gaps)
cli.add_command(admin.invite)
cli.add_command(admin.village)
cli.add_command(admin.agency)
cli.add_command(failures)
cli.add_command(requeue_group)
cli.add_command(retention_group)
cli.add_command(erase_household)


def main() -> None:
    try:
        cli.main(prog_name="kaejon")
    except ConfigError as error:
        sys.stderr.write(f"kaejon: {error}\n")
        sys.exit(1)
