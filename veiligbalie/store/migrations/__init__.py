"""Alembic migrations of the local store; applied in-process by Database.open()."""
