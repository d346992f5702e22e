"""identifiers: the unique index leads with the blind-indexed value

The batch sync looks a chunk's identifiers up by value (thousands at once); an
index that leads with (system, scope) served that only as a scan of every
identifier of the system. The value's blind index already includes its system
and scope, so leading with it changes nothing for single lookups.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_identifiers_value", type_="unique")
        batch_op.create_unique_constraint(
            "uq_identifiers_value", ["value_index", "system", "scope"]
        )


def downgrade() -> None:
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_identifiers_value", type_="unique")
        batch_op.create_unique_constraint(
            "uq_identifiers_value", ["system", "scope", "value_index"]
        )
