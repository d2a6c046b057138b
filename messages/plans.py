"""A household's intervention plan as its leader reviews it: one card per item (its track,
what it is for, whom), each kept or dropped with a tap, and a last card to approve it."""
from __future__ import annotations

from babel.support import NullTranslations

from casework.rights_questions import text_in
from casework.usecases.plans import Approved, ItemView, PlanView
from messages import line, postback
from messages.help_requests import need_label
from messages.i18n import N_
from messages.line import Message
from messages.referrals import STATUS as REFERRAL_STATUS
from messages.referrals import service_name

TRACK = {
    "welfare": N_("State rights and welfare"),
    "community": N_("Community and local support"),
    "income": N_("Income and occupation"),
    "jobs": N_("Job matching"),
}
PROBLEM = {
    "not_verified": N_("A plan is made for a verified household. Check and confirm the household first."),
    "nothing_kept": N_("Keep at least one item before approving the plan."),
    "not_draft": N_("This plan was already approved or replaced by a newer one."),
}


def _item(tr: NullTranslations, language: str, plan: PlanView, item: ItemView) -> Message:
    _ = tr.gettext
    lines = [_("Need: %(need)s") % {"need": need_label(tr, item.need)}]
    if item.service:
        lines.append(_("Refer for: %(service)s") % {"service": service_name(item.service, language)})
    if item.programme_name:
        lines.append(_("Programme: %(programme)s") % {"programme": text_in(item.programme_name, language)})
    if item.person_name:
        lines.append(_("For: %(person)s") % {"person": item.person_name})
    if not item.service:
        lines.append(_("Community support, followed by the leader"))
    lines.append(_("Kept in the plan") if item.kept else _("Dropped from the plan"))
    label = N_("Drop") if item.kept else N_("Keep")
    buttons = [line.postback_action(_(label), postback.encode("pkeep", id=item.id, k=0 if item.kept else 1),
                                    display_text=_(label))] if plan.status == "draft" else []
    return line.bubble(_(TRACK.get(item.track, item.track)), lines, buttons=buttons,
                       accent="#1B5E20" if item.kept else "#757575")


def plan_card(tr: NullTranslations, language: str, plan: PlanView, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    if not plan.items:
        return line.text(_("Nothing to propose for this household now: no welfare gaps and no weak capital. "
                           "Log visits to follow it."), quick=quick)
    kept = sum(1 for item in plan.items if item.kept)
    bubbles = [_item(tr, language, plan, item) for item in plan.items]
    if plan.status == "draft":
        bubbles.append(line.bubble(_("Approve the plan"), [
            _("%(kept)d of %(total)d items kept. Approving makes each kept item a case and refers those with a "
              "service to the agency covering the area.") % {"kept": kept, "total": len(plan.items)}],
            buttons=[line.postback_action(_("Approve"), postback.encode("papprove", id=plan.id),
                                          display_text=_("Approve the plan"))]))
    heading = _("Plan for house %(house_no)s: %(count)d items") % {"house_no": plan.house_no or "-",
                                                                   "count": len(plan.items)}
    return [*line.text(heading), line.flex(heading, line.carousel(bubbles), quick=quick)]


def approved(tr: NullTranslations, language: str, done: Approved, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    lines = [_("Plan approved. Cases: %(refs)s") % {"refs": ", ".join(done.case_refs)}]
    for sent in done.sent:
        view = sent.referral
        lines.append(f"{view.case_ref} · {service_name(view.service, language)}: "
                     f"{_(REFERRAL_STATUS.get(view.status, view.status))}"
                     + (f" ({view.agency_name})" if view.agency_name else ""))
    return line.text("\n".join(lines), quick=quick)


def problem(tr: NullTranslations, reason: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_(PROBLEM[reason]), quick=quick)


def welfare_case_opened(tr: NullTranslations, ref: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_("This household is in the hardship group: welfare case %(ref)s was opened for it. Open the "
                       "case to make its plan; welfare referrals come first.") % {"ref": ref})
