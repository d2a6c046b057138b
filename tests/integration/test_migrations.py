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
