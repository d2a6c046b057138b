"""The agency registry: loading the data file from the command line (idempotent,
audited, all or nothing), listing it, and routing a referral to the agency that covers
the household's area for a service."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from casework import agencies
from casework.db import normalize_url
from casework.models import Agency, AgencyArea, AgencyService, AuditEntry

EXAMPLE = Path(__file__).parents[2] / "docs" / "agencies.example.yaml"


@pytest.fixture
def kaejon(database_url, monkeypatch):
    from bot.commands import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("KAEJON_DEMO", raising=False)
    monkeypatch.setattr("bot.commands.operator.getpass.getuser", lambda: "somsri")
    return lambda *args: CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.fixture
def session(database_url):
    engine = create_engine(normalize_url(database_url))
    with Session(engine) as session:
        yield session
    engine.dispose()


def write(tmp_path, entries) -> Path:
    path = tmp_path / "agencies.yaml"
    path.write_text(yaml.safe_dump({"agencies": entries}, allow_unicode=True), encoding="utf-8")
    return path


def office(code="NGO-1", areas=("46",), services=None, **more):
    return {"code": code, "name": "Kalasin helpers", "kind": "civil_society", "areas": list(areas),
            "services": services or {"social_work": {"accept_days": 2, "complete_days": 10}}, **more}


def test_the_pilot_file_loads_once_and_is_audited_by_the_operator(kaejon, session):
    result = kaejon("agency", "load", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["PSDHS-46: created", "KLS-MUN: created", "DOE-46: created",
                                          "HOSP-4601: created"]
    again = kaejon("agency", "load", EXAMPLE)
    assert again.output.splitlines() == ["PSDHS-46: unchanged", "KLS-MUN: unchanged", "DOE-46: unchanged",
                                         "HOSP-4601: unchanged"]
    assert session.execute(select(AuditEntry.actor, AuditEntry.action).order_by(AuditEntry.id)).all() == \
        [("cli:somsri", "agency.created")] * 4
    psdhs = session.scalar(select(Agency).where(Agency.code == "PSDHS-46"))
    assert psdhs.kind == "social_development"
    assert session.scalar(select(func.count()).select_from(AgencyService)) == 11


def test_a_changed_service_level_updates_the_agency(kaejon, session, tmp_path):
    kaejon("agency", "load", write(tmp_path, [office()]))
    changed = office(services={"care": {"accept_days": 3, "complete_days": 20}}, areas=("4601", "4602"))
    result = kaejon("agency", "load", write(tmp_path, [changed]))
    assert result.output == "NGO-1: updated\n"
    assert session.execute(select(AgencyService.service, AgencyService.accept_days,
                                  AgencyService.complete_days)).all() == [("care", 3, 20)]
    assert sorted(session.scalars(select(AgencyArea.area_code))) == ["4601", "4602"]
    assert session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == \
        ["agency.created", "agency.updated"]


@pytest.mark.parametrize("entry, error", [
    (office(kind="temple"), "kind must be one of social_development"),
    (office(areas=("99",)), "unknown area codes 99"),
    (office(areas=("46999901",)), "unknown area codes 46999901"),
    (office(services={"astrology": {"accept_days": 1, "complete_days": 2}}), "unknown service 'astrology'"),
    (office(services={"care": {"accept_days": 0, "complete_days": 2}}), "accept_days and complete_days"),
    (office(services={"care": {"accept_days": "soon", "complete_days": 2}}), "accept_days and complete_days"),
    (office(code="no spaces"), "code must be 1-32 letters"),
    ({"code": "X"}, "name must be"),
    ("just words", "expected code, name"),
])
def test_a_wrong_file_says_where_and_keeps_nothing(kaejon, session, tmp_path, entry, error):
    result = kaejon("agency", "load", write(tmp_path, [office("GOOD-1"), entry]))
    assert result.exit_code == 1
    assert error in result.output and "agency 2" in result.output
    assert session.scalars(select(Agency.code)).all() == []


def test_a_file_that_is_not_an_agency_list_is_refused(kaejon, session, tmp_path):
    path = tmp_path / "agencies.yaml"
    path.write_text("agencies: [\n", encoding="utf-8")
    assert "cannot be read as YAML" in kaejon("agency", "load", path).output
    path.write_text("- code: A\n", encoding="utf-8")
    assert "expected a list under 'agencies'" in kaejon("agency", "load", path).output
    assert "listed twice" in kaejon("agency", "load", write(tmp_path, [office(), office()])).output
    assert session.scalars(select(Agency.code)).all() == []


def test_the_list_shows_kind_areas_and_service_levels(kaejon):
    assert "No agencies yet" in kaejon("agency", "list").output
    kaejon("agency", "load", EXAMPLE)
    kaejon("agency", "add", "RED-46", "--name", "Kalasin Red Cross", "--kind", "civil_society")
    lines = kaejon("agency", "list").output.splitlines()
    assert lines[lines.index("DOE-46  employment  สำนักงานจัดหางานจังหวัดกาฬสินธุ์") + 1:][:2] == \
        ["  areas: 46", "  services: employment 5/30"]
    assert "RED-46  civil_society  Kalasin Red Cross" in lines


def test_add_refuses_an_unknown_kind(kaejon, session):
    result = kaejon("agency", "add", "RED-46", "--name", "Kalasin Red Cross", "--kind", "temple")
    assert result.exit_code == 2
    assert session.scalars(select(Agency.code)).all() == []


@pytest.mark.parametrize("area, service, expected", [
    ("46010105", "housing", "KLS-MUN"),       # the municipality's sub-district before the province
    ("46020101", "housing", "PSDHS-46"),      # outside the municipality: the province's office
    ("46010105", "social_work", "PSDHS-46"),
    ("460101", "health", "HOSP-4601"),
    ("46010105", "employment", "DOE-46"),
    ("46020101", "health", None),             # no hospital covers Na Mon: the coordinator picks
    ("40010101", "social_work", None),        # another province
    ("46010105", "education", None),
])
def test_a_referral_goes_to_the_most_specific_agency_covering_the_area(kaejon, session, area, service, expected):
    kaejon("agency", "load", EXAMPLE)
    found = agencies.covering(session, area, service)
    assert (found.code if found else None) == expected


def test_equally_specific_agencies_are_chosen_by_code(kaejon, session, tmp_path):
    kaejon("agency", "load", write(tmp_path, [office("NGO-B", areas=("4601",)), office("NGO-A", areas=("4601",)),
                                              office("NGO-0", areas=("46",))]))
    assert agencies.covering(session, "46010105", "social_work").code == "NGO-A"


def test_the_demo_cast_uses_the_same_agency_file_shape():
    cast = yaml.safe_load((Path(__file__).parents[2] / "bot" / "dev" / "demo" / "cast.yaml").read_text("utf-8"))
    assert [spec.code for spec in agencies.parse(cast, "cast.yaml")] == ["PSDHS-46", "KLS-MUN"]
