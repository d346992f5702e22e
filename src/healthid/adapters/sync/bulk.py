"""Set-at-a-time storage for the batch sync: a few statements per chunk, not a dozen per row.

Reads take a whole chunk's keys in one ``IN``; writes go in bulk — ``COPY`` on
PostgreSQL, ``executemany`` elsewhere — inside the unit of work's transaction,
so a chunk is committed whole or not at all. A unique value another writer took
first still fails here (the database decides), as ``UniquenessError``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from sqlalchemy import (
    Table,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from healthid.adapters.row_encoding import (
    AUDIT_COLUMNS,
    HEALTH_ID_COLUMNS,
    IDENTIFIER_COLUMNS,
    PERSON_COLUMNS,
    audit_row,
    demographics_columns,
    health_id_row,
    identifier_row,
    person_row,
)
from healthid.adapters.store import Sealer, as_utc, in_batches, one_of
from healthid.adapters.tables import (
    AuditEventRow,
    BlockingKeyRow,
    HealthIdRow,
    IdentifierRow,
    PersonRow,
    ReviewPairRow,
    SyncSourceRow,
)
from healthid.domain.birth_date import parse_birth_date
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.ids import new_id
from healthid.domain.issuance import HealthIdStatus
from healthid.domain.person import Demographics
from healthid.domain.sex import Sex
from healthid.domain.sync import SourceState
from healthid.services.ports import ChunkWrites, SealedWrites, StoredPerson, UniquenessError

_PERSONS = cast(Table, PersonRow.__table__)
_IDENTIFIERS = cast(Table, IdentifierRow.__table__)
_HEALTH_IDS = cast(Table, HealthIdRow.__table__)
_BLOCKING_KEYS = cast(Table, BlockingKeyRow.__table__)
_REVIEW_PAIRS = cast(Table, ReviewPairRow.__table__)
_SOURCES = cast(Table, SyncSourceRow.__table__)
_AUDIT = cast(Table, AuditEventRow.__table__)
_ANALYZED = (_PERSONS, _IDENTIFIERS, _HEALTH_IDS, _BLOCKING_KEYS, _REVIEW_PAIRS, _SOURCES)
_REVIEW_COLUMNS = ("id", "person_a", "person_b", "probability", "weights", "status", "created_at")


@dataclass(frozen=True)
class _Sealed:
    """A chunk's rows as the tables hold them, in the order ``write`` sends them."""

    persons: list[tuple[Any, ...]]
    identifiers: list[tuple[Any, ...]]
    health_ids: list[tuple[Any, ...]]
    corrections: list[list[dict[str, Any]]]  # UPDATE parameters, one list per column set
    rekeyed: list[str]  # stored persons whose blocking keys are replaced
    blocking_keys: list[tuple[Any, ...]]
    reviews: list[tuple[Any, ...]]
    new_sources: list[tuple[Any, ...]]
    changed_sources: list[dict[str, Any]]
    events: list[tuple[Any, ...]]


