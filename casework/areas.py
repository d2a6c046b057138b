"""Thai areas by DOPA code: province 2 digits, district 4, sub-district 6, village 8.

Codes nest by prefix, so a scope covers an area exactly when the area's code
starts with the scope's: a district coordinator (``4601``) covers village
``46010105``. Provinces, districts and sub-districts come from geothai; villages
are Kaejon's own (see ``Village``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geothai

LEVELS = {2: "province", 4: "district", 6: "subdistrict", 8: "village"}


@dataclass(frozen=True)
class Area:
    code: str
    level: str
    name_th: str
    name_en: str


def level_of(code: str) -> str | None:
    return LEVELS.get(len(code)) if code.isdigit() else None


def covers(scope_code: str, area_code: str) -> bool:
    return bool(scope_code) and area_code.startswith(scope_code)


@lru_cache(maxsize=20_000)
def official(code: str) -> Area | None:
    """A province, district or sub-district known to geothai, else None."""
    level = level_of(code)
    found = None
    if level == "province":
        found = geothai.province(code)
    elif level == "district":
        found = geothai.district(code)
    elif level == "subdistrict":
        found = geothai.subdistrict(code)
    if found is None:
        return None
    return Area(code=code, level=level or "", name_th=found.name_th, name_en=found.name_en)


def village_parent(code: str) -> Area | None:
    """The sub-district a village code belongs to, if the code is well formed and real."""
    if level_of(code) != "village" or code[6:] == "00":
        return None
    return official(code[:6])


def lineage(code: str) -> list[Area]:
    """Province, district and sub-district above (and including) ``code``, as geothai knows them."""
    return [area for length in (2, 4, 6) if len(code) >= length and (area := official(code[:length]))]


def find_subdistricts(name: str, limit: int = 10) -> list[Area]:
    """Sub-districts whose name matches what someone typed, best first."""
    found = []
    for result in geothai.search(name.strip(), limit=limit * 3):
        if result.level == "subdistrict" and (area := official(result.area.code)) is not None:
            found.append(area)
    return found[:limit]
