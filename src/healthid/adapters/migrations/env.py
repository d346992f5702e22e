"""Alembic environment: runs on the connection the registry hands it (see database.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from healthid.adapters.tables import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `healthid init`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
