"""blocking_keys: no foreign key to persons

A blocking key is derived data, an index the registry keeps beside a person,
never read without joining its person (registration) or knowing them (the
sync); persons are never deleted. The foreign key made PostgreSQL look each
person up and lock their row for every key written: at a million persons, 40 %
of the time a chunk of the sync spent writing its keys (docs/benchmarks.md).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("blocking_keys", schema=None) as batch_op:
        batch_op.drop_constraint("fk_blocking_keys_person_id_persons", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("blocking_keys", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_blocking_keys_person_id_persons", "persons", ["person_id"], ["id"]
        )
