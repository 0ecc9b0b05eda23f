"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.models import Base


async def test_migrated_schema_matches_the_models(database):
    def diff(sync_conn):
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with database.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_database_reports_it_is_at_the_newest_revision(database):
    current, head = await database.revisions()
    assert head is not None
    assert current == head
