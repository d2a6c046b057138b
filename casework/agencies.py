"""The agency registry: each agency's kind, the services it handles with their service
levels, and the areas it covers; read from a data file (docs/agencies.md) and used to
route a referral to the agency covering the household's area for a service."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import areas, audit
from casework.crypto import Sealer
from casework.models import Agency, AgencyArea, AgencyService
from casework.services import services

KINDS = ("social_development", "local_administration", "employment", "health", "education", "civil_society",
         "private")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,31}")
MAX_DAYS = 365
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class AgencyFileError(ValueError):
    """An agency file that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class ServiceLevel:
    """Accept a referral within ``accept_days`` working days; complete it within ``complete_days`` days."""

    service: str
    accept_days: int
    complete_days: int


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    services: tuple[ServiceLevel, ...]
    areas: tuple[str, ...]


def known_area(code: str) -> bool:
    """A province, district or sub-district geothai knows, or a village under one."""
    if areas.level_of(code) == "village":
        return areas.village_parent(code) is not None
    return areas.official(code) is not None


def read(path: Path) -> list[AgencySpec]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise AgencyFileError(f"{path}: cannot be read as YAML ({error.__class__.__name__})") from None
    return parse(data, str(path))


def parse(data: Any, source: str) -> list[AgencySpec]:
    """Every agency in ``data`` (``{agencies: [...]}``), checked whole before any is used."""
    if not isinstance(data, dict) or not isinstance(data.get("agencies"), list):
        raise AgencyFileError(f"{source}: expected a list under 'agencies'")
    specs, seen = [], set()
    for index, item in enumerate(data["agencies"], start=1):
        spec = _agency(item, f"{source}: agency {index}")
        if spec.code in seen:
            raise AgencyFileError(f"{source}: agency {spec.code} is listed twice")
        seen.add(spec.code)
        specs.append(spec)
    return specs


def _agency(item: Any, where: str) -> AgencySpec:
    if not isinstance(item, dict):
        raise AgencyFileError(f"{where}: expected code, name, kind, areas and services")
    code, name, kind = str(item.get("code") or ""), str(item.get("name") or "").strip(), item.get("kind")
    if not CODE.fullmatch(code):
        raise AgencyFileError(f"{where}: code must be 1-32 letters, digits or '-'")
    where = f"{where} ({code})"
    if not name or len(name) > 200:
        raise AgencyFileError(f"{where}: name must be 1-200 characters")
    if kind not in KINDS:
        raise AgencyFileError(f"{where}: kind must be one of {', '.join(KINDS)}")
    codes = item.get("areas") or []
    if not isinstance(codes, list) or not all(isinstance(c, (str, int)) for c in codes):
        raise AgencyFileError(f"{where}: areas must be a list of area codes")
    codes = [str(c) for c in codes]
    if unknown := [c for c in codes if not known_area(c)]:
        raise AgencyFileError(f"{where}: unknown area codes {', '.join(unknown)} (province 2 digits, district 4, "
                              "sub-district 6, village 8)")
    levels = item.get("services") or {}
    if not isinstance(levels, dict):
        raise AgencyFileError(f"{where}: services must map a service code to accept_days and complete_days")
    return AgencySpec(code=code, name=name, kind=kind, areas=tuple(sorted(set(codes))),
                      services=tuple(_level(service, level, where) for service, level in sorted(levels.items())))


def _level(service: Any, level: Any, where: str) -> ServiceLevel:
    if service not in services():
        raise AgencyFileError(f"{where}: unknown service {service!r} (see casework/data/services.yaml)")
    if not isinstance(level, dict):
        raise AgencyFileError(f"{where}: service {service} needs accept_days and complete_days")
    accept, complete = level.get("accept_days"), level.get("complete_days")
    for value in (accept, complete):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_DAYS:
            raise AgencyFileError(f"{where}: service {service}: accept_days and complete_days are whole days, "
                                  f"1-{MAX_DAYS}")
    return ServiceLevel(service=service, accept_days=accept, complete_days=complete)


def by_code(session: Session, code: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.code == code))


def spec_of(session: Session, agency: Agency) -> AgencySpec:
    """An agency as it stands, in the shape the data file gives it."""
    levels = session.scalars(select(AgencyService).where(AgencyService.agency_id == agency.id)
                             .order_by(AgencyService.service)).all()
    codes = session.scalars(select(AgencyArea.area_code).where(AgencyArea.agency_id == agency.id)
                            .order_by(AgencyArea.area_code)).all()
    return AgencySpec(code=agency.code, name=agency.name, kind=agency.kind or "", areas=tuple(codes),
                      services=tuple(ServiceLevel(row.service, row.accept_days, row.complete_days)
                                     for row in levels))


def _fields(spec: AgencySpec) -> dict[str, Any]:
    return {"name": spec.name, "kind": spec.kind or None, "areas": list(spec.areas),
            "services": [f"{level.service}:{level.accept_days}/{level.complete_days}" for level in spec.services]}


def apply(session: Session, sealer: Sealer, spec: AgencySpec, *, actor: str, now: datetime) -> str:
    """Make agency ``spec.code`` exactly as ``spec`` says (its services and areas replaced),
    audited; ``created``, ``updated`` or ``unchanged``."""
    agency = by_code(session, spec.code)
    before: dict[str, Any] = {}
    if agency is None:
        agency = Agency(code=spec.code, name=spec.name, kind=spec.kind, created_at=now)
        session.add(agency)
        session.flush()
    else:
        before = _fields(spec_of(session, agency))
    changes = audit.diff(before, _fields(spec))
    if not changes:
        return UNCHANGED
    agency.name, agency.kind = spec.name, spec.kind
    for row in session.scalars(select(AgencyService).where(AgencyService.agency_id == agency.id)):
        session.delete(row)
    for row in session.scalars(select(AgencyArea).where(AgencyArea.agency_id == agency.id)):
        session.delete(row)
    session.flush()
    session.add_all([AgencyService(agency_id=agency.id, service=level.service, accept_days=level.accept_days,
                                   complete_days=level.complete_days) for level in spec.services])
    session.add_all([AgencyArea(agency_id=agency.id, area_code=code) for code in spec.areas])
    outcome = UPDATED if before else CREATED
    audit.record(session, sealer, actor=actor, action=f"agency.{outcome}", entity="agency", entity_id=spec.code,
                 area_code=None, now=now, changes=changes)
    return outcome


def covering(session: Session, area_code: str, service: str) -> Agency | None:
    """The agency to route a referral for ``service`` in ``area_code`` to: among those that
    handle the service, the one covering the area most specifically (a village's own
    sub-district administration before the province's office), ties by code; None when
    no agency covers it (the coordinator then picks one)."""
    prefixes = [area_code[:length] for length in (2, 4, 6, 8) if len(area_code) >= length]
    rows = session.execute(
        select(Agency, AgencyArea.area_code)
        .join(AgencyArea, AgencyArea.agency_id == Agency.id)
        .join(AgencyService, AgencyService.agency_id == Agency.id)
        .where(AgencyArea.area_code.in_(prefixes), AgencyService.service == service)
    ).all()
    if not rows:
        return None
    agency, _code = min(rows, key=lambda row: (-len(row[1]), row[0].code))
    return agency
