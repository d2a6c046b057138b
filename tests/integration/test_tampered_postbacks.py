"""A device can send any postback data. Every button's action, given parameters no button
of ours writes, answers the person and never fails the event."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.models import InboxEvent
from tests import registry_data
from tests.conftest import LineUser

ODD_VALUES = ["\u00b2", "%C2%B2", "\u0e51", "-1", "99999999999999999999", "", "1e3"]


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("value", ODD_VALUES)
def test_every_action_with_odd_parameters_is_answered_not_failed(kanya, client, services, standin, value):
    registry_data.household(services)
    stranger = LineUser("U" + "7" * 32, client, services, standin)
    keys = ("id", "p", "v", "s", "q", "k", "hh", "need", "set", "ok", "sd")
    for user in (kanya, stranger):
        for action in sorted(services.flows.actions):
            user.taps(f"a={action}&" + "&".join(f"{key}={value}" for key in keys))
            assert user.received(), f"no answer to a={action} with {value!r}"
    with services.uow() as uow:
        failed = uow.session.scalars(select(InboxEvent.error).where(InboxEvent.error.is_not(None))).all()
    assert failed == []
