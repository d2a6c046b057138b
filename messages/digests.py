"""Digests as LINE messages, each wholly in its recipient's language.

A staff member's digest is a line of counts and a carousel: a card per heading (overdue,
new, due this week) of each agency they work for, naming the first few referrals by case
number, service and area (no person's name: a digest is read on a lock screen), each with
a button that opens it, and a last card that opens the whole list. A group's digest is
counts only, with a button that opens the list in the tapping person's own chat.
Adding a section (job candidates, a saved report) is one more entry in ``CARDS``.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from html import escape
from typing import Any

from babel.support import NullTranslations

from casework.digests.area import AreaWeek
from casework.digests.due import AGENCY_GROUP, AREA, STAFF, Digest
from casework.digests.escalations import Escalation
from casework.digests.referrals import BUCKETS, AgencyReferrals, Bucket
from casework.digests.reminders import ORDER as REMINDER_ORDER
from casework.digests.reminders import Item, Reminder
from casework.spreadsheets import csv_writer
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




REMINDER_TITLES = {"visit": N_("Follow-up visits due"), "request": N_("Requests nobody has taken up"),
                   "check": N_("Households waiting for their check"), "reassess": N_("Re-assessments due")}
REMINDER_LINES = {"visit": N_("House %(house_no)s · %(area)s · visit due %(day)s"),
                  "request": N_("%(ref)s · %(area)s · untouched since %(day)s"),
                  "check": N_("House %(house_no)s · %(area)s · waiting since %(day)s"),
                  "reassess": N_("House %(house_no)s · %(area)s · last confirmed %(day)s")}
SHOWN_PER_KIND = 5


def _reminder_button(tr: NullTranslations, item: Item) -> Message:
    _ = tr.gettext
    if item.what == "request":
        return _action(tr, item.case_ref or _("Open"), "case", id=item.case_id or 0)
    label = _("House %(house_no)s") % {"house_no": item.house_no or "-"}
    if item.what == "visit":
        return _action(tr, label, "vlog", h=item.household_id)
    return _action(tr, label, "hh", id=item.household_id)


def reminder(tr: NullTranslations, language: str, reminded: Reminder) -> list[Message]:
    """A leader's reminders: a card for each kind, the first few with a button each."""
    _ = tr.gettext
    cards, counts = [], []
    for what in REMINDER_ORDER:
        items = [item for item in reminded.items if item.what == what]
        if not items:
            continue
        counts.append(f"{_(REMINDER_TITLES[what])} {len(items)}")
        lines = [_(REMINDER_LINES[what]) % {"house_no": item.house_no or "-", "ref": item.case_ref or "",
                                            "area": area_name(item.village_code, language),
                                            "day": format_date(item.on, language, short=True)}
                 for item in items[:SHOWN_PER_KIND]]
        if len(items) > SHOWN_PER_KIND:
            lines.append(_("and %(count)d more") % {"count": len(items) - SHOWN_PER_KIND})
        cards.append(line.bubble(_(REMINDER_TITLES[what]), lines,
                                 buttons=[_reminder_button(tr, item) for item in items[:SHOWN_PER_KIND]]))
    summary = _("Reminders for today: %(counts)s") % {"counts": ", ".join(counts)}
    return [*line.text(summary), line.flex(summary, line.carousel(cards))]


def escalation(tr: NullTranslations, language: str, escalated: Escalation) -> list[Message]:
    """Referrals past their service level, latest first, each with a button that opens it."""
    _ = tr.gettext
    stage = {"accept": _("not accepted by %(day)s"), "complete": _("not completed by %(day)s")}
    cards = []
    for item in escalated.items[:MAX_CAROUSEL_BUBBLES]:
        lines = [service_name(item.service, language), item.agency, area_name(item.village_code, language),
                 stage[item.stage] % {"day": format_date(item.due_on, language, short=True)},
                 tr.ngettext("%(days)d day late", "%(days)d days late", item.days_late) % {"days": item.days_late}]
        cards.append(line.bubble(item.case_ref, lines, accent=ACCENT["overdue"],
                                 buttons=[_action(tr, _("Open"), "ref", id=item.referral_id)]))
    summary = tr.ngettext("%(count)d referral is past its service level",
                          "%(count)d referrals are past their service level",
                          len(escalated.items)) % {"count": len(escalated.items)}
    return [*line.text(summary), line.flex(summary, line.carousel(cards))]


