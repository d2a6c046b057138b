from sqlalchemy import func, select

from casework import chats
from casework.models import Chat


def count_chats(services) -> int:
    with services.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Chat))


def test_leaving_without_commit_rolls_back(fake_services, clock):
    with fake_services.uow() as uow:
        chats.get_or_create(uow.session, "U" + "9" * 32, "user", clock())
    assert count_chats(fake_services) == 0


def test_commit_keeps_the_work(fake_services, clock):
    with fake_services.uow() as uow:
        chats.get_or_create(uow.session, "U" + "9" * 32, "user", clock())
        uow.commit()
    assert count_chats(fake_services) == 1


def test_an_error_inside_rolls_back(fake_services, clock):
    try:
        with fake_services.uow() as uow:
            chats.get_or_create(uow.session, "U" + "9" * 32, "user", clock())
            uow.session.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert count_chats(fake_services) == 0
