"""Finding a household (issue 10): leaders and coordinators find households of their own areas
by a member's name, a house number and village, a citizen ID or a phone; names stay sealed."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from casework import registry
from casework.accounts import Grant
from casework.authorization import Actor
from casework.citizen_id import with_check_digit
from casework.errors import Refused
from casework.models import NameToken, Person
from casework.usecases import households
from casework.usecases.base import Env
from tests import registry_data

KANYA = Actor(account_id=1, grants=(Grant("leader", "460101"),))
DAO = Actor(account_id=2, grants=(Grant("leader", "460201"),))
COORDINATOR = Actor(account_id=3, grants=(Grant("coordinator", "4601"),))


@pytest.fixture
def homes(services) -> dict[str, int]:
    registry_data.village(services, "46010105", "บ้านโนนสวรรค์")
    registry_data.village(services, "46020101", "บ้านหนองบัว")
    made = {
        "somchai": registry_data.household(services, "46010105", "12", head="สมชาย ใจดี", citizen="110170012345"),
        "manee": registry_data.household(services, "46010105", "14", head="มานี มีนา", citizen="310170012345"),
        "away": registry_data.household(services, "46020101", "12", head="สมชาย ใจดี", citizen="110170054321"),
    }
    with services.uow() as uow:
        manee = uow.session.scalar(select(Person).where(Person.household_id == made["manee"]))
        household = uow.session.get(registry.Household, made["manee"])
        registry.correct(uow.session, uow.sealer, household=household, field="phone", value="0812345678",
                         actor_id=1, now=services.clock(), person=manee)
        uow.commit()
    return made


def find(services, actor: Actor, query: str, offset: int = 0):
    with services.uow() as uow:
        env = Env(session=uow.session, sealer=uow.sealer, now=services.clock(), rules=services.rules)
        return households.find(env, actor, query, offset)


def found(services, actor: Actor, query: str) -> list[int]:
    return [view.id for view in find(services, actor, query).items]


def test_by_a_members_name_whatever_the_title_and_spacing(services, homes):
    assert found(services, KANYA, "สมชาย ใจดี") == [homes["somchai"]]
    assert found(services, KANYA, "นาย สมชาย   ใจดี") == [homes["somchai"]]
    assert found(services, KANYA, "นายสมชาย ใจดี") == [homes["somchai"]]
    assert found(services, KANYA, "สมชาย มีนา") == []  # every word, of one member


def test_by_part_of_a_name(services, homes):
    assert found(services, KANYA, "มานี") == [homes["manee"]]
    assert found(services, KANYA, "ใจดี") == [homes["somchai"]]


def test_by_house_number_and_village(services, homes):
    assert found(services, KANYA, "12 5") == [homes["somchai"]]
    assert found(services, KANYA, "บ้านเลขที่ 14 หมู่ 5") == [homes["manee"]]
    assert found(services, KANYA, "14 โนนสวรรค์") == [homes["manee"]]
    assert found(services, KANYA, "99 หมู่ 5") == []


def test_by_citizen_id_and_by_phone_in_thai_digits(services, homes):
    assert found(services, KANYA, with_check_digit("310170012345")) == [homes["manee"]]
    assert found(services, KANYA, "๐๘๑-๒๓๔-๕๖๗๘") == [homes["manee"]]
    assert found(services, KANYA, "0899999999") == []


def test_households_outside_ones_areas_are_not_found(services, homes):
    assert found(services, DAO, "สมชาย ใจดี") == [homes["away"]]
    assert found(services, DAO, "มานี") == []
    assert found(services, DAO, with_check_digit("310170012345")) == []
    assert found(services, KANYA, with_check_digit("110170054321")) == []
    assert found(services, COORDINATOR, "สมชาย") == [homes["somchai"]]


def test_someone_without_a_role_is_refused(services, homes):
    with pytest.raises(Refused):
        find(services, Actor(account_id=9), "สมชาย")


def test_results_come_in_pages(services, homes):
    for number in range(12):
        registry_data.household(services, "46010105", f"3{number}", head=f"บุญมี ศรีสุข{number}",
                                citizen=f"11017009{number:04d}")
    first, second = find(services, KANYA, "บุญมี"), find(services, KANYA, "บุญมี", 10)
    assert (first.total, len(first.items), len(second.items), second.page) == (12, 10, 2, 1)
    assert not {v.id for v in first.items} & {v.id for v in second.items}


def test_the_index_holds_no_plain_name_and_erasure_empties_it(services, homes):
    with services.uow() as uow:
        tokens = list(uow.session.scalars(select(NameToken.token_hash)))
        assert tokens and not any("สมชาย" in token or "ใจดี" in token for token in tokens)
        dump = " ".join(str(row) for row in uow.session.execute(text("SELECT * FROM name_tokens")))
        assert "สมชาย" not in dump
    from casework.erasure import erase_household

    with services.uow() as uow:
        household = uow.session.get(registry.Household, homes["manee"])
        erase_household(uow.session, uow.sealer, household, actor="test", now=services.clock())
        uow.commit()
    assert found(services, KANYA, "มานี") == []


def test_a_survey_import_indexes_names_and_phones(services, tmp_path):
    from casework import importing

    registry_data.village(services, "46010105")
    survey = tmp_path / "survey.csv"
    survey.write_text("village_code,house_no,citizen_id,first_name,last_name,relation,phone\n"
                      f"46010105,21,{with_check_digit('110170099999')},Somsak,Dee,head,081-555-1234\n",
                      encoding="utf-8")
    importing.import_households(survey, uow=services.uow, sealer=services.sealer, now=services.clock())
    (home,) = found(services, KANYA, "mr. somsak")
    assert found(services, KANYA, "0815551234") == [home]
    survey.write_text(survey.read_text(encoding="utf-8").replace("Somsak", "Somsri"), encoding="utf-8")
    importing.import_households(survey, uow=services.uow, sealer=services.sealer, now=services.clock())
    assert found(services, KANYA, "somsak") == [] and found(services, KANYA, "Somsri Dee") == [home]


def test_an_empty_or_endless_query_finds_nothing_and_breaks_nothing(services, homes):
    with pytest.raises(Refused):
        find(services, KANYA, "   ")
    with pytest.raises(Refused):
        find(services, KANYA, " ".join(f"สมชาย{number}" for number in range(600)))


def test_households_stored_before_the_index_are_found_after_kaejon_keys_rotate(services, homes):
    from sqlalchemy import delete, update

    from casework import rotation

    with services.uow() as uow:  # as a database upgraded to 0008 holds them: no tokens, no phone hashes
        uow.session.execute(delete(NameToken))
        uow.session.execute(update(Person).values(phone_hash=None))
        uow.commit()
    assert found(services, KANYA, "มานี") == [] and found(services, KANYA, "0812345678") == []
    for _ in rotation.rotate(services.session_factory, services.sealer, actor="cli:test", now=services.clock):
        pass
    assert found(services, KANYA, "มานี") == [homes["manee"]]
    assert found(services, KANYA, "0812345678") == [homes["manee"]]
