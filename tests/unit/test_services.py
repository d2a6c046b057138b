"""The services vocabulary names real programmes and needs, and every need a household
can choose is served by some service."""
from pathlib import Path

import yaml

from casework.cases import NEEDS
from casework.services import for_need, services

RULES = Path(__file__).parents[2] / "casework" / "data" / "rules"


def test_every_programme_named_is_a_welfare_rule():
    programmes = {yaml.safe_load(path.read_text("utf-8"))["programme"] for path in RULES.glob("*.yaml")}
    named = {programme for service in services().values() for programme in service.programmes}
    assert named <= programmes
    assert programmes <= named, "a welfare programme no service handles"


def test_every_need_is_served_and_each_service_is_named_in_thai_and_english():
    assert all(for_need(need) for need in NEEDS)
    assert [service.code for service in for_need("housing")] == ["housing"]
    assert services()["employment"].name_th == "จัดหางานและฝึกอาชีพ"
    assert all(service.name_th and service.name_en for service in services().values())
