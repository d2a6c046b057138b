"""Data shipped with Kaejon (questionnaires, vocabularies, rules, holidays) as YAML files."""
from __future__ import annotations

from importlib import resources
from typing import Any

import yaml


def load(name: str) -> Any:
    """The YAML file ``name`` shipped in this folder, parsed (``yaml.YAMLError`` if it is not YAML)."""
    with (resources.files(__name__) / name).open("r", encoding="utf-8") as handle:
        return yaml.safe_load(handle)
