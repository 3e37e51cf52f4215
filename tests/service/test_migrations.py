"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from service.db import make_engine, migrate
from service.models import Base


def test_upgrade_head_on_an_empty_database_matches_the_models(settings):
    url = settings.effective_database_url
    migrate(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert "gradings" in inspect(connection).get_table_names()
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(settings):
    migrate(settings.effective_database_url)
    migrate(settings.effective_database_url)
