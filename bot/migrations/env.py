"""Alembic environment: runs on the connection `bot.db` hands it.

`deskbot db upgrade` (and the automatic upgrade of the embedded SQLite file)
pass a live connection in `config.attributes["connection"]`; the `alembic`
command line, which has none, gets one from DESKBOT_DATABASE_URL or config.yaml.
"""

import asyncio

from alembic import context

from bot.models import Base


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_settings() -> None:
    from bot.config import load_settings
    from bot.db import Database

    database = Database(load_settings().database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(_run)
    await database.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_from_settings())