BUILDERS: dict[str, Callable[[NullTranslations, str, Any], list[Message]]] = {
    STAFF: staff, AGENCY_GROUP: group, Reminder.kind: reminder, Escalation.kind: escalation}


def build(tr: NullTranslations, language: str, scheduled: Any) -> list[Message]:
    """The messages of a digest, reminder or escalation (an empty list: nothing to send)."""
    if getattr(scheduled, "channel", "line") == "email":
        return EMAILS[scheduled.kind](tr, language, scheduled)
    return BUILDERS[scheduled.kind](tr, language, scheduled)


Block = tuple[str, list[list[str]], int]  # a heading, its rows, how many more there are


def _email(tr: NullTranslations, address: str, summary: str, blocks: list[Block], header: list[str],
           filename: str) -> list[Message]:
    """One email: the summary, each block as lines (text) and a table (HTML), every row in a
    CSV file (cells a spreadsheet would run as a formula neutralised; a BOM so Excel reads Thai)."""
    _ = tr.gettext
    text, html, rows = [summary, ""], [f"<p>{escape(summary)}</p>"], []
    for title, lines, more in blocks:
        text.append(title)
        html.append(f"<h3>{escape(title)}</h3><table>")
        for row in lines:
            rows.append(row)
            text.append("  " + " · ".join(cell for cell in row[2:] if cell))
            html.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row[2:]) + "</tr>")
        if more:
            words = _("and %(count)d more") % {"count": more}
            text.append("  " + words)
            html.append(f"<tr><td colspan=\"4\">{escape(words)}</td></tr>")
        html.append("</table>")
        text.append("")
    listing = io.StringIO()
    writer = csv_writer(listing)
    writer.writerow(header)
    writer.writerows(rows)
    return [{"to": address, "subject": _("Kaejon: %(summary)s") % {"summary": summary}, "text": "\n".join(text),
             "html": "<html><body>" + "".join(html) + "</body></html>",
             "attachments": [{"filename": filename, "content_type": "text/csv",
                              "content": "\ufeff" + listing.getvalue()}]}]


def staff_email(tr: NullTranslations, language: str, digest: Digest) -> list[Message]:
    """A staff member's digest by email, with the whole list."""
    _ = tr.gettext
    day = format_date(digest.due.day, language)
    if digest.empty and not digest.all_clear:
        return []
    summary = (_("Your referrals for %(day)s: all clear, nothing waits for you.") % {"day": day} if digest.empty
               else _("Your referrals for %(day)s: %(summary)s.") % {"day": day, "summary": _summary(tr, digest)})
    if digest.due.late:
        summary += _(" (sent late: the service could not send it on time)")
    blocks: list[Block] = []
    for section in digest.sections:
        for heading in BUCKETS:
            bucket: Bucket = getattr(section, heading)
            if bucket.count:
                rows = [[section.agency, _(HEADINGS[heading]), item.case_ref, service_name(item.service, language),
                         area_name(item.village_code, language), item.due.isoformat() if item.due else ""]
                        for item in bucket.first]
                blocks.append((f"{section.agency} · {_(HEADINGS[heading])} · {bucket.count}", rows,
                               bucket.count - len(bucket.first)))
    return _email(tr, digest.address, summary, blocks,
                  [_("Agency"), _("Heading"), _("Case"), _("Service"), _("Area"), _("Due")],
                  f"kaejon-referrals-{digest.due.period}.csv")


