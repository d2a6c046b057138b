"""Scheduled digests and reminders, each sent exactly once.

A digest is a recipient's sections (an agency's referrals today; later job candidates,
saved reports), each a plain dataclass with ``empty``. ``schedule`` says when one is due,
``notices`` claims its key once, and the clock (bot/clock.py) renders what was claimed
with ``messages/digests.py`` into the one outbox, in the claim's transaction.
"""
