"""The administration commands (invite, village, agency) through the command line: the
same use cases as the chat, with the operator as the actor the audit log names."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select

from casework import accounts
from casework.models import Agency, AuditEntry, Invite, Village


@pytest.fixture
def kaejon(database_url, monkeypatch):
    from bot.commands import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    monkeypatch.setattr("bot.commands.operator.getpass.getuser", lambda: "somsri")
    return lambda *args: CliRunner().invoke(cli, list(args))


def rows(database_url, query):
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(query).all()
    finally:
        engine.dispose()


def test_an_invite_is_printed_once_and_audited_with_the_operator(kaejon, database_url):
    result = kaejon("invite", "--role", "coordinator", "--area", "4601", "--name", "Prasert")
    assert result.exit_code == 0, result.output
    first, code = result.output.splitlines()
    assert first == "Invite for Prasert (coordinator, 4601), valid 7 days. Send this code in the Kaejon chat:"
    assert accounts.looks_like_invite(code)
    assert rows(database_url, select(Invite.role, Invite.area_code, Invite.created_by)) == \
        [("coordinator", "4601", "cli:somsri")]
    assert rows(database_url, select(AuditEntry.actor, AuditEntry.action)) == [("cli:somsri", "invite.created")]


@pytest.mark.parametrize("args, error", [
    (["--role", "leader", "--area", "4601"], "unknown area code, or the wrong level for this role"),
    (["--role", "agency", "--area", "46"], "agency staff need --agency with a known agency code"),
])
def test_a_wrong_invite_says_why_and_keeps_nothing(kaejon, database_url, args, error):
    result = kaejon("invite", *args, "--name", "Somchai")
    assert result.exit_code == 1 and error in result.output
    assert rows(database_url, select(Invite.id)) == []


def test_a_village_is_added_once(kaejon, database_url):
    for _ in range(2):
        result = kaejon("village", "add", "46010107", "--name", "Ban Nong Bua")
        assert result.exit_code == 0 and result.output == "Village 46010107 is there.\n"
    assert rows(database_url, select(Village.code, Village.name, Village.created_by)) == \
        [("46010107", "Ban Nong Bua", "cli:somsri")]
    assert rows(database_url, select(AuditEntry.actor, AuditEntry.action)) == [("cli:somsri", "village.created")]


@pytest.mark.parametrize("code", ["4601010", "46010100", "99999901"])
def test_a_wrong_village_code_is_explained(kaejon, database_url, code):
    result = kaejon("village", "add", code)
    assert result.exit_code == 1
    assert "a village code is 8 digits: a known sub-district code and a number 01-99" in result.output
    assert rows(database_url, select(Village.code)) == []


def test_an_agency_is_added_once(kaejon, database_url):
    for _ in range(2):
        result = kaejon("agency", "add", "PSDHS-46", "--name", "Kalasin social development office")
        assert result.exit_code == 0 and result.output == "Agency PSDHS-46 is there.\n"
    assert rows(database_url, select(Agency.code, Agency.name)) == [("PSDHS-46", "Kalasin social development office")]
    assert rows(database_url, select(AuditEntry.actor, AuditEntry.action)) == [("cli:somsri", "agency.created")]
