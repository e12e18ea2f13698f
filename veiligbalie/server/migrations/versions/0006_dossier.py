"""dossier: known persons, their links to reports, and signaleringen

Revision ID: 0006_dossier
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_dossier"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_persons_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    op.create_index(op.f("ix_persons_site_id"), "persons", ["site_id"])
    op.create_table(
        "person_links",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_person_links_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_links_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("person_id", "incident_id", name=op.f("pk_person_links")),
    )
    op.create_index(op.f("ix_person_links_incident_id"), "person_links", ["incident_id"])
    op.create_table(
        "signaleringen",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("measure_other", sa.String(length=200), nullable=False),
        sa.Column("counter_text", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date()),
        sa.Column("period_end", sa.Date()),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date()),
        sa.Column("informed_on", sa.Date()),
        sa.Column("informed_how", sa.String(length=16)),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_signaleringen_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signaleringen")),
    )
    op.create_index(op.f("ix_signaleringen_person_id"), "signaleringen", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signaleringen_person_id"), table_name="signaleringen")
    op.drop_table("signaleringen")
    op.drop_index(op.f("ix_person_links_incident_id"), table_name="person_links")
    op.drop_table("person_links")
    op.drop_index(op.f("ix_persons_site_id"), table_name="persons")
    op.drop_table("persons")
