"""Welfare rights in plain words: each programme's answer, why, what is missing and
what to do next, as a carousel in chat or as text for ``kaejon rights check``.

Phrases are per fact and per kind of comparison, so a new rules file needs no new code
unless it uses a new fact. The carousel holds at most 12 bubbles by construction: the
programmes one can apply for come first, then the ones that cannot be told yet, then
what is already received; the ones not eligible share one summary bubble. The short
questions asked before are in ``messages.rights_questions``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.support import NullTranslations

from casework.entitlements.evaluate import Answer, Check
from casework.entitlements.rules import Benefit, Programme
from casework.rights_questions import text_in as choice_text
from messages import line
from messages.dates import format_date
from messages.i18n import N_
from messages.line import Message

MAX_CAROUSEL_BYTES = 50_000   # LINE refuses a carousel whose JSON is larger
MAX_SUMMARY_LINES = 10
APPLY, CHECK, RECEIVING, NOT_ELIGIBLE = 0, 1, 2, 3
ACCENTS = {APPLY: "#1B5E20", CHECK: "#E65100", RECEIVING: "#0D47A1", NOT_ELIGIBLE: "#616161"}
TICK = "\u2713"

STATUS = {
    APPLY: N_("Can apply"),
    CHECK: N_("Can't tell yet"),
    RECEIVING: N_("Already receiving"),
    NOT_ELIGIBLE: N_("Not eligible"),
}

# A number fact with its value, as a condition's subject.
NUMBER_FACTS = {
    "age": N_("Age %(value)s"),
    "own_income_year": N_("Own income %(value)s baht a year"),
    "household_size": N_("Household of %(value)s people"),
    "household_income_per_person_year": N_("Household income %(value)s baht per person a year"),
    "household_savings": N_("Household savings %(value)s baht"),
    "housing_score": N_("House condition %(value)s of 4"),
    "poverty_group": N_("Household group %(value)s"),
}
MONEY_FACTS = frozenset({"own_income_year", "household_income_per_person_year", "household_savings"})

# How a limit reads when it is met and when it is not.
MET = {"at_least": N_("%(limit)s or over"), "at_most": N_("%(limit)s or under"),
       "below": N_("under %(limit)s"), "above": N_("over %(limit)s")}
FAILED = {"at_least": N_("must be %(limit)s or over"), "at_most": N_("must be %(limit)s or under"),
          "below": N_("must be under %(limit)s"), "above": N_("must be over %(limit)s")}
MET_MONEY = {**MET, "at_most": N_("up to %(limit)s")}
FAILED_MONEY = {**FAILED, "at_most": N_("the limit is %(limit)s"), "below": N_("the limit is under %(limit)s")}

# Yes/no facts as what is true of the person.
YES_NO = {
    ("thai", True): N_("Thai nationality"),
    ("thai", False): N_("Not of Thai nationality"),
    ("disability_card", True): N_("Holds a disability ID card"),
    ("disability_card", False): N_("No disability ID card"),
    ("state_pensioner", True): N_("Receives a state pension"),
    ("state_pensioner", False): N_("No state pension"),
    ("social_security", True): N_("In the social security scheme"),
    ("social_security", False): N_("Not in the social security scheme"),
    ("in_basic_school", True): N_("In school (kindergarten to lower secondary)"),
    ("in_basic_school", False): N_("Not in school"),
}
ASSUMED = {
    ("thai", True): N_("Assuming Thai nationality"),
    ("state_pensioner", False): N_("Assuming no state pension"),
    ("social_security", False): N_("Assuming not in the social security scheme"),
    ("in_basic_school", True): N_("Assuming the child is in school"),
    ("disability_card", True): N_("Assuming a disability ID card"),
}

# What is missing, as the question that would settle it.
QUESTIONS = {
    "age": N_("How old is this person?"),
    "thai": N_("Does this person hold Thai nationality?"),
    "disability_card": N_("Does this person hold a disability ID card?"),
    "own_income_year": N_("What is this person's own income in a year?"),
    "state_pensioner": N_("Does this person receive a state pension?"),
    "social_security": N_("Is this person in the social security scheme?"),
    "in_basic_school": N_("Is the child in school (kindergarten to lower secondary)?"),
    "household_size": N_("How many people live in the household?"),
    "household_income_per_person_year": N_("How much does the whole household earn in a year?"),
    "household_savings": N_("How much do the household's savings come to?"),
    "housing_score": N_("What condition is the house in? A community leader records it on a visit."),
    "poverty_group": N_("Which group did the community leader's check place the household in?"),
}

PER = {"month": N_("%(amount)s baht a month"), "year": N_("%(amount)s baht a year"),
       "case": N_("%(amount)s baht per case"), "house": N_("%(amount)s baht per house")}
UP_TO = {"month": N_("Up to %(amount)s baht a month"), "year": N_("Up to %(amount)s baht a year"),
         "case": N_("Up to %(amount)s baht per case"), "house": N_("Up to %(amount)s baht per house")}


@dataclass(frozen=True)
class Item:
    """One answer to show, and whose it is in words (None: the household's)."""

    answer: Answer
    who: str | None


def category(answer: Answer) -> int:
    if answer.receiving:
        return RECEIVING
    return {"eligible": APPLY, "cannot_tell": CHECK}.get(answer.status, NOT_ELIGIBLE)


def number(value: float) -> str:
    return f"{round(value):,}"


def check_text(tr: NullTranslations, check: Check) -> str:
    """One condition in plain words with the person's value: ``Age 72: 60 or over ✓``."""
    _ = tr.gettext
    if check.op == "is":
        required = check.limit == 1.0
        if check.result == "assumed":
            phrase = ASSUMED.get((check.fact, required))
            return _(phrase) if phrase else _("Assuming: %(fact)s") % {"fact": _(YES_NO[(check.fact, required)])}
        if check.value is None:
            return missing_question(tr, check.fact)
        held = _(YES_NO[(check.fact, check.value == 1.0)])
        return f"{held} {TICK}" if check.result == "met" else held
    limit = number(check.limit)
    if check.value is None:
        if check.result == "assumed":
            return _("Assuming: %(fact)s") % {"fact": _(MET[check.op]) % {"limit": limit}}
        return missing_question(tr, check.fact)
    subject = _(NUMBER_FACTS.get(check.fact, "%(value)s")) % {"value": number(check.value)}
    money = check.fact in MONEY_FACTS
    if check.result == "met":
        return f"{subject}: {_((MET_MONEY if money else MET)[check.op]) % {'limit': limit}} {TICK}"
    return f"{subject}: {_((FAILED_MONEY if money else FAILED)[check.op]) % {'limit': limit}}"


def missing_question(tr: NullTranslations, fact: str) -> str:
    return tr.gettext(QUESTIONS[fact]) if fact in QUESTIONS else fact


def reasons(tr: NullTranslations, answer: Answer) -> list[str]:
    """Why not: each failed condition, naming the limit."""
    return [check_text(tr, check) for check in answer.failed]


def held(tr: NullTranslations, answer: Answer) -> list[str]:
    """Why: each condition met or assumed."""
    return [check_text(tr, check) for check in answer.checks if check.result in ("met", "assumed")]


def missing(tr: NullTranslations, answer: Answer) -> list[str]:
    return list(dict.fromkeys(missing_question(tr, fact) for fact in answer.missing))


def amount_text(tr: NullTranslations, benefit: Benefit, amount: int | None) -> str | None:
    """``700 baht a month``, ``Up to 19,000 baht per house``; None for a service."""
    _ = tr.gettext
    if benefit.per is None:
        return None
    if amount is None:
        return _("The amount depends on facts not known yet")
    return _((UP_TO if benefit.up_to else PER)[benefit.per]) % {"amount": f"{amount:,}"}


def answer_amount(tr: NullTranslations, answer: Answer) -> str | None:
    """The amount as words for this answer; nothing when it is not eligible."""
    return None if answer.status == "not_eligible" else amount_text(tr, answer.version.benefit, answer.amount)


def benefit_line(tr: NullTranslations, language: str, programme: Programme, answer: Answer) -> str | None:
    text = choice_text(programme.benefit_text, language) if programme.benefit_text else ""
    if text:
        return text
    return tr.gettext("A service, not money") if answer.version.benefit.per is None else None


def apply_lines(tr: NullTranslations, language: str, programme: Programme) -> list[str]:
    _ = tr.gettext
    apply = programme.apply
    lines = []
    if apply.get("where"):
        lines.append(_("Where: %(where)s") % {"where": choice_text(apply["where"], language)})
    if apply.get("how"):
        lines.append(_("How: %(how)s") % {"how": choice_text(apply["how"], language)})
    if apply.get("documents"):
        lines.append(_("Bring: %(documents)s") % {
            "documents": ", ".join(choice_text(document, language) for document in apply["documents"])})
    if apply.get("hotline"):
        lines.append(_("Hotline: %(number)s") % {"number": apply["hotline"]})
    return lines


def next_step(tr: NullTranslations, language: str, answer: Answer, *, linked: bool = False) -> str:
    _ = tr.gettext
    kind, apply = category(answer), answer.programme.apply
    if kind == APPLY:
        return _("Next step: apply (%(where)s).") % {"where": choice_text(apply.get("where") or {}, language)}
    if kind == CHECK:
        if linked:
            return _("Next step: ask your community leader to record what is missing at the next visit.")
        return _("Next step: find out what is missing; your community leader can help, or apply and the office "
                 "will check.")
    if kind == RECEIVING:
        if apply.get("hotline"):
            return _("Nothing to do. Questions: call %(number)s.") % {"number": apply["hotline"]}
        return _("Nothing to do.")
    return _("Nothing to do now.")


def explained(tr: NullTranslations, language: str, answer: Answer) -> dict[str, Any]:
    """One answer as plain data with its words (the command line prints it as JSON)."""
    benefit = answer.version.benefit
    return {
        "programme": answer.programme.id,
        "name": choice_text(answer.programme.name, language),
        "status": answer.status,
        "status_text": tr.gettext(STATUS[category(answer)]),
        "receiving": answer.receiving,
        "amount": answer.amount,
        "period": benefit.per,
        "up_to": benefit.up_to,
        "amount_text": answer_amount(tr, answer) or benefit_line(tr, language, answer.programme, answer),
        "rule_version": answer.version.ref,
        "rule_digest": answer.version.digest,
        "in_force_from": answer.version.start.isoformat(),
        "checks": [{"fact": check.fact, "op": check.op, "limit": check.limit, "value": check.value,
                    "result": check.result, "text": check_text(tr, check)} for check in answer.checks],
        "missing": [{"fact": fact, "question": missing_question(tr, fact)} for fact in dict.fromkeys(answer.missing)],
        "next_step": next_step(tr, language, answer),
        "apply": apply_lines(tr, language, answer.programme) if category(answer) in (APPLY, CHECK) else [],
        "source": answer.programme.source,
    }


# The carousel ----------------------------------------------------------------------------

@dataclass
class _Group:
    """Answers that read the same (two children's child support), shown once."""

    answer: Answer
    who: list[str | None]


def _grouped(items: list[Item]) -> list[_Group]:
    groups: dict[tuple[Any, ...], _Group] = {}
    for item in items:
        answer = item.answer
        key = (answer.programme.id, answer.status, answer.amount, answer.receiving, answer.checks)
        if key in groups:
            groups[key].who.append(item.who)
        else:
            groups[key] = _Group(answer, [item.who])
    return sorted(groups.values(), key=lambda group: (category(group.answer), group.answer.programme.order))


def _whose(tr: NullTranslations, group: _Group) -> str:
    return ", ".join(dict.fromkeys(tr.gettext("Your household") if who is None else who for who in group.who))


def _text(value: str, **style: Any) -> Message:
    return line.text_component(value, size="sm", **style)


def _heading(value: str) -> Message:
    return line.text_component(value, size="sm", weight="bold", color="#555555", margin="md")


def _detail(tr: NullTranslations, language: str, group: _Group, *, linked: bool, compact: bool) -> Message:
    _ = tr.gettext
    answer, kind = group.answer, category(group.answer)
    programme = answer.programme
    body: list[Message] = [line.text_component(_(STATUS[kind]), weight="bold", color=ACCENTS[kind])]
    amount = answer_amount(tr, answer)
    if amount:
        if kind == CHECK and answer.amount is not None:
            amount = _("%(amount)s, if eligible") % {"amount": amount}
        body.append(line.text_component(amount, weight="bold", size="lg"))
        if len(group.who) > 1 and answer.amount is not None:
            body.append(_text(tr.ngettext("For %(count)d person", "For each of %(count)d people", len(group.who))
                              % {"count": len(group.who)}))
    benefit = benefit_line(tr, language, programme, answer)
    if benefit and not compact:
        body.append(_text(benefit))
    if kind in (APPLY, CHECK) or (kind == RECEIVING and answer.status == "eligible"):
        why = held(tr, answer)
        if why:
            body.append(_heading(_("Why")))
            body.extend(_text(reason) for reason in why)
    if kind == RECEIVING and answer.status == "not_eligible":
        body.append(_heading(_("The rules do not match the record")))
        body.extend(_text(reason) for reason in reasons(tr, answer))
    if kind == CHECK:
        body.append(_heading(_("To find out")))
        body.extend(_text(f"- {question}") for question in missing(tr, answer))
    if kind in (APPLY, CHECK):
        body.append(_heading(_("How to apply")))
        lines = apply_lines(tr, language, programme)
        body.extend(_text(value) for value in (lines[:1] if compact else lines))
    if kind != APPLY:  # for those, "How to apply" is the next step
        body.append(_text(next_step(tr, language, answer, linked=linked), color="#555555", margin="md"))
    header = [line.text_component(choice_text(programme.name, language), weight="bold", size="md", color="#FFFFFF")]
    header.append(line.text_component(_whose(tr, group), size="sm", color="#FFFFFF"))
    card: Message = {
        "type": "bubble",
        "header": line.box("vertical", header, backgroundColor=ACCENTS[kind], paddingAll="14px"),
        "body": line.box("vertical", body, spacing="sm"),
    }
    hotline = programme.apply.get("hotline")
    if hotline:
        dial = "".join(ch for ch in str(hotline) if ch.isdigit())
        card["footer"] = line.box("vertical", [line.button(
            line.uri_action(_("Call %(number)s") % {"number": hotline}, f"tel:{dial}"))])
    return card


def _summary(tr: NullTranslations, language: str, title: str, lines: list[str], kind: int) -> Message:
    shown = lines[:MAX_SUMMARY_LINES]
    if len(lines) > len(shown):
        shown.append(tr.ngettext("...and %(count)d more", "...and %(count)d more", len(lines) - len(shown)) % {
            "count": len(lines) - len(shown)})
    return {
        "type": "bubble",
        "header": line.box("vertical", [line.text_component(title, weight="bold", size="md", color="#FFFFFF")],
                           backgroundColor=ACCENTS[kind], paddingAll="14px"),
        "body": line.box("vertical", [_text(value) for value in shown], spacing="sm"),
    }


def _label(tr: NullTranslations, language: str, group: _Group) -> str:
    return f"{choice_text(group.answer.programme.name, language)} ({_whose(tr, group)})"


def _not_eligible(tr: NullTranslations, language: str, groups: list[_Group]) -> Message:
    lines = []
    for group in groups:
        why = reasons(tr, group.answer)
        lines.append(f"{_label(tr, language, group)}: {why[0]}" if why else _label(tr, language, group))
    title = tr.ngettext("Not eligible: %(count)d", "Not eligible: %(count)d", len(groups)) % {"count": len(groups)}
    return _summary(tr, language, title, lines, NOT_ELIGIBLE)


def _more(tr: NullTranslations, language: str, groups: list[_Group]) -> Message:
    lines = []
    for group in groups:
        kind = category(group.answer)
        amount = answer_amount(tr, group.answer)
        parts = [tr.gettext(STATUS[kind])] + ([amount] if amount else [])
        lines.append(f"{_label(tr, language, group)}: {', '.join(parts)}")
    return _summary(tr, language, tr.gettext("More rights"), lines, CHECK)


def carousel(tr: NullTranslations, language: str, items: list[Item], *, linked: bool = False,
             compact: bool = False) -> Message | None:
    """At most 12 bubbles: details for what one can get or check, the rest summed up.
    Someone who answered the questions (not ``linked``) is not shown, one by one, the
    programmes their answers rule out (a newborn grant for a 45-year-old): ``rights``
    counts those in one line instead."""
    groups = _grouped(items)
    detailed = [group for group in groups if category(group.answer) != NOT_ELIGIBLE]
    refused = [group for group in groups if category(group.answer) == NOT_ELIGIBLE] if linked else []
    room = line.MAX_CAROUSEL_BUBBLES - (1 if refused else 0)
    bubbles = []
    if len(detailed) > room:
        bubbles = [_detail(tr, language, group, linked=linked, compact=compact) for group in detailed[:room - 1]]
        bubbles.append(_more(tr, language, detailed[room - 1:]))
    else:
        bubbles = [_detail(tr, language, group, linked=linked, compact=compact) for group in detailed]
    if refused:
        bubbles.append(_not_eligible(tr, language, refused))
    return line.carousel(bubbles) if bubbles else None


def rights(tr: NullTranslations, language: str, items: list[Item], on: date, *, quick: list[Message],
           linked: bool) -> list[Message]:
    """The answer to "My rights": a short summary, then the carousel."""
    _ = tr.gettext
    counts = [sum(1 for item in items if category(item.answer) == kind)
              for kind in (APPLY, CHECK, RECEIVING, NOT_ELIGIBLE)]
    summary = [_("Your welfare rights on %(date)s") % {"date": format_date(on, language)}]
    if linked:
        summary.append(_("Can apply: %(apply)d, can't tell yet: %(check)d, already receiving: %(receiving)d, "
                         "not eligible: %(refused)d") % dict(zip(("apply", "check", "receiving", "refused"), counts)))
    else:
        summary.append(_("Can apply: %(apply)d, can't tell yet: %(check)d, already receiving: %(receiving)d") % dict(
            zip(("apply", "check", "receiving"), counts)))
        ruled_out = len({item.answer.programme.id for item in items if category(item.answer) == NOT_ELIGIBLE}
                        - {item.answer.programme.id for item in items if category(item.answer) != NOT_ELIGIBLE})
        if ruled_out:
            summary.append(tr.ngettext("%(count)d other programme does not fit your answers.",
                                       "%(count)d other programmes do not fit your answers.", ruled_out)
                           % {"count": ruled_out})
    summary.append(_("This is a guide from the rules in force; the office you apply to decides."))
    if not linked:
        summary.append(_("Nothing you answered was kept with your name."))
    cards = carousel(tr, language, items, linked=linked)
    if cards is not None and len(json.dumps(cards).encode()) > MAX_CAROUSEL_BYTES:  # escaped: the larger count
        cards = carousel(tr, language, items, linked=linked, compact=True)
    if cards is None and not items:
        return line.text("\n".join([*summary[:1], _("No welfare programme is in force on that date.")]),
                         quick=quick)
    if cards is None:  # every programme was ruled out by the answers: the summary says so
        return line.text("\n".join(summary), quick=quick)
    return [*line.text("\n".join(summary)), line.flex(_("Your welfare rights"), cards, quick=quick)]
