"""org letters: the organisation's letterhead (contact person, logo) and its letter templates

Revision ID: 0007_org_letters
Revises: 0006_dossier
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_org_letters"
down_revision = "0006_dossier"
branch_labels = None
depends_on = None

_TEXT_COLUMNS = (
    ("contact_name", 200),
    ("contact_function", 200),
    ("contact_phone", 50),
    ("contact_email", 200),
)


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        for name, length in _TEXT_COLUMNS:
            batch.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch.add_column(sa.Column("logo", sa.LargeBinary()))
        batch.add_column(sa.Column("logo_mime", sa.String(length=32)))
        batch.add_column(
            sa.Column(
                "profile_changed_by", sa.String(length=200), nullable=False, server_default=""
            )
        )
        batch.add_column(sa.Column("profile_changed_at", sa.DateTime(timezone=True)))
    for table in ("letter_templates", "letter_template_versions"):
        op.create_table(
            table,
            sa.Column("kind", sa.String(length=32), nullable=False),
            sa.Column("language", sa.String(length=8), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("changed_by", sa.String(length=200), nullable=False),
            sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint(
                *(
                    ("kind", "language")
                    if table == "letter_templates"
                    else ("kind", "language", "version")
                ),
                name=op.f(f"pk_{table}"),
            ),
        )


def downgrade() -> None:
    op.drop_table("letter_template_versions")
    op.drop_table("letter_templates")
    with op.batch_alter_table("organisations") as batch:
        for name in (
            "profile_changed_at",
            "profile_changed_by",
            "logo_mime",
            "logo",
            *(n for n, _ in reversed(_TEXT_COLUMNS)),
        ):
            batch.drop_column(name)
