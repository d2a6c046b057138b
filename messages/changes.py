"""The changes log as sentences in the reader's language: when, who (a name the reader may
see, and their role), what they did to which household, and what changed, old → new.
Sealed values (notes, phones, health, places) say only that they changed.

Every audit action written anywhere has a sentence here (tests/unit/test_audit_sentences.py)."""
from __future__ import annotations

from typing import Any

from babel.support import NullTranslations

from casework.conditions import CHOICES
from casework.usecases.oversight import LogEntry
from messages import line
from messages.dates import format_moment
from messages.i18n import N_
from messages.line import Message

SENTENCES = {
    "household.created": N_("%(who)s added %(subject)s"),
    "household.create": N_("%(who)s added %(subject)s from a survey list"),
    "household.update": N_("%(who)s updated %(subject)s from a survey list"),
    "household.submit": N_("%(who)s submitted the check of %(subject)s"),
    "household.confirm": N_("%(who)s confirmed the check of %(subject)s"),
    "household.return": N_("%(who)s returned the check of %(subject)s"),
    "household.move": N_("%(who)s marked %(subject)s as moved away"),
    "household.close": N_("%(who)s closed the record of %(subject)s"),
    "household.correct": N_("%(who)s corrected the details of %(subject)s"),
    "household.erased": N_("%(who)s erased the personal data of %(subject)s"),
    "household.merged": N_("%(who)s merged two records of %(subject)s"),
    "household.link": N_("%(who)s linked the LINE of %(subject)s"),
    "household.link_offered": N_("%(who)s gave a link code for %(subject)s"),
    "household.link_requested": N_("%(who)s asked to link their LINE to %(subject)s"),
    "household.location": N_("%(who)s recorded the location of %(subject)s"),
    "household.photo": N_("%(who)s added a photo of %(subject)s"),
    "person.create": N_("%(who)s added a member of %(subject)s from a survey list"),
    "person.update": N_("%(who)s updated a member of %(subject)s from a survey list"),
    "person.move": N_("%(who)s moved a member to %(subject)s from a survey list"),
    "village.created": N_("%(who)s added a village"),
    "village.create": N_("%(who)s added a village from a survey list"),
    "consent.personal": N_("%(who)s answered the privacy notice"),
    "consent.sensitive": N_("%(who)s recorded whether %(subject)s agrees to health and disability questions"),
    "request.correct": N_("%(who)s asked to correct the data of %(subject)s"),
    "request.erase": N_("%(who)s asked to delete the data of %(subject)s"),
    "task.done": N_("%(who)s finished a data request of %(subject)s"),
    "case.opened": N_("%(who)s opened a request for help of %(subject)s"),
    "case.acknowledged": N_("%(who)s took up a request of %(subject)s"),
    "case.relayed": N_("%(who)s answered a request of %(subject)s"),
    "case.note": N_("%(who)s added a note to a request of %(subject)s"),
    "case.planned": N_("%(who)s planned help for a request of %(subject)s"),
    "case.referred": N_("%(who)s referred a request of %(subject)s"),
    "case.in_progress": N_("%(who)s started work on a request of %(subject)s"),
    "case.resolved": N_("%(who)s resolved a request of %(subject)s"),
    "case.closed": N_("%(who)s closed a request of %(subject)s"),
    "case.reopened": N_("%(who)s reopened a request of %(subject)s"),
    "case.confirmed": N_("%(who)s said a request of %(subject)s is solved"),
    "notifications.changed": N_("%(who)s changed their digest settings"),
    "case.rejected": N_("%(who)s turned down a request of %(subject)s"),
    "case.withdrawn": N_("%(who)s withdrew a request of %(subject)s"),
    "case.details_unsent": N_("%(who)s took back a message sent with a request of %(subject)s"),
    "referral.made": N_("%(who)s made a referral of %(subject)s"),
    "referral.routed": N_("%(who)s sent a referral of %(subject)s to an agency"),
    "referral.routed_to_ask": N_("%(who)s asked for an agency to be chosen for a referral of %(subject)s"),
    "referral.consented": N_("%(who)s agreed to share data for a referral of %(subject)s"),
    "referral.consent_refused": N_("%(who)s refused to share data for a referral of %(subject)s"),
    "referral.accepted": N_("%(who)s accepted a referral of %(subject)s"),
    "referral.updated": N_("%(who)s updated a referral of %(subject)s"),
    "referral.completed": N_("%(who)s completed a referral of %(subject)s"),
    "referral.declined": N_("%(who)s declined a referral of %(subject)s"),
    "referral.revoked": N_("%(who)s withdrew a referral of %(subject)s"),
    "referral.expired": N_("%(who)s: a referral of %(subject)s expired"),
    "plan.proposed": N_("%(who)s proposed a plan for %(subject)s"),
    "plan.item_kept": N_("%(who)s kept an item of the plan for %(subject)s"),
    "plan.item_dropped": N_("%(who)s dropped an item of the plan for %(subject)s"),
    "plan.approved": N_("%(who)s approved the plan for %(subject)s"),
    "visit.logged": N_("%(who)s logged a visit to %(subject)s"),
    "welfare.status": N_("%(who)s recorded the welfare status of a member of %(subject)s"),
    "agency.created": N_("%(who)s added an agency"),
    "agency.updated": N_("%(who)s updated an agency"),
    "agency.group_registered": N_("%(who)s registered an agency's group chat"),
    "invite.created": N_("%(who)s created an invite code"),
    "invite.failed": N_("%(who)s sent a wrong invite code"),
    "role.granted": N_("%(who)s was given a role"),
    "link.failed": N_("%(who)s sent a wrong link code"),
    "keys.rotated": N_("%(who)s changed the keys that protect the data"),
    "message.unsent": N_("%(who)s took back a message"),
    "events.requeued": N_("%(who)s put received events back in the queue"),
    "outbox.requeued": N_("%(who)s put unsent messages back in the queue"),
}
OTHER = N_("%(who)s changed %(subject)s")
FIELDS = {
    "status": N_("status"), "poverty_group": N_("group"), "group": N_("group"), "members": N_("members"),
    "assessment": N_("check"), "note": N_("note"), "field_note": N_("field note"), "location": N_("location"),
    "photo": N_("photo"), "linked_account": N_("linked LINE"), "codes_cancelled": N_("earlier codes cancelled"),
    "decision": N_("decision"), "debt_baht": N_("debt (baht)"), "savings_baht": N_("savings (baht)"),
    "income_baht_year": N_("income a year (baht)"), "occupation": N_("occupation"), "phone": N_("phone"),
    "health": N_("health"), "has_disability_card": N_("disability card"), "housing_condition": N_("house condition"),
    "land": N_("land"), "water": N_("water"), "name": N_("name"), "address": N_("address"), "task": N_("request"),
    "case": N_("request"), "visit": N_("visit"), "outcome": N_("outcome"), "kind": N_("kind"),
    "role": N_("role"), "area": N_("area"), "cases": N_("requests opened"), "referrals": N_("referrals made"),
    "items": N_("items proposed"), "item": N_("item number"), "kept": N_("kept"), "need": N_("need"),
    "service": N_("service"), "ref": N_("reference number"), "details": N_("details"), "agency": N_("agency"),
    "photos": N_("photos"),
}
COUNTS = {"cases", "referrals", "items", "item", "photos"}  # numbers, of which a zero says nothing
# how a request came to be opened (the sentence's who says it); the record numbers of a merge (its sentence says it)
UNSHOWN = {"origin", "merged"}
SEALED = {"note", "field_note", "location", "phone", "health", "name", "address", "details", "linked_account"}
RECORDS = {"assessment", "case", "visit"}  # record numbers, which say nothing to a reader
VALUES = {
    "listed": N_("Listed, not yet checked"), "pending_check": N_("Waiting for an on-site check"),
    "awaiting_review": N_("Checked, waiting for confirmation"), "verified": N_("Verified"),
    "returned": N_("Returned for another check"), "moved": N_("Moved away"), "closed": N_("Closed"),
    "open": N_("open"), "done": N_("done"), "accepted": N_("accepted"), "declined": N_("declined"),
    "data_correct": N_("Correct data"), "data_erase": N_("Delete data"), True: N_("yes"), False: N_("no"),
}
ROLES = {"leader": N_("community leader"), "coordinator": N_("coordinator"), "agency": N_("agency staff"),
         "operator": N_("operator")}


