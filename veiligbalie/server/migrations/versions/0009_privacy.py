"""privacy: an append-only audit log with actor, subject, person and station; purge marks

Extends ``audit_log`` (who by name, what kind of subject, which dossier person, from which
station) and makes it append-only in the database itself: triggers raise on UPDATE and
DELETE on SQLite and PostgreSQL. Adds ``incidents.purged_at`` and
``incidents.attachments_purged_at`` for retention.

Revision ID: 0009_privacy
Revises: 0008_security
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_privacy"
down_revision = "0008_security"
branch_labels = None
depends_on = None

_MESSAGE = "audit_log is append-only"


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("actor", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("subject", sa.String(length=32), nullable=False, server_default="incident")
        )
        batch_op.add_column(sa.Column("person_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("station", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_audit_log_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("attachments_purged_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Who read before this migration: the user's name as it is now.
    op.execute(
        "UPDATE audit_log SET actor = COALESCE("
        "(SELECT username FROM users WHERE users.id = audit_log.user_id), '')"
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("attachments_purged_at")
        batch_op.drop_column("purged_at")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_person_id"))
        batch_op.drop_column("station")
        batch_op.drop_column("person_id")
        batch_op.drop_column("subject")
        batch_op.drop_column("actor")
