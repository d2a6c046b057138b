"""The chat's flows, one module per thing a user sees, and the one registry of them all.

``registry()`` is built once at start (``bot.bootstrap``): a flow or button action
named twice stops the process there, with the name in the error.
"""
from __future__ import annotations

from bot.flows.base import DuplicateName, Flow, Flows

__all__ = ["DuplicateName", "Flow", "Flows", "registry"]


def registry() -> Flows:
    from bot.flows import (cases, consent, coordination, corrections, finding, handoff, help_requests, joining,
                           menu, my_data, notifications, oversight, plans, referrals, registration, review, rights,
                           verification, visits, welfare)

    modules = (menu, consent, joining, my_data, rights, help_requests, handoff, cases, registration, verification,
               review, corrections, coordination, oversight, finding, plans, referrals, welfare, visits, notifications)
    return Flows(flow for module in modules for flow in module.FLOWS)