def who(tr: NullTranslations, entry: LogEntry) -> str:
    """a name and its role, ``Kanya (community leader)``; the system or an operator where no person is named."""
    _ = tr.gettext
    if not entry.who:
        if entry.role == "household":
            return _("The household, in its own chat")
        return _("An operator") if entry.operator else _("The system")
    if entry.role and "(" not in entry.who:
        return _("%(name)s (%(role)s)") % {"name": entry.who, "role": _(ROLES.get(entry.role, entry.role))}
    return entry.who


def subject(tr: NullTranslations, entry: LogEntry) -> str:
    _ = tr.gettext
    view = entry.household
    if view is None:
        return _("a household")
    from messages.registry import house_title

    title = house_title(tr, view)
    return _("%(house)s (%(head)s)") % {"house": title, "head": view.head} if view.head else title


def _status_words(entity: str) -> dict[Any, str]:
    """The words a request's or a referral's status reads in elsewhere in the chat; a household's here."""
    if entity == "case":
        from messages.help_requests import STATUS

        return STATUS
    if entity == "referral":
        from messages.referrals import STATUS

        return STATUS
    return VALUES


def _value(tr: NullTranslations, language: str, field: str, value: Any, entity: str = "") -> str:
    if value is None:
        return "-"
    if field == "status" and isinstance(value, str) and value in _status_words(entity):
        return tr.gettext(_status_words(entity)[value])
    if field in CHOICES and value in CHOICES[field][1]:  # a condition: the check's answer that means it
        from casework.questionnaire import default as questionnaire, text_in

        question = questionnaire().question(CHOICES[field][0])
        score = CHOICES[field][1].index(value) + 1
        chosen = next((option for option in question.options if option.score == score), None) if question else None
        if chosen is not None:
            return text_in(chosen.label, language)
    if field == "need" and isinstance(value, str):
        from messages.help_requests import NEED

        return tr.gettext(NEED[value]) if value in NEED else value
    if field == "service" and isinstance(value, str):
        from messages.referrals import service_name

        return service_name(value, language)
    if field == "role" and value in ROLES:
        return tr.gettext(ROLES[value])
    if field == "area" and isinstance(value, str) and value.isdigit():
        from messages.registry import area_name

        return area_name(value, language)
    key = value if isinstance(value, (str, bool)) else None
    if key in VALUES:
        return tr.gettext(VALUES[key])
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _field(tr: NullTranslations, name: str) -> tuple[str, bool]:
    """A field's name in words and whether its value is sealed; ``person 5 phone`` is a member's."""
    _ = tr.gettext
    parts = name.split()
    own = parts[-1]
    words = _(FIELDS[own]) if own in FIELDS else _("other details")
    if parts[0] == "person" and len(parts) == 3:
        words = _("a member's %(field)s") % {"field": words}
    return words, own in SEALED or own in RECORDS or own not in FIELDS


