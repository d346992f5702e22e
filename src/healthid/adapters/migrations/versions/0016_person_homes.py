"""person_homes: the household and ward a person was recorded with, as blind indexes

Issue 22: two children of one household born on the same day are twins unless
their whole names agree, and a common name with a birth year alone is worth a
reviewer's look only at one home. The BHXH extract gives the household code
(MA_HO_GD) and the residence ward (MAXA_CU_TRU); matching compares them for
equality only, so they are kept as keyed blind indexes, never as values.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("persons") as batch:
        batch.add_column(sa.Column("household_index", sa.String(32), nullable=True))
        batch.add_column(sa.Column("ward_index", sa.String(32), nullable=True))


def downgrade() -> None:
    # In place, not by copying the table (SQLite's batch default): every table of persons'
    # data refers to persons, so the copy's DROP TABLE would fail. SQLite 3.35+ can.
    with op.batch_alter_table("persons", recreate="never") as batch:
        batch.drop_column("ward_index")
        batch.drop_column("household_index")
