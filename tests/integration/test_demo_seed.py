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


def test_a_demo_database_written_with_other_keys_is_named_not_crashed_on(fake_services, database_url):
    import click
    import pytest

    from bot.bootstrap import bootstrap
    from bot.dev.demo.run import _check_readable
    from tests.conftest import make_settings

    seed(fake_services, load())
    _check_readable(fake_services, database_url)  # its own keys: fine
    other = make_settings(database_url, "http://127.0.0.1:9")
    ring = (("other", bytes(range(32))),)
    elsewhere = bootstrap(type(other)(**{**other.__dict__, "secret_keys": ring}))
    with pytest.raises(click.ClickException, match="delete it"):
        _check_readable(elsewhere, database_url)