def reminder_email(tr: NullTranslations, language: str, reminded: Reminder) -> list[Message]:
    _ = tr.gettext
    blocks: list[Block] = []
    for what in REMINDER_ORDER:
        items = [item for item in reminded.items if item.what == what]
        if items:
            rows = [["", _(REMINDER_TITLES[what]), item.case_ref or item.house_no, area_name(item.village_code,
                                                                                            language),
                     item.on.isoformat()] for item in items]
            blocks.append((f"{_(REMINDER_TITLES[what])} · {len(items)}", rows, 0))
    summary = _("Reminders for today: %(counts)s") % {"counts": ", ".join(
        f"{title.rsplit(' · ', 1)[0]} {len(rows)}" for title, rows, _more in blocks)}
    return _email(tr, reminded.address, summary, blocks, ["", _("Heading"), _("Case"), _("Area"), _("Due")],
                  f"kaejon-reminders-{reminded.due.period}.csv")


def escalation_email(tr: NullTranslations, language: str, escalated: Escalation) -> list[Message]:
    summary = tr.ngettext("%(count)d referral is past its service level",
                          "%(count)d referrals are past their service level",
                          len(escalated.items)) % {"count": len(escalated.items)}
    _ = tr.gettext
    rows = [["", item.agency, item.case_ref, service_name(item.service, language), area_name(item.village_code,
                                                                                           language),
             item.due_on.isoformat(), str(item.days_late)] for item in escalated.items]
    return _email(tr, escalated.address, summary, [(summary, rows, 0)],
                  ["", _("Agency"), _("Case"), _("Service"), _("Area"), _("Due"), _("Days late")],
                  f"kaejon-overdue-{escalated.due.period}.csv")


GROUP_WORDS = (N_("hardship"), N_("difficult"), N_("getting by"), N_("sufficient"))


def _area_card(tr: NullTranslations, language: str, week: AreaWeek) -> list[Message]:
    _ = tr.gettext
    lines = [_("Verified households by group: %(groups)s") % {"groups": ", ".join(
        f"{_(word)} {count}" for word, count in zip(GROUP_WORDS, week.by_group))},
        _("Verified this week: %(count)d") % {"count": week.verified_this_week},
        _("Moved up a group: %(up)d · down: %(down)d") % {"up": week.moved_up, "down": week.moved_down},
        _("Open referrals: %(open)d · overdue: %(overdue)d") % {"open": week.open_referrals,
                                                               "overdue": week.overdue_referrals}]
    if week.gaps_on is not None:
        lines.append(_("Entitlement gaps: %(count)d (screening of %(day)s)") % {
            "count": week.gaps, "day": format_date(week.gaps_on, language, short=True)})
    return [line.bubble(area_name(week.area_code, language), lines,
                        accent=ACCENT["overdue"] if week.overdue_referrals else "#0D47A1",
                        buttons=[_action(tr, _("Referrals in my area"), "area_referrals"),
                                 _action(tr, _("Households to verify"), "pending")])]


CARDS[AreaWeek.name] = _area_card


def area(tr: NullTranslations, language: str, digest: Digest) -> list[Message]:
    """A coordinator's week: a card per area."""
    _ = tr.gettext
    if digest.empty:
        return []
    title = _("Your areas this week (from %(day)s)") % {"day": format_date(digest.due.day, language)}
    if digest.due.late:
        title += _(" (sent late: the service could not send it on time)")
    cards = [card for section in digest.sections for card in _area_card(tr, language, section)]
    return [*line.text(title), line.flex(title, line.carousel(cards[:MAX_CAROUSEL_BUBBLES]))]


BUILDERS[AREA] = area
EMAILS: dict[str, Callable[[NullTranslations, str, Any], list[Message]]] = {
    STAFF: staff_email, Reminder.kind: reminder_email, Escalation.kind: escalation_email}
