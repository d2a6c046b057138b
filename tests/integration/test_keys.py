"""Key rotation end to end: data sealed and hashed with key 1 is re-sealed and re-hashed with
key 2 by `kaejon keys rotate`; after key 1 is removed everything still opens and is found."""
from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bench.import_households import make_survey, write_csv
from bot.bootstrap import bootstrap
from bot.commands import cli
from bot.config import parse_keys
from casework import finding, importing, rotation
from casework.accounts import create_invite, redeem_invite
from casework.crypto import Place, Unreadable
from casework.models import Account, AuditEntry, Household, Person
from casework.registry import find_by_address
from casework.sealing import open_from
from tests.conftest import make_settings
from tests.keys import LOOKUP_KEYS, NEXT_LOOKUP_KEY, NEXT_SECRET_KEY, SECRET_KEYS


@pytest.fixture(scope="module")
def survey():
    return make_survey(30, bad_share=0, seed=5, thai_header=False)


def services_with(database_url, clock, secret_keys: str, lookup_keys: str):
    settings = replace(make_settings(database_url, "http://127.0.0.1:9"),
                       secret_keys=parse_keys(secret_keys, "test"), lookup_keys=parse_keys(lookup_keys, "test"))
    return bootstrap(settings, clock=clock, transports={})


def snapshot(services) -> dict[str, object]:
    """What a user would see: every person's name and ID, every household's address, the audit."""
    with services.uow() as uow:
        s, sealer = uow.session, uow.sealer
        return {
            "people": sorted((open_from(sealer, p, "citizen_id", as_json=False).decode(), str(open_from(sealer, p, "name")))
                             for p in s.scalars(select(Person))),
            "households": sorted(str(open_from(sealer, h, "address")) for h in s.scalars(select(Household))),
            "audit": sorted(str(open_from(sealer, e, "changes")) for e in s.scalars(select(AuditEntry)) if e.changes),
        }


def rotate(monkeypatch, database_url, secret_keys: str, lookup_keys: str) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KAEJON_SECRET_KEYS", secret_keys)
    monkeypatch.setenv("KAEJON_LOOKUP_KEYS", lookup_keys)
    monkeypatch.setattr("bot.logs.configure", lambda *args, **kwargs: None)
    result = CliRunner().invoke(cli, ["keys", "rotate", "--batch", "7"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_rotate_then_drop_the_old_key_everything_opens_and_is_found(database_url, clock, survey, tmp_path,
                                                                  monkeypatch):
    path = tmp_path / "survey.csv"
    write_csv(path, survey)
    first = services_with(database_url, clock, SECRET_KEYS, LOOKUP_KEYS)
    importing.import_households(path, uow=first.uow, sealer=first.sealer, now=clock())
    with first.uow() as uow:
        invite = create_invite(uow.session, uow.sealer, role="leader", area_code=_a_village(uow.session),
                               name="ผู้นำ", now=clock(), created_by="test")
        uow.session.add(Account(line_user_id="U" + "1" * 32, created_at=clock()))
        uow.commit()
    before = snapshot(first)
    first.engine.dispose()

    both_keys, both_lookups = f"{NEXT_SECRET_KEY},{SECRET_KEYS}", f"{NEXT_LOOKUP_KEY},{LOOKUP_KEYS}"
    during = services_with(database_url, clock, both_keys, both_lookups)
    again = importing.import_households(path, uow=during.uow, sealer=during.sealer, now=clock())
    assert again.households_created == 0 and again.persons_created == 0   # found by the old hashes
    during.engine.dispose()

    output = rotate(monkeypatch, database_url, both_keys, both_lookups)
    assert "persons: 7 rows checked" in output and "done" in output.splitlines()[-1]  # progress by batch
    assert "persons: 30 rows checked, 75 re-sealed, 45 re-hashed" in output  # ID, name, 15 phones; ID, phone hashes
    assert "name_tokens: 30 rows checked, 0 re-sealed, 30 re-hashed" in output  # each person's name parts
    rerun = rotate(monkeypatch, database_url, both_keys, both_lookups)
    assert "persons: 30 rows checked, 0 re-sealed, 0 re-hashed" in rerun  # idempotent
    assert "name_tokens: 30 rows checked, 0 re-sealed, 0 re-hashed" in rerun

    after = services_with(database_url, clock, NEXT_SECRET_KEY, f"{NEXT_LOOKUP_KEY},{LOOKUP_KEYS}")
    assert {k: v for k, v in snapshot(after).items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"}
    assert set(before["audit"]) <= set(snapshot(after)["audit"])
    with after.uow() as uow:
        household = uow.session.scalars(select(Household)).first()
        house_no = open_from(uow.sealer, household, "address")["house_no"]
        assert find_by_address(uow.session, uow.sealer, household.village_code, house_no).id == household.id
        account = uow.session.scalar(select(Account))
        assert redeem_invite(uow.session, uow.sealer, invite, account, clock()).role == "leader"
    third = importing.import_households(path, uow=after.uow, sealer=after.sealer, now=clock())
    assert third.households_created == 0 and third.persons_created == 0
    after.engine.dispose()

    only_new = services_with(database_url, clock, NEXT_SECRET_KEY, NEXT_LOOKUP_KEY)
    assert snapshot(only_new)["people"] == before["people"]
    with only_new.uow() as uow:  # found by name and by phone with the new lookup key alone
        person = uow.session.scalar(select(Person).where(Person.phone.is_not(None)))
        name, phone = open_from(uow.sealer, person, "name"), uow.sealer.open(
            person.phone, Place("persons", "phone", person.id)).decode()
        for query in (f"{name['first']} {name['last']}", phone):
            total, homes = finding.find(uow.session, uow.sealer, ("46",), finding.parse(query))
            assert person.household_id in [home.id for home in homes]
    only_new.engine.dispose()
    gone = services_with(database_url, clock, SECRET_KEYS, LOOKUP_KEYS)
    with pytest.raises(Unreadable):  # key 1 alone no longer opens anything
        snapshot(gone)
    gone.engine.dispose()


def test_a_row_changed_while_rotating_is_not_overwritten(database_url, clock, survey, tmp_path):
    path = tmp_path / "survey.csv"
    write_csv(path, survey)
    old = services_with(database_url, clock, SECRET_KEYS, LOOKUP_KEYS)
    importing.import_households(path, uow=old.uow, sealer=old.sealer, now=clock())
    new = services_with(database_url, clock, f"{NEXT_SECRET_KEY},{SECRET_KEYS}", f"{NEXT_LOOKUP_KEY},{LOOKUP_KEYS}")
    table = Person.__table__
    with new.session_factory() as session, session.begin():
        stale = session.execute(select(table).order_by(table.c.id).limit(1)).one()
    changed = new.sealer.seal_json({"first": "ใหม่", "last": "ระหว่างหมุนกุญแจ"}, Place("persons", "name", stale.id))
    with new.session_factory() as session, session.begin():
        session.execute(update(table).where(table.c.id == stale.id).values(name=changed))
    progress = rotation.Progress("persons")
    with new.session_factory() as session, session.begin():
        rotation._rotate_row(session, new.sealer, table, table.c.id, "id", stale, ["citizen_id", "name", "phone"],
                             [], progress)
    assert progress.changed_meanwhile == 1
    with new.uow() as uow:
        person = uow.session.get(Person, stale.id)
        assert open_from(uow.sealer, person, "name") == {"first": "ใหม่", "last": "ระหว่างหมุนกุญแจ"}
    old.engine.dispose()
    new.engine.dispose()


def _a_village(session) -> str:
    return session.scalars(select(Household.village_code)).first()
