"""A staff member's digest settings as a card, and the questions that change them."""
from __future__ import annotations

from datetime import time

from babel.support import NullTranslations

from casework.usecases.notifications import Preferences
from messages import line, postback
from messages.i18n import N_
from messages.line import Message

TIMES = (time(7, 0), time(8, 0), time(9, 0), time(12, 0), time(16, 30))


def _action(label: str, action: str, **params: str | int) -> Message:
    return line.postback_action(label, postback.encode(action, **params), display_text=label)


def _clock(value: time) -> str:
    return f"{value:%H:%M}"


def settings(tr: NullTranslations, prefs: Preferences, quick: list[Message], *, changed: bool = False
             ) -> list[Message]:
    _ = tr.gettext
    lines = [_("Every working day at %(time)s") % {"time": _clock(prefs.send_at)},
             _("Paused: you get nothing until you resume.") if prefs.paused else _("On"),
             _("By email to %(email)s") % {"email": prefs.email} if prefs.channel == "email" else _("By LINE"),
             _("When nothing waits: a short all clear") if prefs.all_clear else _("When nothing waits: nothing")]
    buttons = [_action(_("Change the time"), "ntime"),
               _action(_("Resume") if prefs.paused else _("Pause"), "npause", v=0 if prefs.paused else 1),
               _action(_("All clear off") if prefs.all_clear else _("All clear on"), "nclear",
                       v=0 if prefs.all_clear else 1),
               _action(_("By LINE") if prefs.channel == "email" else _("By email"), "nchan",
                       v="line" if prefs.channel == "email" else "email")]
    title = _("Saved: your digest and reminders") if changed else _("Your digest and reminders")
    return [line.flex(title, line.bubble(title, lines, buttons=buttons), quick=quick)]


def ask_time(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    choices = [_action(_clock(value), "ntime", t=f"{value:%H%M}") for value in TIMES]
    picker = {"type": "datetimepicker", "label": _("Another time"), "data": postback.encode("ntime"),
              "mode": "time"}
    return line.text(_("At what time should your digest and reminders come (Thai time, working days)?"),
                     quick=[*choices, picker])


def ask_email(tr: NullTranslations) -> list[Message]:
    _ = tr.gettext
    return line.text(_("Type the email address for your digest (only you and the system will see it)."),
                     quick=[_action(_("Cancel"), "nchan", v="cancel")])


BAD_TIME = N_("Please choose a time from the buttons.")
