"""Administration from the command line (the admin role has no chat): invites,
villages and agencies. Every change is audited with the operator as actor."""
from __future__ import annotations

import getpass
from datetime import timedelta

import click
from sqlalchemy import select

from bot.bootstrap import Services, bootstrap
from bot.config import ConfigError, for_admin
from casework import accounts, areas, audit, migrate, registry
from casework.models import Agency


def admin_services() -> Services:
    services = bootstrap(for_admin(), transports={})
    if not migrate.is_current(services.engine):
        services.engine.dispose()
        raise ConfigError("the database is not at this version's schema: run `kaejon db upgrade` first")
    return services


def operator() -> str:
    return f"cli:{getpass.getuser()}"[:64]


@click.command("invite")
@click.option("--role", required=True, type=click.Choice(accounts.STAFF_ROLES))
@click.option("--area", "area_code", required=True, help="Village (8 digits), sub-district (6), district (4) "
              "or province (2) code, as the role allows.")
@click.option("--name", required=True, help="The person's name, as colleagues will see it.")
@click.option("--agency", "agency_code", default=None, help="Agency code (for agency staff).")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 30), help="Days the code stays valid.")
def invite(role: str, area_code: str, name: str, agency_code: str | None, days: int) -> None:
    """Make a one-time invite code that grants ROLE over an area when sent in chat."""
    services = admin_services()
    with services.uow() as uow:
        try:
            code = accounts.create_invite(uow.session, uow.sealer, role=role, area_code=area_code, name=name,
                                          now=services.clock(), created_by=operator(), agency_code=agency_code,
                                          ttl=timedelta(days=days))
        except accounts.InviteError as error:
            raise click.ClickException(INVITE_ERRORS.get(error.reason, error.reason)) from None
        audit.record(uow.session, uow.sealer, actor=operator(), action="invite.created", entity="invite",
                     entity_id=role, area_code=area_code, now=services.clock(),
                     changes={"role": [None, role], "name": [None, name]})
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
    if areas.village_parent(code) is None:
        raise click.ClickException("a village code is 8 digits: a known sub-district code and a number 01-99")
    services = admin_services()
    with services.uow() as uow:
        registry.add_village(uow.session, uow.sealer, code=code, name=name, actor=operator(), now=services.clock())
        uow.commit()
    click.echo(f"Village {code} is there.")


@click.group("agency")
def agency() -> None:
    """Agencies whose staff receive referrals."""


@agency.command("add")
@click.argument("code")
@click.option("--name", required=True)
def agency_add(code: str, name: str) -> None:
    """Add an agency with a short CODE (e.g. PSDHS-46)."""
    services = admin_services()
    with services.uow() as uow:
        if uow.session.scalar(select(Agency).where(Agency.code == code)) is None:
            uow.session.add(Agency(code=code, name=name, created_at=services.clock()))
            audit.record(uow.session, uow.sealer, actor=operator(), action="agency.created", entity="agency",
                         entity_id=code, area_code=None, now=services.clock(), changes={"name": [None, name]})
            uow.commit()
    click.echo(f"Agency {code} is there.")
