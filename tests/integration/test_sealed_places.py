"""A sealed value is bound to its table, column and row: copied into another row (a database
edit, a bad restore, an attacker with write access) it does not open, and the person looking
at that row is told something went wrong instead of being shown the other row's data."""
import pytest
from sqlalchemy import select, update

from bot import worker
from bot.config import parse_keys
from casework import outbox, rotation
from casework.crypto import Sealer, Unreadable
from casework.models import Household, OutboxMessage, Person
from casework.sealing import open_from
from tests import registry_data
from tests.keys import LOOKUP_KEYS, NEXT_SECRET_KEY, SECRET_KEYS


def _households(services):
    first = registry_data.household(services, house_no="12", head="สมชาย ใจดี", citizen="110170012345")
    second = registry_data.household(services, house_no="13", head="มานี มีสุข", citizen="110170012346")
    return first, second


def _copy_head_name(services, source_household: int, target_household: int) -> None:
    """What someone with write access to the database might do: move one person's sealed name
    into another person's row."""
    with services.uow() as uow:
        source = uow.session.scalars(select(Person).where(Person.household_id == source_household)).one()
        target = uow.session.scalars(select(Person).where(Person.household_id == target_household)).one()
        uow.session.execute(update(Person).where(Person.id == target.id).values(name=source.name))
        uow.commit()


def test_a_name_copied_to_another_persons_row_does_not_open(services):
    first, second = _households(services)
    _copy_head_name(services, first, second)
    with services.uow() as uow:
        moved = uow.session.scalars(select(Person).where(Person.household_id == second)).one()
        kept = uow.session.scalars(select(Person).where(Person.household_id == first)).one()
        assert open_from(uow.sealer, kept, "name") == {"first": "สมชาย", "last": "ใจดี"}
        with pytest.raises(Unreadable):
            open_from(uow.sealer, moved, "name")


def test_an_address_copied_to_another_household_does_not_open(services):
    first, second = _households(services)
    with services.uow() as uow:
        source = uow.session.get(Household, first)
        uow.session.execute(update(Household).where(Household.id == second).values(address=source.address))
        uow.commit()
    with services.uow() as uow:
        with pytest.raises(Unreadable):
            open_from(uow.sealer, uow.session.get(Household, second), "address")


def test_a_household_card_with_a_moved_name_shows_an_error_not_the_other_persons_name(kanya, services):
    first, second = _households(services)
    _copy_head_name(services, first, second)
    kanya.taps(f"a=hh&id={second}")
    (answer,) = kanya.received()
    assert "สมชาย" not in str(answer) and "มานี" not in str(answer)
    assert answer["text"].startswith("ขออภัย")
    kanya.taps(f"a=hh&id={first}")  # the chat goes on; the other household's card is whole
    (card,) = kanya.received()
    assert "สมชาย ใจดี" in str(card["contents"]["body"])


def test_rotation_lists_a_moved_value_and_leaves_it_as_it_is(services, clock):
    first, second = _households(services)
    _copy_head_name(services, first, second)
    with services.uow() as uow:
        moved = uow.session.scalars(select(Person).where(Person.household_id == second)).one()
        moved_id, before = moved.id, moved.name
    ring = Sealer(parse_keys(f"{NEXT_SECRET_KEY},{SECRET_KEYS}", "test"), parse_keys(LOOKUP_KEYS, "test"))
    progress = list(rotation.rotate(services.session_factory, ring, actor="test", now=clock))
    unreadable = {line for p in progress if p.table == "persons" for line in p.unreadable}
    assert unreadable == {f"persons {moved_id}: a sealed value does not open as persons.name"}
    with services.uow() as uow:
        assert uow.session.get(Person, moved_id).name == before


def test_a_message_whose_body_was_copied_from_another_is_not_sent_and_does_not_block_the_queue(
        fake_services, transport):
    now = fake_services.clock()
    with fake_services.uow() as uow:
        (to_alice,) = outbox.enqueue(uow.session, uow.sealer, recipient="U" + "a" * 32,
                                     messages=[{"type": "text", "text": "สำหรับอลิซ"}], now=now)
        (to_bob,) = outbox.enqueue(uow.session, uow.sealer, recipient="U" + "b" * 32,
                                   messages=[{"type": "text", "text": "สำหรับบ๊อบ"}], now=now)
        alice_body = uow.session.get(OutboxMessage, to_alice).body
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == to_bob).values(body=alice_body))
        uow.commit()
    while worker.send_one(fake_services):
        pass
    assert [(call.recipient, call.messages) for call in transport.calls] == [
        ("U" + "a" * 32, [{"type": "text", "text": "สำหรับอลิซ"}])]
    with fake_services.uow() as uow:
        assert uow.session.get(OutboxMessage, to_bob).status == "dead"
