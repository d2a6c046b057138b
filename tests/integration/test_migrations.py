"""The migrations build exactly the tables the models describe, on both backends."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from casework import migrate
from casework.db import normalize_url
from casework.models import Base


def test_migrated_schema_matches_the_models(database_url):
    engine = create_engine(normalize_url(database_url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_nothing_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path}/m.db"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    migrate.upgrade(url)


def test_requests_taken_up_before_the_case_engine_become_triaged_cases_with_their_history(database_url):
    """... and what people were recorded as receiving becomes their welfare status (0011)."""
    """Migration 0010: a request "acknowledged" before keeps its reference and updates, now "triaged"."""
    from sqlalchemy import text
    migrate.downgrade(database_url, "0009")
    engine = create_engine(normalize_url(database_url))
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO accounts (id, line_user_id, display_name, created_at) "
                                "VALUES (1, 'U1', '', '2026-11-25 08:00:00+00')"))
        connection.execute(text("INSERT INTO households (id, village_code, address_key, address, source, status, "
                                "created_at, updated_at) VALUES (1, '46010105', 'k', :blob, 'imported', 'listed', "
                                "'2026-11-25 08:00:00+00', '2026-11-25 08:00:00+00')"), {"blob": b"x"})
        connection.execute(text("INSERT INTO persons (id, household_id, relation, name, welfare, created_at, "
                                "updated_at) VALUES (1, 1, 'head', :blob, :welfare, '2026-11-20 08:00:00+00', "
                                "'2026-11-20 08:00:00+00')"), {"blob": b"x", "welfare": '["old_age", "gold_card"]'})
        connection.execute(text("INSERT INTO cases (id, ref, household_id, need, status, opened_by, created_at, "
                                "updated_at) VALUES (1, 'KJ-2569-000007', 1, 'health', 'acknowledged', 1, "
                                "'2026-11-25 08:00:00+00', '2026-11-25 09:00:00+00')"))
        connection.execute(text("INSERT INTO case_updates (id, case_id, kind, status_after, by, created_at) VALUES "
                                "(1, 1, 'opened', 'new', 1, '2026-11-25 08:00:00+00'), "
                                "(2, 1, 'acknowledged', 'acknowledged', 1, '2026-11-25 09:00:00+00')"))
    migrate.upgrade(database_url)
    with engine.connect() as connection:
        case = connection.execute(text("SELECT ref, status, origin, version FROM cases")).one()
        steps = connection.execute(text("SELECT kind, status_after FROM case_updates ORDER BY id")).all()
        statuses = connection.execute(text("SELECT programme, status, source FROM welfare_statuses "
                                           "ORDER BY programme")).all()
    engine.dispose()
    assert tuple(case) == ("KJ-2569-000007", "triaged", "request", 1)
    assert [tuple(step) for step in steps] == [("opened", "new"), ("acknowledged", "triaged")]
    assert [tuple(row) for row in statuses] == [("gold_card", "receiving", "import"), ("old_age", "receiving", "import")]
