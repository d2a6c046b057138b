"""Digests as LINE messages, each wholly in its recipient's language.

A staff member's digest is a line of counts and a carousel: a card per heading (overdue,
new, due this week) of each agency they work for, naming the first few referrals by case
number, service and area (no person's name: a digest is read on a lock screen), each with
a button that opens it, and a last card that opens the whole list. A group's digest is
counts only, with a button that opens the list in the tapping person's own chat.
Adding a section (job candidates, a saved report) is one more entry in ``CARDS``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.support import NullTranslations

from casework.digests.due import Digest
from casework.digests.referrals import BUCKETS, AgencyReferrals, Bucket
from messages import line, postback
from messages.dates import format_date
from messages.i18n import N_
from messages.line import MAX_CAROUSEL_BUBBLES, Message
from messages.referrals import service_name
from messages.registry import area_name

HEADINGS = {"overdue": N_("Overdue"), "new": N_("New, not yet accepted"), "this_week": N_("Due this week")}
ACCENT = {"overdue": "#B71C1C", "new": "#E65100", "this_week": "#00695C"}
SUMMARY = {"overdue": N_("%(count)d overdue"), "new": N_("%(count)d new"), "this_week": N_("%(count)d due this week")}

Cards = Callable[[NullTranslations, str, Any], list[Message]]


def _action(tr: NullTranslations, label: str, action: str, **params: str | int) -> Message:
    return line.postback_action(label, postback.encode(action, **params), display_text=label)


def _referral_cards(tr: NullTranslations, language: str, section: AgencyReferrals) -> list[Message]:
    _ = tr.gettext
    cards = []
    for heading in BUCKETS:
        bucket: Bucket = getattr(section, heading)
        if not bucket.count:
            continue
        lines, buttons = [], []
        for item in bucket.first:
            due = _("by %(day)s") % {"day": format_date(item.due, language, short=True)} if item.due else ""
            lines.append(" · ".join(part for part in (item.case_ref, service_name(item.service, language),
                                                       area_name(item.village_code, language), due) if part))
            buttons.append(_action(tr, item.case_ref, "ref", id=item.referral_id))
        if bucket.count > len(bucket.first):
            lines.append(_("and %(count)d more") % {"count": bucket.count - len(bucket.first)})
        cards.append(line.bubble(f"{_(HEADINGS[heading])} · {bucket.count}", lines, subtitle=section.agency,
                                 buttons=buttons, accent=ACCENT[heading]))
    return cards


CARDS: dict[str, Cards] = {AgencyReferrals.name: _referral_cards}


def _summary(tr: NullTranslations, digest: Digest) -> str:
    _ = tr.gettext
    totals = {heading: sum(getattr(section, heading).count for section in digest.sections
                           if isinstance(section, AgencyReferrals)) for heading in BUCKETS}
    return ", ".join(_(SUMMARY[heading]) % {"count": totals[heading]} for heading in BUCKETS if totals[heading])


def staff(tr: NullTranslations, language: str, digest: Digest) -> list[Message]:
    """A staff member's digest; with nothing to act on, a short all clear or nothing (their choice)."""
    _ = tr.gettext
    day = format_date(digest.due.day, language)
    late = _(" (sent late: the service could not send it on time)") if digest.due.late else ""
    if digest.empty:
        if not digest.all_clear:
            return []
        return line.text(_("Your referrals for %(day)s: all clear, nothing waits for you.") % {"day": day} + late)
    summary = _("Your referrals for %(day)s: %(summary)s.") % {"day": day, "summary": _summary(tr, digest)} + late
    cards = [card for section in digest.sections for card in CARDS[section.name](tr, language, section)]
    cards = cards[:MAX_CAROUSEL_BUBBLES - 1]
    cards.append(line.bubble(_("All my referrals"), [_("Open the whole list, overdue first.")],
                             buttons=[_action(tr, _("Open my list"), "referrals")]))
    return [*line.text(summary), line.flex(summary, line.carousel(cards))]


def group(tr: NullTranslations, language: str, digest: Digest) -> list[Message]:
    """An agency group chat's daily counts: no case numbers, names or places in a group."""
    _ = tr.gettext
    section = digest.sections[0]
    if section.empty:
        return []
    day = format_date(digest.due.day, language)
    lines = [_(SUMMARY[heading]) % {"count": getattr(section, heading).count} for heading in BUCKETS]
    title = _("Referrals for %(day)s") % {"day": day}
    if digest.due.late:
        lines.append(_("Sent late: the service could not send it on time."))
    return [line.flex(title, line.bubble(title, lines, subtitle=section.agency, buttons=[
        _action(tr, _("Open in my chat"), "rglist")]))]


BUILDERS = {"digest-staff": staff, "digest-group": group}


def build(tr: NullTranslations, language: str, digest: Digest) -> list[Message]:
    return BUILDERS[digest.kind](tr, language, digest)
