"""care_relationships and break_glass_grants: demographics only within a relationship

A facility sees a person's name, birth date and sex only while it has a care
relationship with them (a match of what the patient states, a registration, its
own patient number), or a member of its staff holds a time-limited break-glass
grant; the grant's justification is sealed like other personal fields.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_relationships",
        sa.Column("facility_code", sa.String(5), nullable=False),
        sa.Column("person_id", sa.String(32), nullable=False),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("facility_code", "person_id", name="pk_care_relationships"),
    )
    op.create_table(
        "break_glass_grants",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("facility_code", sa.String(5), nullable=True),
        sa.Column("person_id", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("justification_ct", sa.LargeBinary(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_break_glass_grants"),
    )
    op.create_index("ix_break_glass_actor_person", "break_glass_grants", ["actor", "person_id"])


def downgrade() -> None:
    op.drop_index("ix_break_glass_actor_person", table_name="break_glass_grants")
    op.drop_table("break_glass_grants")
    op.drop_table("care_relationships")
