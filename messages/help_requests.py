"""A household's requests for help as it and its leaders see them in chat: asking,
following its requests, a message handed to the leader, and the leader's answers.

Pushes to leaders say in their notification preview (``altText``) only that there is
something new and its reference number; the household's words and address are in
the message itself, in the leader's one-to-one chat.
"""
from __future__ import annotations

from datetime import datetime

from babel.support import NullTranslations

from casework.cases import MAX_DETAILS, MAX_PHOTOS, NEEDS, OPEN, CaseView
from casework.thai_time import THAILAND
from casework.usecases.cases import PAGE_SIZE
from messages import line, postback, referrals
from messages.dates import format_date
from messages.i18n import N_
from messages.line import Message
from messages.registry import area_name

NEED = {
    "money_food": N_("Money or food"),
    "health": N_("Health"),
    "housing": N_("Housing"),
    "job": N_("Work and jobs"),
    "education": N_("Education"),
    "care": N_("Elder/disabled care"),
    "other": N_("Something else"),
    "message": N_("Message the leader"),
}
STATUS = {
    "new": N_("Sent, not yet taken up"),
    "triaged": N_("Taken up by the leader"),
    "planned": N_("Help is being planned"),
    "referred": N_("Passed to an agency"),
    "in_progress": N_("Being worked on"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
    "rejected": N_("Not taken on"),
    "withdrawn": N_("Withdrawn"),
}
UPDATE = {
    "opened": N_("request sent"),
    "acknowledged": N_("taken up by the leader"),
    "relayed": N_("the leader answered"),
    "note": N_("more from the household"),
    "closed": N_("closed"),
    "planned": N_("a plan was made"),
    "referred": N_("passed to an agency"),
    "in_progress": N_("work began"),
    "resolved": N_("resolved"),
    "reopened": N_("reopened"),
    "rejected": N_("not taken on"),
    "withdrawn": N_("withdrawn"),
    "confirmed": N_("the household said it was solved"),
}
PROBLEM = {
    "too_long": N_("That is too long. Please keep it under %(max)d characters."),
    "too_many_photos": N_("A request can carry up to %(max)d photos."),
    "bad_location": N_("That location could not be read. Please send it again."),
    "not_kept": N_("Stickers and other messages cannot be kept with a request."),
    "choose_need": N_("Please choose what you need help with from the buttons below."),
}


def need_label(tr: NullTranslations, need: str) -> str:
    return tr.gettext(NEED.get(need, need))


def typed_need(tr: NullTranslations, text: str) -> str | None:
    """People type a button's label too: the need whose label they typed."""
    typed = " ".join(text.split()).casefold()
    for need in NEEDS:
        if typed in {tr.gettext(NEED[need]).casefold(), NEED[need].casefold()}:
            return need
    return None


def typed_send(tr: NullTranslations, text: str) -> bool:
    typed = " ".join(text.split()).casefold()
    return typed in {tr.gettext("Send request").casefold(), "send request"}


def _when(value: datetime, language: str) -> str:
    return format_date(value.astimezone(THAILAND), language, short=True)


# ---------------------------------------------------------------- the household asks


def not_linked(tr: NullTranslations, quick: list[Message], *, registered_on: str | None = None) -> list[Message]:
    """Not linked yet: how to be linked; for one who registered (on ``registered_on``), that it waits."""
    _ = tr.gettext
    if registered_on is not None:
        return line.text(_("Your registration of %(date)s waits for your community leader. Once they have linked "
                           "your LINE to your household, you can ask for help and follow your requests here.") % {
            "date": registered_on}, quick=quick)
    register = line.postback_action(_("Register household"), postback.encode("register_self"),
                                     display_text=_("Register household"))
    rest = [item for item in quick if item.get("data") != postback.encode("register_self")]
    return line.text(_("To ask for help or follow your requests, your LINE must first be linked to your "
                       "household.\n- If your household is already listed, your community leader links it when "
                       "you meet.\n- If not, tap \"Register household\" and your leader will visit."),
                     quick=[register, *rest][:line.MAX_QUICK_REPLY_ITEMS])


def ask_need(tr: NullTranslations, *, added: str | None = None) -> list[Message]:
    _ = tr.gettext
    choices = [line.postback_action(_(NEED[need]), postback.encode("hr", need=need), display_text=_(NEED[need]))
               for need in NEEDS]
    question = _("What do you need help with? Choose one.")
    return line.text(f"{added}\n{question}" if added else question, quick=[*choices, _cancel(tr)])


def ask_details(tr: NullTranslations, need: str, *, added: str | None = None) -> list[Message]:
    """The details step: what was just added, if anything, and how to go on."""
    _ = tr.gettext
    lines = [added] if added else [_("Help with: %(need)s") % {"need": need_label(tr, need)}]
    lines.append(_("You can tell us more: type a message, or send photos or your location. When you are "
                   "ready, tap \"Send request\"."))
    return line.text("\n".join(lines), quick=[
        line.postback_action(_("Send request"), postback.encode("hr", send=1), display_text=_("Send request")),
        line.camera_action(_("Take a photo")), line.camera_roll_action(_("Choose a photo")),
        line.location_action(_("Send my location")), _cancel(tr)])


def added(tr: NullTranslations, what: str, count: int = 0) -> str:
    _ = tr.gettext
    if what == "photo":
        return _("Photo added (%(count)d of %(max)d).") % {"count": count, "max": MAX_PHOTOS}
    if what == "location":
        return _("Location added.")
    return _("Message added.")


def problem(tr: NullTranslations, reason: str) -> list[Message]:
    """What was wrong, plainly (``reason``: a key of ``PROBLEM``; anything else reads as "not kept")."""
    limits = {"too_long": MAX_DETAILS, "too_many_photos": MAX_PHOTOS}
    text = tr.gettext(PROBLEM.get(reason, PROBLEM["not_kept"]))
    return line.text(text % {"max": limits[reason]} if reason in limits else text)


def sent(tr: NullTranslations, ref: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Your request was sent to your community leader.\nReference number: %(ref)s\nQuote it "
                       "when you ask about this request, and follow it under \"My requests\".") % {"ref": ref},
                     quick=quick)


