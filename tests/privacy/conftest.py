"""The privacy tests run the integration tests' cast (a leader, two households) through
/callback against the LINE stand-in, on SQLite and PostgreSQL."""
from tests.integration.conftest import clock, kanya, transport  # noqa: F401  (fixtures)
