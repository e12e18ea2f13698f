"""The workstation's local store: SQLite through SQLAlchemy 2, migrated by Alembic at
start-up; incidents, drafts, alarms and the sync outbox."""
