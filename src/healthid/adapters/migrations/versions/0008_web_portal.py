"""web portal: sessions and second factors

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("second_factor_done", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_username"), "web_sessions", ["username"])
    op.create_table(
        "second_factors",
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("secret_ct", sa.LargeBinary(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_second_factors")),
    )


def downgrade() -> None:
    op.drop_table("second_factors")
    op.drop_index(op.f("ix_web_sessions_username"), table_name="web_sessions")
    op.drop_table("web_sessions")
