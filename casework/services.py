"""The services agencies handle, as data (``casework/data/services.yaml``): each with its
Thai and English name, the welfare programmes and the needs it serves."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


from casework import data
from casework.cases import NEEDS

SOURCE = "casework/data/services.yaml"


@dataclass(frozen=True)
class Service:
    code: str
    name_th: str
    name_en: str
    programmes: tuple[str, ...]
    needs: tuple[str, ...]


@lru_cache(maxsize=1)
def services() -> dict[str, Service]:
    found = {}
    for code, item in data.load("services.yaml")["services"].items():
        needs = tuple(item.get("needs") or ())
        if unknown := sorted(set(needs) - set(NEEDS)):
            raise ValueError(f"{SOURCE}: service {code} names unknown needs {unknown}")
        found[code] = Service(code=code, name_th=item["name"]["th"], name_en=item["name"]["en"],
                              programmes=tuple(item.get("programmes") or ()), needs=needs)
    return found


def for_need(need: str) -> list[Service]:
    """The services that serve a household's need, in the file's order."""
    return [service for service in services().values() if need in service.needs]
