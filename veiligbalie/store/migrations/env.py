"""Alembic environment of the local store.

Database.open() passes its own connection (inside a BEGIN IMMEDIATE transaction) through
``config.attributes["connection"]``; the migration then runs in that transaction and the
caller commits. Developers generating a revision may instead set ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from veiligbalie.store.schema import managed_by_metadata, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=managed_by_metadata,
        # SQLite can only ALTER a little: later migrations copy-and-move tables in batches.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        include_name=managed_by_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
    else:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.connect() as conn:
            _run(conn)
        engine.dispose()
