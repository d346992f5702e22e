"""Engines for SQLite (embedded default) and PostgreSQL, and schema migration."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, select

from healthid.adapters.tables import PersonRow

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings the registry relies on for each backend."""
    if url.startswith("sqlite"):
        _create_private(make_url(url).database)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    # No pre-ping: it costs a round trip per transaction; recycling old connections
    # and retrying at the caller cover a database restart.
    options: dict[str, Any] = {"pool_size": 20, "max_overflow": 20, "pool_recycle": 1800}
    return create_engine(url, **{**options, **kwargs})


def _create_private(database: str | None) -> None:
    """Create a SQLite file readable by its owner alone (0600) before SQLite creates it.

    SQLite gives its -wal and -shm files the database file's mode, so they follow.
    An existing file keeps the mode its operator chose.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, start transactions (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # Take the write lock up front: a deferred transaction that reads then writes
    # can deadlock against another, and SQLite then fails instead of waiting.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema; safe to run any number of times."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def holds_persons(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.scalar(select(PersonRow.id).limit(1)) is not None
