"""The Procfile's processes against PostgreSQL and the LINE stand-in, for real."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.system import System, launched


@pytest.fixture(scope="module")
def system(request, tmp_path_factory) -> Iterator[System]:
    if "postgresql" not in request.config.getoption("databases"):
        pytest.skip("the end-to-end tests run on PostgreSQL, which --databases left out")
    with launched(tmp_path_factory.mktemp("logs")) as running_system:
        yield running_system


@pytest.fixture
def running(system: System) -> Iterator[System]:
    """The system with two worker processes, as on a platform with ``worker`` scaled to 2."""
    system.clear_faults()
    system.start_worker()
    system.start_worker()
    yield system
    system.stop_workers()
    system.clear_faults()
