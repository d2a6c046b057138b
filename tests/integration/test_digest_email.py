"""Issue 12: an officer who chose email gets the digest from a real SMTP server (aiosmtpd,
started here): plain text and HTML, the whole list as a CSV file whose cells cannot run as
formulas; the same key as on LINE, so switching channel never sends one twice."""
from __future__ import annotations

import csv
import email
import io
import socket
from dataclasses import replace
from email.policy import default

import pytest
from sqlalchemy import update

from bot import clock as clock_process
from bot.bootstrap import bootstrap
from bot.config import Smtp
from casework.digests.schedule import Pacing
from casework.models import Agency
from tests.integration.test_digests import THURSDAY, at, referrals  # noqa: F401
from tests.integration.test_referrals_chat import nok, pilot_agencies  # noqa: F401


class Inbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port: aiosmtpd checks it is up by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mailing(services, smtp):
    inbox, port = smtp
    mailed = bootstrap(replace(services.settings, smtp=Smtp(host="127.0.0.1", port=port, sender="kaejon@test.go.th"),
                               pacing=Pacing(per_second=1e6)))
    yield mailed, inbox
    mailed.engine.dispose()


def test_an_officer_who_chose_email_gets_text_html_and_a_safe_csv(mailing, nok, referrals):  # noqa: F811
    from tests.conftest import drain

    services, inbox = mailing
    with services.uow() as uow:
        uow.session.execute(update(Agency).where(Agency.code == "KLS-MUN").values(name="=HYPERLINK(\"x\")"))
        uow.commit()
    nok.taps("a=nchan&v=email")
    nok.says("nok@kalasin.go.th")
    nok.received()
    assert clock_process.send_digests(services, at(THURSDAY, 8, 0)).queued == 1
    drain(services)
    (mail,) = inbox.messages
    assert mail["To"] == "nok@kalasin.go.th" and mail["From"] == "kaejon@test.go.th"
    assert "เกินกำหนด 2 รายการ" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "KJ-2569-000001" in text and "<td>KJ-2569-000003</td>" in html
    (attached,) = list(mail.iter_attachments())
    assert attached.get_filename() == "kaejon-referrals-2026-12-03.csv"
    rows = list(csv.reader(io.StringIO(attached.get_content().removeprefix("\ufeff"))))
    assert rows[0] == ["หน่วยงาน", "หัวข้อ", "เรื่อง", "บริการ", "พื้นที่", "กำหนด"]
    assert len(rows) == 5 and all(row[0] == "'=HYPERLINK(\"x\")" for row in rows[1:])
    assert nok.received() == [], "by email, not by LINE as well"
    assert clock_process.send_digests(services, at(THURSDAY, 8, 30)).queued == 0
    nok.taps("a=nchan&v=line")
    assert clock_process.send_digests(services, at(THURSDAY, 9, 0)).queued == 0, "one digest a day, on one channel"


def test_without_a_mail_server_configured_an_email_choice_gets_line(services, nok, referrals):  # noqa: F811
    quick = bootstrap(replace(services.settings, pacing=Pacing(per_second=1e6)))
    try:
        nok.taps("a=nchan&v=email")
        nok.says("nok@kalasin.go.th")
        nok.received()
        assert clock_process.send_digests(quick, at(THURSDAY, 8, 0)).queued == 1
        assert len(nok.received()) == 2
    finally:
        quick.engine.dispose()


def test_a_leader_who_chose_email_gets_reminders_by_email(mailing, kanya):
    from datetime import timedelta

    from casework.models import Visit
    from tests import registry_data
    from tests.conftest import drain
    from tests.integration.test_digests import account_id

    services, inbox = mailing
    home = registry_data.household(services, status="verified")
    with services.uow() as uow:
        uow.session.add(Visit(household_id=home, visited_by=account_id(services, kanya),
                              visited_at=at(THURSDAY, 10) - timedelta(days=7), next_visit_on=THURSDAY))
        uow.commit()
    kanya.taps("a=nchan&v=email")
    kanya.says("kanya@kalasin.go.th")
    kanya.received()
    assert clock_process.send_digests(services, at(THURSDAY, 8, 0)).queued == 1
    drain(services)
    (mail,) = inbox.messages
    assert mail["To"] == "kanya@kalasin.go.th" and "ถึงวันเยี่ยมติดตาม 1" in mail["Subject"]
    assert "12" in mail.get_body(("plain",)).get_content()
    assert kanya.received() == []