def details(tr: NullTranslations, language: str, changes: dict[str, list[Any]], entity: str = "") -> str:
    """``status: Checked, waiting for confirmation → Verified``; sealed ones: ``note changed``
    (once, however many of them changed), ``note added`` where there was none; a status in the
    words of its ``entity``; what was set from nothing given once, ``requests opened: 2``.
    Nothing is said of what was set to nothing."""
    _ = tr.gettext
    parts: list[str] = []
    for name, pair in changes.items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
        own = name.split()[-1]
        if own in UNSHOWN or (old is None and (new is None or (own in COUNTS and new == 0))):
            continue
        words, sealed = _field(tr, name)
        hidden = sealed or "(sealed)" in (old, new) or "(set)" in (old, new)
        if hidden and old is None:
            part = _("%(field)s added") % {"field": words}
        elif hidden:
            part = _("%(field)s changed") % {"field": words}
        elif old is None:
            part = _("%(field)s: %(value)s") % {"field": words, "value": _value(tr, language, own, new, entity)}
        else:
            part = _("%(field)s %(old)s → %(new)s") % {"field": words, "old": _value(tr, language, own, old, entity),
                                                        "new": _value(tr, language, own, new, entity)}
        if part not in parts:
            parts.append(part)
    return ", ".join(parts)


def sentence(tr: NullTranslations, language: str, entry: LogEntry) -> str:
    """when, who (role), what, to which household: field old → new, in the reader's language."""
    template = SENTENCES.get(entry.change.action, OTHER)
    said = tr.gettext(template) % {"who": who(tr, entry), "subject": subject(tr, entry)}
    changed = details(tr, language, entry.changes, entry.change.entity)
    return f"{format_moment(entry.change.at, language)} — {said}" + (f": {changed}" if changed else "")


def changes_log(tr: NullTranslations, language: str, entries: list[LogEntry], quick: list[Message]
                ) -> list[Message]:
    _ = tr.gettext
    if not entries:
        return line.text(_("No changes recorded in your area yet."), quick=quick)
    rows = [line.shorten(sentence(tr, language, entry), 400) for entry in entries]
    return line.text(_("Latest changes in your area:") + "\n\n" + "\n\n".join(rows), quick=quick)
