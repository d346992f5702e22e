"""facility account caps, clients' public keys, used client assertions

Issue 14: a facility may hold at most so many enabled users and API clients (50
and 5 unless an admin raises them), stored with the facility. A connected system
may authenticate with an RFC 7523 client assertion signed by its own key: the
client keeps its public keys (a JWKS; public keys only, never a secret) and may
have no secret at all. The assertion ids a client used are kept until they
expire, so a replayed assertion is refused; only a SHA-256 of client and jti is
stored, never the assertion.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facilities", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("max_users", sa.Integer(), nullable=False, server_default="50")
        )
        batch_op.add_column(
            sa.Column("max_clients", sa.Integer(), nullable=False, server_default="5")
        )
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.alter_column("secret_hash", existing_type=sa.String(200), nullable=True)
        batch_op.add_column(sa.Column("jwks", sa.Text(), nullable=True))
    op.create_table(
        "used_client_assertions",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_used_client_assertions"),
    )
    op.create_index(
        "ix_used_client_assertions_expires_at", "used_client_assertions", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_used_client_assertions_expires_at", table_name="used_client_assertions")
    op.drop_table("used_client_assertions")
    # Clients without a secret cannot survive the downgrade: their column is NOT NULL again.
    op.execute("DELETE FROM api_clients WHERE secret_hash IS NULL")
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.drop_column("jwks")
        batch_op.alter_column("secret_hash", existing_type=sa.String(200), nullable=False)
    # Not by copying the table (SQLite's batch default): users and clients refer to
    # facilities, so the copy's DROP TABLE would fail. SQLite 3.35+ drops columns in place.
    with op.batch_alter_table("facilities", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("max_clients")
        batch_op.drop_column("max_users")
