"""``kaejon demo``: web, worker, clock and the LINE stand-in in one process, on 127.0.0.1 only."""
from __future__ import annotations

import signal
import threading

import click
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select
from werkzeug.serving import make_server

from bot import logs
from bot.app import create_app
from bot.bootstrap import Services, bootstrap
from bot.config import from_env
from bot.dev.demo.cast import load
from bot.dev.demo.richmenus import install as install_rich_menus
from bot.dev.demo.seed import seed
from bot.dev.standin.server import serve as serve_standin
from bot.clock import build_scheduler
from bot.worker import start_threads
from casework import migrate
from casework.crypto import Unreadable
from casework.models import Household
from casework.sealing import open_from

HOST = "127.0.0.1"


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _check_readable(services: Services, database_url: str) -> None:
    """A demo database written by an older Kaejon (other keys, another sealed format) cannot be
    read; say so instead of failing at the first chat."""
    with services.uow() as uow:
        household = uow.session.scalars(select(Household).order_by(Household.id).limit(1)).first()
        try:
            readable = household is None or open_from(uow.sealer, household, "address") is not None
        except Unreadable:
            readable = False
    if not readable:
        services.engine.dispose()
        raise click.ClickException(f"{database_url} was written by an older Kaejon and cannot be read; "
                                   "delete it and run `kaejon demo` again.")


def run_demo(*, port: int, database_url: str) -> None:
    logs.configure()
    standin = serve_standin(HOST, 0)
    for person in load().people:
        standin.add_profile(person.line_user_id, person.name)
    migrate.upgrade(database_url)
    settings = from_env(
        {"DATABASE_URL": database_url, "KAEJON_STANDIN_URL": standin.url, "PORT": str(port)}, demo=True
    )
    services = bootstrap(settings, pool_size=settings.send_threads + 4)
    _check_readable(services, database_url)
    seed(services, load())
    install_rich_menus(services, load())
    app = create_app(services=services)
    stop = threading.Event()
    workers = start_threads(services, stop)
    clock = build_scheduler(services, BackgroundScheduler(timezone="Asia/Bangkok"))
    clock.start()
    server = make_server(HOST, port, app, threaded=True)
    url = f"http://{HOST}:{server.server_port}/simulator"
    click.echo(f"Kaejon demo is running. Open the chat simulator: {url}")
    click.echo("Press Ctrl+C to stop.")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        clock.shutdown(wait=False)
        server.server_close()
        for thread in workers:
            thread.join(timeout=5)
        standin.stop()
        services.engine.dispose()