class SqlSyncBulkRepository:
    def __init__(self, session: Session, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer
        self._postgres = session.get_bind().dialect.name == "postgresql"

    def refresh_statistics(self) -> None:
        # A load of a million rows leaves the planner believing the tables are as
        # small as they were (more so where autovacuum is off): registrations then
        # get plans for an empty registry (p50 334 ms instead of 24 ms at 1M).
        # VACUUM also marks the new pages all-visible, so candidates are read from
        # the blocking keys' index alone (an index-only scan), not from a thousand
        # heap pages a block. Both sample or skip what is done: a few seconds at 1M.
        if self._postgres:
            tables = ", ".join(t.name for t in _ANALYZED)
            # VACUUM cannot run inside a transaction: a connection of its own, in
            # autocommit; it changes no data, so the unit of work need not own it.
            engine = self._session.get_bind().engine
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM (ANALYZE) {tables}"))
        else:
            self._session.execute(text("ANALYZE"))

    # Reads ---------------------------------------------------------------

    def sources(self, source_keys: Collection[str]) -> dict[str, SourceState]:
        by_index = {self._sealer.index("bhxh-source", k): k for k in source_keys}
        found: dict[str, SourceState] = {}
        for batch in in_batches(by_index):
            rows = self._session.execute(
                select(
                    SyncSourceRow.source_index, SyncSourceRow.person_id, SyncSourceRow.updated_at
                ).where(one_of(self._session, SyncSourceRow.source_index, batch))
            )
            for index, person_id, updated_at in rows:
                found[by_index[index]] = SourceState(person_id, as_utc(updated_at))
        return found

    def health_ids_by_si(
        self, si_numbers: Collection[str]
    ) -> dict[str, tuple[str, HealthIdStatus]]:
        by_index = {
            self._sealer.identifier_index(IdentifierSystem.SI, "", s): s for s in si_numbers
        }
        found: dict[str, tuple[str, HealthIdStatus]] = {}
        for batch in in_batches(by_index):
            rows = self._session.execute(
                select(HealthIdRow.si_index, HealthIdRow.person_id, HealthIdRow.status).where(
                    one_of(self._session, HealthIdRow.si_index, batch)
                )
            )
            for index, person_id, status in rows:
                found[by_index[index]] = (person_id, HealthIdStatus(status))
        return found

    def owners(self, identifiers: Collection[Identifier]) -> dict[Identifier, str]:
        # By value first (the unique index leads with it), then system and scope.
        wanted: dict[tuple[str, str], dict[str, Identifier]] = defaultdict(dict)
        for i in identifiers:
            index = self._sealer.identifier_index(i.system, i.scope, i.value)
            wanted[(str(i.system), i.scope)][index] = i
        found: dict[Identifier, str] = {}
        for (system, scope), by_index in wanted.items():
            for batch in in_batches(by_index):
                rows = self._session.execute(
                    select(IdentifierRow.value_index, IdentifierRow.person_id).where(
                        IdentifierRow.system == system,
                        IdentifierRow.scope == scope,
                        one_of(self._session, IdentifierRow.value_index, batch),
                    )
                )
                for index, person_id in rows:
                    found[by_index[index]] = person_id
        return found

    def block_members(self, keys: Collection[str]) -> dict[str, list[str]]:
        by_index = {self._sealer.index("block", k): k for k in keys}
        found: dict[str, list[str]] = {k: [] for k in keys}
        for batch in in_batches(by_index):
            rows = self._session.execute(
                select(BlockingKeyRow.key_index, BlockingKeyRow.person_id)
                .where(one_of(self._session, BlockingKeyRow.key_index, batch))
                .order_by(BlockingKeyRow.key_index, BlockingKeyRow.person_id)
            )
            for index, person_id in rows:
                found[by_index[index]].append(person_id)
        return found

    def holds_no_persons(self) -> bool:
        return self._session.execute(select(PersonRow.id).limit(1)).first() is None

    def stored_persons(self, person_ids: Collection[str]) -> dict[str, StoredPerson]:
        # A delta reads every person under its rows' keys: ~160,000 for 10,000 rows at 1M.
        open_ = self._sealer.open_optional
        found: dict[str, StoredPerson] = {}
        for batch in in_batches(person_ids):
            cccd: dict[str, str] = {}
            with_si: set[str] = set()
            for row_id, person_id, system, value_ct in self._session.execute(
                select(
                    IdentifierRow.id,
                    IdentifierRow.person_id,
                    IdentifierRow.system,
                    IdentifierRow.value_ct,
                )
                .where(
                    one_of(self._session, IdentifierRow.person_id, batch),
                    # Their BHYT cards are not read: a third of the rows, and of the time.
                    IdentifierRow.system.in_((IdentifierSystem.SI, IdentifierSystem.CCCD)),
                )
                .order_by(IdentifierRow.created_at, IdentifierRow.id)
            ):
                if system == IdentifierSystem.SI:
                    with_si.add(person_id)
                elif system == IdentifierSystem.CCCD and person_id not in cccd:
                    cccd[person_id] = self._sealer.open("identifiers", row_id, "value", value_ct)
            with_id = set(
                self._session.scalars(
                    select(HealthIdRow.person_id).where(
                        one_of(self._session, HealthIdRow.person_id, batch)
                    )
                )
            )
            for pid, sex, name_ct, birth_ct, place_ct, household, ward in self._session.execute(
                select(
                    PersonRow.id,
                    PersonRow.sex,
                    PersonRow.full_name_ct,
                    PersonRow.birth_date_ct,
                    PersonRow.birthplace_ct,
                    PersonRow.household_index,
                    PersonRow.ward_index,
                ).where(one_of(self._session, PersonRow.id, batch))
            ):
                demographics = Demographics(
                    full_name=self._sealer.open("persons", pid, "full_name", name_ct),
                    birth_date=parse_birth_date(
                        self._sealer.open("persons", pid, "birth_date", birth_ct)
                    ),
                    sex=Sex(sex),
                    birthplace=open_("persons", pid, "birthplace", place_ct),
                )
                found[pid] = StoredPerson(
                    pid,
                    demographics,
                    cccd.get(pid),
                    pid in with_si,
                    pid in with_id,
                    household,
                    ward,
                )
        return found

    # Writes --------------------------------------------------------------

    def seal(self, writes: ChunkWrites) -> SealedWrites:
        """The chunk's rows encrypted and blind-indexed, as ``write`` sends them."""
        sealer = self._sealer
        persons = [
            person_row(
                sealer,
                p.id,
                p.demographics,
                p.created_at,
                p.updated_at,
                home=writes.homes.get(p.id, (None, None)),
            )
            for p in writes.persons.values()
        ]
        identifiers = [
            identifier_row(sealer, new_id(), pid, identifier, at)
            for pid, identifier, at in writes.identifiers
        ]
        health_ids = [health_id_row(sealer, h) for h in writes.health_ids]
        block = self._sealer.index
        keys = [
            (index, pid)
            for pid, person_keys in writes.blocking_keys.items()
            for index in {block("block", k) for k in person_keys}
        ]
        reviews = [
            (
                r.id,
                r.person_a,
                r.person_b,
                r.probability,
                json.dumps({k: list(v) for k, v in r.weights.items()}),
                str(r.status),
                r.created_at,
            )
            for r in writes.reviews
        ]
        new_sources, changed_sources = self._seal_sources(writes)
        return _Sealed(
            persons=persons,
            identifiers=identifiers,
            health_ids=health_ids,
            corrections=self._seal_corrections(writes),
            rekeyed=[pid for pid in writes.blocking_keys if pid not in writes.persons],
            blocking_keys=keys,
            reviews=reviews,
            new_sources=new_sources,
            changed_sources=changed_sources,
            events=[audit_row(e) for e in writes.events],
        )

    def write(self, sealed: SealedWrites) -> None:
        if not isinstance(sealed, _Sealed):
            raise TypeError("write takes what this repository's seal made")
        self._insert(_PERSONS, PERSON_COLUMNS, sealed.persons)
        self._insert(_IDENTIFIERS, IDENTIFIER_COLUMNS, sealed.identifiers)
        self._insert(_HEALTH_IDS, HEALTH_ID_COLUMNS, sealed.health_ids)
        for params in sealed.corrections:
            columns = [k for k in params[0] if k != "pid"]
            statement = (
                update(_PERSONS)
                .where(_PERSONS.c.id == bindparam("pid"))
                .values({c: bindparam(c) for c in columns})
            )
            self._session.connection().execute(statement, params)
        for batch in in_batches(sealed.rekeyed):  # their stored keys give way to the new ones
            self._session.execute(
                delete(BlockingKeyRow).where(one_of(self._session, BlockingKeyRow.person_id, batch))
            )
        self._insert(_BLOCKING_KEYS, ("key_index", "person_id"), sealed.blocking_keys)
        self._insert(_REVIEW_PAIRS, _REVIEW_COLUMNS, sealed.reviews)
        self._insert(_SOURCES, ("source_index", "person_id", "updated_at"), sealed.new_sources)
        if sealed.changed_sources:
            self._session.connection().execute(
                update(_SOURCES)
                .where(_SOURCES.c.source_index == bindparam("idx"))
                .values(person_id=bindparam("pid"), updated_at=bindparam("at")),
                sealed.changed_sources,
            )
        self._insert(_AUDIT, AUDIT_COLUMNS, sealed.events)  # with the work they record

    def _seal_corrections(self, writes: ChunkWrites) -> list[list[dict[str, Any]]]:
        """Corrected persons as UPDATE parameters, grouped by the columns they leave alone."""
        groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
        for pid, (d, at, keep) in writes.corrected.items():
            values = {"pid": pid, **demographics_columns(self._sealer, pid, d, at)}
            groups[keep].append({k: v for k, v in values.items() if k[:-3] not in keep})
        return list(groups.values())

    def _seal_sources(
        self, writes: ChunkWrites
    ) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
        """Source states to insert (rows) and to update (parameters)."""
        new, changed = [], []
        for key, (state, stored) in writes.sources.items():
            index = self._sealer.index("bhxh-source", key)
            if stored:
                changed.append({"idx": index, "pid": state.person_id, "at": state.updated_at})
            else:
                new.append((index, state.person_id, state.updated_at))
        return new, changed

    def _insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        connection = self._session.connection()
        if connection.dialect.name != "postgresql":
            connection.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
            return
        # COPY is several times faster than INSERT for thousands of rows, and runs in
        # the same transaction: a unique clash fails the whole chunk, as it should.
        raw = connection.connection.driver_connection
        if not isinstance(raw, psycopg.Connection):
            raise TypeError("PostgreSQL is reached through psycopg 3")
        try:
            with raw.cursor() as cursor:
                statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
        except psycopg.errors.UniqueViolation:
            raise UniquenessError(table.name) from None