def cancelled(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Cancelled. Nothing was sent."), quick=quick)


def _cancel(tr: NullTranslations) -> Message:
    _ = tr.gettext
    return line.postback_action(_("Cancel"), postback.encode("hr", cancel=1), display_text=_("Cancel"))


# ---------------------------------------------------------------- the household follows


def my_requests(tr: NullTranslations, language: str, total: int, shown: list[CaseView],
                quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    if total == 0 or not shown:
        return line.text(_("You have not asked for help yet. Tap \"Ask for help\" when you need it."), quick=quick)
    bubbles = [line.bubble(view.ref, [
        _("Help with: %(need)s") % {"need": need_label(tr, view.need)},
        _("Status: %(status)s") % {"status": _(STATUS.get(view.status, view.status))},
        _("Sent: %(date)s") % {"date": _when(view.created_at, language)},
        _("Last update: %(date)s, %(what)s") % {"date": _when(view.updated_at, language),
                                                 "what": _(UPDATE.get(view.last_kind, view.last_kind))}],
        buttons=[line.postback_action(_("History"), postback.encode("vtl", c=view.id), display_text=_("History"))])
        for view in shown[:line.MAX_CAROUSEL_BUBBLES]]
    heading = _("Your requests (%(count)d)") % {"count": total}
    messages: list[Message] = []
    if total > len(bubbles):
        messages += line.text(_("Your %(shown)d latest requests of %(total)d:") % {"shown": len(bubbles),
                                                                                  "total": total})
    return [*messages, line.flex(heading, line.carousel(bubbles), quick=quick)]


# ---------------------------------------------------------------- hand-off to a person


def offer_handoff(tr: NullTranslations, *, more: bool = False, joins: str | None = None) -> list[Message]:
    """Offer to pass words not understood to the leader; ``joins``: the household's request
    still open (``KJ-… (Housing)``), which they would be added to."""
    _ = tr.gettext
    if joins:
        text = _("Added to your message. Add it to your request %(request)s?") % {"request": joins} if more else _(
            "I did not understand that. Shall I add your message to your request %(request)s? Your community "
            "leader will see it and can answer you here.") % {"request": joins}
        send = _("Add to my request")
    else:
        text = _("Added to your message. Send it to your community leader?") if more else _(
            "I did not understand that. Shall I send your message to your community leader? They can answer you "
            "here.")
        send = _("Send to my leader")
    return line.text(text, quick=[
        line.postback_action(send, postback.encode("handoff", send=1), display_text=send),
        line.postback_action(_("Don't send"), postback.encode("handoff", no=1), display_text=_("Don't send"))])


def tap_send_or_not(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Please tap a button: send your message to your community leader, or not."))


def handoff_sent(tr: NullTranslations, ref: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Sent to your community leader (%(ref)s). The answer will come to this chat.") % {
        "ref": ref}, quick=quick)


def handoff_added(tr: NullTranslations, ref: str, need: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Added to your request %(ref)s (%(need)s). Your community leader has been told; the answer "
                       "will come to this chat.") % {"ref": ref, "need": need}, quick=quick)


def handoff_dropped(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("All right, I did not send it. Here is what you can do."), quick=quick)


def taken_up(tr: NullTranslations, ref: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Your community leader has taken up your request %(ref)s.") % {"ref": ref})


def answered(tr: NullTranslations, ref: str, leader: str, text: str) -> list[Message]:
    _ = tr.gettext
    heading = _("Your community leader %(name)s answered about %(ref)s:") % {"name": leader, "ref": ref} \
        if leader else _("Your community leader answered about %(ref)s:") % {"ref": ref}
    return line.text(f"{heading}\n{text}")


def closed(tr: NullTranslations, ref: str, outcome: str | None = None, *, case_id: int | None = None,
           need: str | None = None) -> list[Message]:
    """The household's request was closed: how it ended, in words, and (with ``case_id``)
    the question whether its problem is solved, answered by a tap."""
    _ = tr.gettext
    request = f"{ref} ({need_label(tr, need)})" if need else ref
    lines = [_("Your community leader closed your request %(request)s.") % {"request": request}]
    if outcome in ENDED:
        lines.append(_(ENDED[outcome]))
    if case_id is None or outcome == "duplicate":  # nothing to answer: the other request goes on
        lines.append(_("If you still need help, tap \"Ask for help\" again."))
        return line.text("\n".join(lines))
    lines.append(_("Is your problem solved?"))
    return line.text("\n".join(lines), quick=referrals.solved_buttons(tr, case_id))


# How a closed request ended, as its household is told.
ENDED = {
    "helped": N_("Outcome: your problem was solved."),
    "partly_helped": N_("Outcome: your problem was partly solved."),
    "not_helped": N_("Outcome: it could not be solved this time."),
    "no_longer_needed": N_("Outcome: the help is no longer needed."),
    "moved_away": N_("Outcome: your household has moved away."),
    "duplicate": N_("Outcome: it repeats another of your requests."),
}


def verdict(tr: NullTranslations, ref: str, outcome: str, solved: bool | None, quick: list[Message]
            ) -> list[Message]:
    """What came of the household's "solved" / "not solved" (``outcome``: a
    ``casework.usecases.requests`` verdict)."""
    _ = tr.gettext
    if outcome == "solved":
        text = _("Thank you. We have recorded that %(ref)s is solved.") % {"ref": ref}
    elif outcome == "reopened":
        text = _("We have reopened %(ref)s and told your community leader, who will contact you.") % {"ref": ref}
    elif outcome == "already":
        text = (_("You already answered that %(ref)s is solved.") if solved else
                _("You already answered that %(ref)s is not solved; it was reopened.")) % {"ref": ref}
    else:
        text = _("%(ref)s is still open; your community leader is working on it.") % {"ref": ref}
    return line.text(text, quick=quick)


def reopened_notice(tr: NullTranslations, language: str, view: CaseView) -> list[Message]:
    """Pushed to the area's leaders: a household says its closed request is not solved."""
    _ = tr.gettext
    card = line.bubble(_("Not solved: reopened"), [
        _("The household says its problem is not solved, so the request was reopened."),
        _("Help with: %(need)s") % {"need": need_label(tr, view.need)},
        _("House number: %(house_no)s") % {"house_no": view.house_no or "-"},
        _("Area: %(area)s") % {"area": area_name(view.village_code, language)}],
        subtitle=view.ref, accent="#A61B1B",
        buttons=[line.postback_action(_("Open"), postback.encode("case", id=view.id), display_text=view.ref)])
    return [line.flex(_("Reopened %(ref)s") % {"ref": view.ref}, card)]


# ---------------------------------------------------------------- leaders


def new_case_notice(tr: NullTranslations, language: str, view: CaseView) -> list[Message]:
    """Pushed to the area's leaders when a household asks for help."""
    _ = tr.gettext
    card = line.bubble(_("New request for help"), [
        _("Help with: %(need)s") % {"need": need_label(tr, view.need)},
        _("House number: %(house_no)s") % {"house_no": view.house_no or "-"},
        _("Area: %(area)s") % {"area": area_name(view.village_code, language)}],
        subtitle=view.ref, accent="#A61B1B",
        buttons=[line.postback_action(_("Open"), postback.encode("case", id=view.id), display_text=view.ref)])
    return [line.flex(_("New request %(ref)s") % {"ref": view.ref}, card)]


def handoff_notice(tr: NullTranslations, language: str, view: CaseView, text: str, *, more: bool) -> list[Message]:
    """Pushed to the area's leaders: a household's message the bot passed on, with a Reply button."""
    _ = tr.gettext
    title = _("More from a household") if more else _("Message from a household")
    lines = [_("Added to the request: %(need)s") % {"need": need_label(tr, view.need)}] if more else []
    card = line.bubble(title, [
        *lines,
        _("House number: %(house_no)s") % {"house_no": view.house_no or "-"},
        _("Area: %(area)s") % {"area": area_name(view.village_code, language)},
        f"\u201c{line.shorten(text, 1000)}\u201d"],
        subtitle=view.ref, accent="#00595C", buttons=[
            line.postback_action(_("Reply"), postback.encode("creply", id=view.id), display_text=_("Reply")),
            line.postback_action(_("Open"), postback.encode("case", id=view.id), display_text=view.ref)])
    return [line.flex(_("Message from a household (%(ref)s)") % {"ref": view.ref}, card)]


def open_requests(tr: NullTranslations, language: str, total: int, shown: list[CaseView], page: int,
                  quick: list[Message]) -> list[Message]:
    """The open requests of a leader's areas, longest untouched first, each with "Open"."""
    _ = tr.gettext
    if total == 0 or not shown:
        return line.text(_("No open requests for help in your area."), quick=quick)
    bubbles = [line.bubble(view.ref, [
        _("Status: %(status)s") % {"status": _(STATUS.get(view.status, view.status))},
        _("House number: %(house_no)s") % {"house_no": view.house_no or "-"},
        _("Area: %(area)s") % {"area": area_name(view.village_code, language)},
        _("Last update: %(date)s") % {"date": _when(view.updated_at, language)}],
        subtitle=need_label(tr, view.need),
        buttons=[line.postback_action(_("Open"), postback.encode("case", id=view.id), display_text=view.ref)])
        for view in shown[:PAGE_SIZE]]
    if total > (page + 1) * PAGE_SIZE:
        bubbles.append(line.bubble(_("More requests"), [_("%(count)d more") % {
            "count": total - (page + 1) * PAGE_SIZE}],
            buttons=[line.postback_action(_("Next page"), postback.encode("open_cases", p=page + 1))]))
    heading = tr.ngettext("%(count)d open request", "%(count)d open requests", total) % {"count": total}
    return [*line.text(heading), line.flex(heading, line.carousel(bubbles), quick=quick)]


def case_card(tr: NullTranslations, language: str, view: CaseView, quick: list[Message]) -> list[Message]:
    """A case as its area's leaders see it, with what they can do next."""
    _ = tr.gettext
    lines = [_("Status: %(status)s") % {"status": _(STATUS.get(view.status, view.status))},
             _("House number: %(house_no)s") % {"house_no": view.house_no or "-"},
             _("Area: %(area)s") % {"area": area_name(view.village_code, language)},
             _("Sent: %(date)s") % {"date": _when(view.created_at, language)}]
    if view.details:
        lines.append(f"\u201c{line.shorten(view.details, 1000)}\u201d")
    lines.append(_("Location: %(state)s · Photos: %(count)d") % {
        "state": _("recorded") if view.location else _("not yet"), "count": view.photos})
    for update in view.updates[:3]:
        entry = f"{_when(update.at, language)} · {_(UPDATE.get(update.kind, update.kind))}"
        lines.append(f"{entry}: {line.shorten(update.note, 200)}" if update.note else entry)
    buttons = []
    for number, referred in enumerate(view.referrals[-3:], start=1):
        lines.append(_("Referral %(number)d: %(service)s · %(agency)s · %(status)s") % {
            "number": number, "service": referrals.service_name(referred.service, language),
            "agency": referred.agency or "-", "status": _(referrals.STATUS.get(referred.status, referred.status))})
        buttons.append(line.postback_action(_("Open referral %(number)d") % {"number": number},
                                            postback.encode("ref", id=referred.id)))
    if view.status == "new":
        buttons.append(line.postback_action(_("Take it up"), postback.encode("cack", id=view.id),
                                            display_text=_("Take it up")))
    if view.status in OPEN:
        buttons.append(line.postback_action(_("Reply"), postback.encode("creply", id=view.id),
                                            display_text=_("Reply")))
        buttons.append(line.postback_action(_("Log a visit"), postback.encode("vlog", c=view.id),
                                            display_text=_("Log a visit")))
        buttons.append(line.postback_action(_("Make a plan"), postback.encode("plan", h=view.household_id,
                                                                               c=view.id),
                                            display_text=_("Make a plan")))
        buttons.append(line.postback_action(_("Close the request"), postback.encode("cclose", id=view.id),
                                            display_text=_("Close the request")))
    buttons.append(line.postback_action(_("History"), postback.encode("vtl", c=view.id), display_text=_("History")))
    if view.photos:
        buttons.append(line.postback_action(_("See the photos"), postback.encode("cphotos", id=view.id),
                                            display_text=_("See the photos")))
    if view.location:
        buttons.append(line.uri_action(_("Map"), "https://www.google.com/maps/search/?api=1&query="
                                       f"{view.location[0]:.6f},{view.location[1]:.6f}"))
    card = line.bubble(view.ref, lines, subtitle=need_label(tr, view.need), buttons=buttons)
    return [line.flex(view.ref, card, quick=quick)]


def case_photos(tr: NullTranslations, ref: str, urls: list[str | None], quick: list[Message]) -> list[Message]:
    """A request's photos as image messages (at most four, after one line saying whose), or
    why they cannot be shown."""
    _ = tr.gettext
    shown = [url for url in urls if url]
    if not urls:
        return line.text(_("No photo of %(ref)s has arrived yet.") % {"ref": ref}, quick=quick)
    if not shown:
        return line.text(_("The photos cannot be shown: the service has no public address set "
                           "(KAEJON_PUBLIC_URL)."), quick=quick)
    images = [line.image(url, url) for url in shown[:4]]
    if quick:
        images[-1]["quickReply"] = line.quick_reply(quick)
    heading = tr.ngettext("%(count)d photo of %(ref)s (the links work for an hour):",
                          "%(count)d photos of %(ref)s (the links work for an hour):", len(shown)) % {
        "count": len(shown), "ref": ref}
    return [*line.text(heading), *images]


def acknowledged(tr: NullTranslations, ref: str, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("You took up %(ref)s. The household has been told.") % {"ref": ref}, quick=quick)


def unchanged(tr: NullTranslations, status: str) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Nothing changed: this request is already \"%(status)s\".") % {
        "status": _(STATUS.get(status, status))})


