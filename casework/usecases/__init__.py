"""Every action a person can take, one function each (``base`` says the shape).

Importing this package registers every use case in ``USE_CASES``; the authorization
matrix test enumerates them from there.
"""
from casework.usecases import (agencies, cases, checks, corrections, handoff, households, imports, invites, links,
                               notifications, oversight, plans, privacy, referrals, registration, requests, reviews, rights,
                               screening, timeline, villages, visits, welfare)
from casework.usecases.base import USE_CASES, Env, use_case

__all__ = ["USE_CASES", "Env", "use_case", "agencies", "cases", "checks", "corrections", "handoff", "households",
           "imports", "invites", "links", "notifications", "oversight", "plans", "privacy", "referrals", "registration", "requests",
           "reviews", "rights",
           "screening", "timeline", "villages", "visits", "welfare"]
