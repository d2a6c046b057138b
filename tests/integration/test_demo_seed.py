from sqlalchemy import func, select

from bot.dev.demo.cast import load
from bot.dev.demo.seed import seed
from casework import accounts
from casework.models import Household, Person


def test_the_demo_seed_is_complete_and_idempotent(fake_services):
    seed(fake_services, load())
    seed(fake_services, load())
    with fake_services.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Household)) == len(load().households)
        assert uow.session.scalar(select(func.count()).select_from(Person)) == sum(
            len(h["people"]) for h in load().households)
        leader = next(p for p in load().people if p.role == "leader")
        account = accounts.find(uow.session, leader.line_user_id)
        assert [g.role for g in accounts.grants_of(uow.session, account.id)] == ["leader"]
