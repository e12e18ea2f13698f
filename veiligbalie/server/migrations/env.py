"""Alembic environment of the server database; run programmatically by server.store.migrate()
with the connection handed over in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from veiligbalie.server.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run server migrations through veiligbalie.server.store.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
