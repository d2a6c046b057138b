"""Demo data from ``cast.yaml``: villages, agencies (as ``kaejon agency load`` reads them), households, and the cast's roles.
Idempotent: running the demo again changes nothing already there."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.bootstrap import Services
from bot.dev.demo.cast import Cast
from casework import accounts, agencies, consent, registry
from casework.citizen_id import with_check_digit
from casework.models import Agency, Household, Village

ACTOR = "demo:seed"


def seed(services: Services, cast: Cast) -> None:
    now = services.clock()
    with services.uow() as uow:
        session, sealer = uow.session, uow.sealer
        for item in cast.villages:
            if session.get(Village, item["code"]) is None:
                session.add(Village(code=item["code"], subdistrict_code=item["code"][:6],
                                    number=int(item["code"][6:]), name=item["name"], created_at=now,
                                    created_by=ACTOR))
        for spec in agencies.parse({"agencies": list(cast.agencies)}, "bot/dev/demo/cast.yaml"):
            agencies.apply(session, sealer, spec, actor=ACTOR, now=now)
        session.flush()
        for item in cast.households:
            key = registry.address_key(sealer, item["village"], item["house_no"])
            if session.scalar(select(Household.id).where(Household.address_key == key)) is not None:
                continue
            people = [registry.NewPerson(
                first_name=p["first"], last_name=p["last"], relation=p["relation"], sex=p.get("sex"),
                birth_date=date.fromisoformat(str(p["born"])), citizen_id=with_check_digit(p["id"]),
                income_baht_year=p.get("income")) for p in item["people"]]
            registry.add_household(session, sealer, village_code=item["village"], house_no=item["house_no"],
                                   address=item["address"], people=people, source="imported", status="listed",
                                   actor=ACTOR, now=now)
        for person in cast.people:
            if person.role == "household":
                continue
            account = accounts.get_or_create(session, person.line_user_id, now)
            account.display_name = person.name
            agency = session.scalar(select(Agency.id).where(Agency.code == person.agency)) if person.agency else None
            accounts.grant(session, account.id, person.role, person.scope or cast.area["village"], now, by=ACTOR,
                           agency_id=agency)
            if consent.latest(session, scope="personal", account_id=account.id) is None:
                consent.record(session, scope="personal", decision=consent.ACCEPTED, channel="chat", now=now,
                               account_id=account.id)
        uow.commit()