def ask_reply(tr: NullTranslations, ref: str, case_id: int) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Type your answer to the household (%(ref)s). It will be sent to their chat.") % {
        "ref": ref}, quick=[line.postback_action(_("Cancel"), postback.encode("creply", id=case_id, cancel=1),
                                                 display_text=_("Cancel"))])


def reply_too_late(tr: NullTranslations, ref: str, case_id: int) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Not sent to the household: this came long after you tapped \"Reply\" for %(ref)s. Tap "
                       "it again to answer.") % {"ref": ref}, quick=[
        line.postback_action(_("Reply"), postback.encode("creply", id=case_id), display_text=_("Reply"))])


def type_the_reply(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Please type your answer as text."))


def reply_sent(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Sent to the household."), quick=quick)


def reply_cancelled(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Not sent."), quick=quick)


def not_reachable(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("The household's LINE is no longer linked to it, so nothing was sent."), quick=quick)


OUTCOME = {
    "helped": N_("Solved"),
    "partly_helped": N_("Partly solved"),
    "not_helped": N_("Could not be solved"),
    "no_longer_needed": N_("No longer needed"),
    "moved_away": N_("Moved away"),
    "duplicate": N_("Duplicate request"),
}


def confirm_close(tr: NullTranslations, ref: str, case_id: int, version: int) -> list[Message]:
    """Closing asks once, with how it ended; the household is told in those words."""
    _ = tr.gettext
    return line.text(_("Close %(ref)s? How did it end? The household will be told.") % {"ref": ref}, quick=[
        *(line.postback_action(_(label), postback.encode("cclose", id=case_id, ok=1, o=outcome, v=version),
                               display_text=_(label)) for outcome, label in OUTCOME.items()),
        line.postback_action(_("Cancel"), postback.encode("case", id=case_id), display_text=_("Cancel"))])


def closed_by_leader(tr: NullTranslations, quick: list[Message]) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Closed. The household has been told."), quick=quick)
