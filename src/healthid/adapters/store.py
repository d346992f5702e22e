"""What every repository shares: the row-binding Sealer and set-at-a-time SQL pieces."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import UTC, datetime

from sqlalchemy import String, Table, any_, bindparam, literal, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from healthid.adapters.crypto import BlindIndex, FieldCipher


def one_of(
    session: Session, column: ColumnElement[str] | InstrumentedAttribute[str], values: list[str]
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL one array parameter, not one per value.

    The statement's text is then the same whatever the number of values, so psycopg
    prepares it once and PostgreSQL plans it once (and does not parse thousands of
    placeholders on every execution).
    """
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(values, type_=ARRAY(String)))
    return column.in_(values)


IN_BATCH = 5000  # values per IN list: well within SQLite's limit on bound parameters


def in_batches(values: Collection[str]) -> Iterator[list[str]]:
    """``values`` sorted and cut into lists short enough for one ``one_of`` each."""
    ordered = sorted(set(values))
    for start in range(0, len(ordered), IN_BATCH):
        yield ordered[start : start + IN_BATCH]


def update_each(
    session: Session, table: Table, column: str, values: Mapping[str, str], **same: object
) -> None:
    """Set ``column`` of each row (by id) to its value, and the ``same`` columns alike.

    One executemany: psycopg pipelines it, SQLite reuses the prepared statement.
    """
    if not values:
        return
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam("new_value"), **same})
    )
    session.connection().execute(
        statement, [{"row_id": row_id, "new_value": v} for row_id, v in values.items()]
    )


def as_utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Sealer:
    """Encryption and blind indexing with the row-binding conventions of this store."""

    def __init__(self, cipher: FieldCipher, index: BlindIndex) -> None:
        self.cipher = cipher
        self.index = index

    def seal(self, table: str, row_id: str, column: str, value: str) -> bytes:
        return self.cipher.encrypt(value, aad=f"{table}/{row_id}/{column}")

    def seal_optional(
        self, table: str, row_id: str, column: str, value: str | None
    ) -> bytes | None:
        return None if value is None else self.seal(table, row_id, column, value)

    def open(self, table: str, row_id: str, column: str, blob: bytes) -> str:
        return self.cipher.decrypt(blob, aad=f"{table}/{row_id}/{column}")

    def open_optional(self, table: str, row_id: str, column: str, blob: bytes | None) -> str | None:
        return None if blob is None else self.open(table, row_id, column, blob)

    def identifier_index(self, system: str, scope: str, value: str) -> str:
        return self.index(f"identifier/{system}/{scope}", value)

    def home_index(self, kind: str, value: str | None) -> str | None:
        """A household code's or ward code's blind index (``kind``): equal for equal values."""
        return self.index(f"home/{kind}", value) if value else None
