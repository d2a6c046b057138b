"""``kaejon richmenu sync``: create or replace the rich menu of every role on LINE."""
from __future__ import annotations

import click


@click.group("richmenu")
def richmenu_group() -> None:
    """LINE rich menus, one per role."""


@richmenu_group.command("sync")
def sync_command() -> None:
    """Create or replace the rich menu of every role in every language on LINE; unchanged menus are left alone."""
    from linebot.v3.messaging.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    from bot import logs
    from bot.bootstrap import bootstrap
    from bot.config import from_env
    from bot.line import api as line_api
    from bot.line.richmenu import RichMenuSync

    logs.configure()
    settings = from_env()
    services = bootstrap(settings, transports={})
    sync = RichMenuSync(
        services, line_api.messaging_api(settings), line_api.messaging_blob_api(settings), line_api.timeout(settings)
    )
    try:
        results = sync.run()
    except ApiException as error:
        raise click.ClickException(f"LINE answered {error.status}: {error.body or error.reason}") from None
    except HTTPError as error:
        raise click.ClickException(f"LINE could not be reached: {type(error).__name__}") from None
    finally:
        services.engine.dispose()
    for result in results:
        click.echo(f"{result.key}: {result.status} ({result.rich_menu_id})")
