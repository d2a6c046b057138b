"""Administration from the command line (the admin role has no chat): invites,
villages and agencies, through the same use cases as the chat, with the operator as
the actor (and in the audit log)."""
from __future__ import annotations

from pathlib import Path

import click

from bot.commands.operator import as_operator
from casework import accounts
from casework import agencies as agencies_domain
from casework.errors import Refused
from casework.usecases import agencies, invites, villages


@click.command("invite")
@click.option("--role", required=True, type=click.Choice(accounts.STAFF_ROLES))
@click.option("--area", "area_code", required=True, help="Village (8 digits), sub-district (6), district (4) "
              "or province (2) code, as the role allows.")
@click.option("--name", required=True, help="The person's name, as colleagues will see it.")
@click.option("--agency", "agency_code", default=None, help="Agency code (for agency staff).")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 30), help="Days the code stays valid.")
@click.option("--supervisor", is_flag=True, help="Agency staff who are also told of its overdue referrals.")
def invite(role: str, area_code: str, name: str, agency_code: str | None, days: int, supervisor: bool) -> None:
    """Make a one-time invite code that grants ROLE over an area when sent in chat."""
    if supervisor and role != "agency":
        raise click.ClickException("--supervisor is for agency staff (--role agency)")
    with as_operator() as (uow, env, actor):
        try:
            code = invites.create(env, actor, role, area_code, name, agency_code=agency_code, days=days,
                                  supervisor=supervisor)
        except accounts.InviteError as error:
            raise click.ClickException(INVITE_ERRORS.get(error.reason, error.reason)) from None
        uow.commit()
    click.echo(f"Invite for {name} ({role}, {area_code}), valid {days} days. Send this code in the Kaejon chat:")
    click.echo(code)


INVITE_ERRORS = {
    "bad_area": "unknown area code, or the wrong level for this role "
                "(leader: village or sub-district; coordinator: sub-district, district or province)",
    "no_agency": "agency staff need --agency with a known agency code (kaejon agency add)",
    "bad_role": "unknown role",
}


@click.group("village")
def village() -> None:
    """Villages (muban) under the sub-districts geothai knows."""


@village.command("add")
@click.argument("code")
@click.option("--name", default="", help="The village's name.")
def village_add(code: str, name: str) -> None:
    """Add village CODE (8 digits: sub-district code + village number)."""
    with as_operator() as (uow, env, actor):
        try:
            villages.add(env, actor, code, name)
        except Refused as refusal:
            if refusal.reason != "bad_village":
                raise
            raise click.ClickException("a village code is 8 digits: a known sub-district code and a number 01-99"
                                       ) from None
        uow.commit()
    click.echo(f"Village {code} is there.")


@click.group("agency")
def agency() -> None:
    """Agencies whose staff receive referrals."""


@agency.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(agencies_domain.KINDS), default=None,
              help="What kind of agency it is (services and areas come with `kaejon agency load`).")
def agency_add(code: str, name: str, kind: str | None) -> None:
    """Add an agency with a short CODE (e.g. PSDHS-46)."""
    with as_operator() as (uow, env, actor):
        agencies.add(env, actor, code, name, kind=kind)
        uow.commit()
    click.echo(f"Agency {code} is there.")


@agency.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def agency_load(path: Path) -> None:
    """Create or update the agencies in a data file (docs/agencies.md): kind, services with
    their service levels, areas covered. Agencies the file does not name are left alone;
    nothing is kept if any entry is wrong."""
    try:
        specs = agencies_domain.read(path)
    except agencies_domain.AgencyFileError as error:
        raise click.ClickException(str(error)) from None
    with as_operator() as (uow, env, actor):
        outcomes = agencies.load(env, actor, specs)
        uow.commit()
    for code, outcome in outcomes.items():
        click.echo(f"{code}: {outcome}")


@agency.command("list")
def agency_list() -> None:
    """Every agency: code, kind, name, the areas it covers and its services
    (accept within N working days / complete within M days)."""
    with as_operator() as (_uow, env, actor):
        found = agencies.registered(env, actor)
    if not found:
        click.echo("No agencies yet: `kaejon agency load FILE.yaml` or `kaejon agency add`.")
    for spec in found:
        click.echo(f"{spec.code}  {spec.kind or '-'}  {spec.name}")
        click.echo(f"  areas: {', '.join(spec.areas) or '-'}")
        levels = [f"{level.service} {level.accept_days}/{level.complete_days}" for level in spec.services]
        click.echo(f"  services: {', '.join(levels) or '-'}")
