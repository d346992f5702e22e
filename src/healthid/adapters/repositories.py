"""Repositories: domain objects in, encrypted rows out, and back."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Row,
    Select,
    String,
    Table,
    any_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from healthid.adapters.row_encoding import (
    IDENTIFIER_COLUMNS,
    PERSON_COLUMNS,
    as_dict,
    demographics_columns,
    identifier_row,
    issued_from_row,
    person_row,
)
from healthid.adapters.store import Sealer, as_utc, in_batches, one_of, update_each
from healthid.adapters.tables import BlockingKeyRow, HealthIdRow, IdentifierRow, PersonRow
from healthid.domain.birth_date import parse_birth_date
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.ids import new_id
from healthid.domain.issuance import HealthIdStatus
from healthid.domain.person import Demographics, Person
from healthid.domain.sex import Sex
from healthid.services.ports import MatchInput, PersonCard

_PERSON_FIELDS = ("full_name", "birth_date", "birthplace", "address", "phone")
_PERSONS = cast(Table, PersonRow.__table__)
_IDENTIFIERS = cast(Table, IdentifierRow.__table__)
_HEALTH_IDS = cast(Table, HealthIdRow.__table__)
_BLOCKING_KEYS = cast(Table, BlockingKeyRow.__table__)


# Stored birth dates were validated when written and repeat across a registry
# (a few tens of thousands of distinct values); matching reads up to 150 a time.
_stored_birth_date = lru_cache(maxsize=1 << 15)(parse_birth_date)


# What matching reads of a person (``_match_input`` decrypts them).
_MATCH_COLUMNS = (
    PersonRow.id,
    PersonRow.full_name_ct,
    PersonRow.birth_date_ct,
    PersonRow.birthplace_ct,
    PersonRow.sex,
    PersonRow.household_index,
    PersonRow.ward_index,
)


# Registration's reads, built once: an ORM select costs twice a Core one to run
# (0.39 against 0.17 ms), and these run several times a registration.
_OWNER = select(_IDENTIFIERS.c.person_id).where(
    _IDENTIFIERS.c.system == bindparam("system"),
    _IDENTIFIERS.c.scope == bindparam("scope"),
    _IDENTIFIERS.c.value_index == bindparam("index"),
)

# A person with their Health IDs (a row an ID), only what a card shows.
_CARD_COLUMNS = (
    _PERSONS.c.id.label("pid"),
    _PERSONS.c.full_name_ct,
    _PERSONS.c.birth_date_ct,
    _PERSONS.c.sex,
    *(c for c in _HEALTH_IDS.c if c.name != "person_id"),
    _HEALTH_IDS.c.person_id,
)
_WITH_IDS = _PERSONS.outerjoin(_HEALTH_IDS, _HEALTH_IDS.c.person_id == _PERSONS.c.id)
_ISSUE_ORDER = (_HEALTH_IDS.c.issued_at, _HEALTH_IDS.c.id)
# The hot lookup: identifier -> person -> their Health IDs, one statement.
_CARD = (
    select(*_CARD_COLUMNS)
    .select_from(_IDENTIFIERS.join(_WITH_IDS, _PERSONS.c.id == _IDENTIFIERS.c.person_id))
    .where(
        _IDENTIFIERS.c.system == bindparam("system"),
        _IDENTIFIERS.c.scope == bindparam("scope"),
        _IDENTIFIERS.c.value_index == bindparam("index"),
    )
    .order_by(*_ISSUE_ORDER)
)
_CARD_OF_PERSON = (
    select(*_CARD_COLUMNS)
    .select_from(_WITH_IDS)
    .where(_PERSONS.c.id == bindparam("person_id"))
    .order_by(*_ISSUE_ORDER)
)


@cache
def _candidates_statement(postgres: bool) -> Select[tuple[Any, ...]]:
    """Candidates with what matching reads of them, in one statement built once.

    Those sharing the most keys come first: when a common name makes a block larger
    than ``limit``, the persons cut off are the ones sharing a single weak key, never
    a likely duplicate sharing several (and the cut is the same every time). Built
    once per dialect, so SQLAlchemy neither rebuilds nor re-keys it per registration.
    """
    keyed, persons, ids = _BLOCKING_KEYS.c, _PERSONS.c, _IDENTIFIERS.c
    if postgres:  # one array parameter: the same text, prepared once
        wanted = keyed.key_index == any_(bindparam("keys", type_=ARRAY(String)))
    else:
        wanted = keyed.key_index.in_(bindparam("keys", expanding=True))
    shared = func.count().label("shared")
    ranked = (
        select(keyed.person_id, shared)
        .where(wanted)
        .group_by(keyed.person_id)
        .order_by(shared.desc(), keyed.person_id)
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )

    def first_cccd(column: ColumnElement[Any]) -> ScalarSelect[Any]:
        return (
            select(column)
            .where(ids.person_id == persons.id, ids.system == str(IdentifierSystem.CCCD))
            .order_by(ids.created_at, ids.id)
            .limit(1)
            .scalar_subquery()
        )

    return (
        select(
            persons.id,
            persons.full_name_ct,
            persons.birth_date_ct,
            persons.birthplace_ct,
            persons.sex,
            persons.household_index,
            persons.ward_index,
            first_cccd(ids.id),
            first_cccd(ids.value_ct),
        )
        .join_from(ranked, _PERSONS, persons.id == ranked.c.person_id)
        .order_by(ranked.c.shared.desc(), ranked.c.person_id)
    )


class SqlPersonRepository:
    def __init__(self, session: Session, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    def add(self, person: Person) -> None:
        # Core inserts, person first (the identifiers refer to it): one statement
        # each, where the ORM's flushes cost registration a millisecond apiece.
        d = person.demographics
        row = person_row(self._sealer, person.id, d, person.created_at, person.updated_at)
        self._session.execute(insert(_PERSONS), [as_dict(PERSON_COLUMNS, row)])
        self._insert_identifiers(person.id, person.identifiers)

    def update(self, person: Person) -> None:
        row = self._session.get(PersonRow, person.id)
        if row is None:
            raise LookupError("person row vanished inside its transaction")
        sealed = demographics_columns(
            self._sealer, person.id, person.demographics, person.updated_at
        )
        for column, value in sealed.items():
            setattr(row, column, value)

    def add_identifier(self, person_id: str, identifier: Identifier) -> None:
        self._insert_identifiers(person_id, [identifier])

    def _insert_identifiers(self, person_id: str, identifiers: list[Identifier]) -> None:
        # Inserted now, so a clash with another person's identifier surfaces here.
        rows = [
            # Each its own moment: a person's identifiers are ordered by it.
            as_dict(
                IDENTIFIER_COLUMNS,
                identifier_row(self._sealer, new_id(), person_id, i, datetime.now(UTC)),
            )
            for i in identifiers
        ]
        if rows:
            self._session.execute(insert(_IDENTIFIERS), rows)

    def get(self, person_id: str) -> Person | None:
        row = self._session.get(PersonRow, person_id)
        return None if row is None else self._to_person(row)

    def find_by_identifier(self, identifier: Identifier) -> Person | None:
        index = self._sealer.identifier_index(identifier.system, identifier.scope, identifier.value)
        person_id = self._session.execute(
            _OWNER, {"system": str(identifier.system), "scope": identifier.scope, "index": index}
        ).scalar()
        return None if person_id is None else self.get(person_id)

    def card_by_identifier(self, identifier: Identifier) -> PersonCard | None:
        index = self._sealer.identifier_index(identifier.system, identifier.scope, identifier.value)
        params = {"system": str(identifier.system), "scope": identifier.scope, "index": index}
        return self._card(self._session.execute(_CARD, params).all())

    def card(self, person_id: str) -> PersonCard | None:
        return self._card(self._session.execute(_CARD_OF_PERSON, {"person_id": person_id}).all())

    def _card(self, rows: Sequence[Row[Any]]) -> PersonCard | None:
        if not rows:
            return None
        first, open_ = rows[0], self._sealer.open
        issued = [r for r in rows if r.id is not None]
        # As current_of chooses: the first active ID in issue order, else the first.
        active = [r for r in issued if r.status == str(HealthIdStatus.ACTIVE)]
        chosen = (active or issued)[0] if issued else None
        return PersonCard(
            person_id=first.pid,
            full_name=open_("persons", first.pid, "full_name", first.full_name_ct),
            birth_date=_stored_birth_date(
                open_("persons", first.pid, "birth_date", first.birth_date_ct)
            ),
            sex=first.sex,
            health_id=None if chosen is None else issued_from_row(self._sealer, chosen),
        )

    def iter_all(self) -> Iterator[Person]:
        query = select(PersonRow).where(PersonRow.merged_into.is_(None)).order_by(PersonRow.id)
        for row in self._session.scalars(query):
            yield self._to_person(row)

    def iter_match_inputs(self) -> Iterator[MatchInput]:
        cccd = self._first_cccds()
        query = (
            select(*_MATCH_COLUMNS)
            .where(PersonRow.merged_into.is_(None))
            .order_by(PersonRow.id)
            .execution_options(yield_per=10_000)
        )
        for row in self._session.execute(query):
            yield self._match_input(row._tuple(), cccd.get(row.id))

    def _first_cccds(self, person_ids: list[str] | None = None) -> dict[str, tuple[str, bytes]]:
        """Person -> (row id, ciphertext) of their earliest CCCD, as ``_to_person`` orders them.

        Of every person, or of those named.
        """
        query = select(IdentifierRow.id, IdentifierRow.person_id, IdentifierRow.value_ct).where(
            IdentifierRow.system == str(IdentifierSystem.CCCD)
        )
        if person_ids is not None:
            query = query.where(one_of(self._session, IdentifierRow.person_id, person_ids))
        cccd: dict[str, tuple[str, bytes]] = {}
        for row_id, person_id, value_ct in self._session.execute(
            query.order_by(IdentifierRow.created_at.desc(), IdentifierRow.id.desc())
        ):
            cccd[person_id] = (row_id, value_ct)  # the earliest last: it stays
        return cccd

    def _match_input(
        self,
        row: tuple[str, bytes, bytes, bytes | None, str, str | None, str | None],
        card: tuple[str, bytes] | None,
    ) -> MatchInput:
        """Only the fields matching uses, decrypted (the home's blind indexes need no key)."""
        pid, name_ct, date_ct, place_ct, sex, household, ward = row
        open_ = self._sealer.open
        return MatchInput(
            person_id=pid,
            full_name=open_("persons", pid, "full_name", name_ct),
            birth_date=_stored_birth_date(open_("persons", pid, "birth_date", date_ct)),
            sex=sex,
            birthplace=None if place_ct is None else open_("persons", pid, "birthplace", place_ct),
            cccd=None if card is None else open_("identifiers", card[0], "value", card[1]),
            household=household,
            ward=ward,
        )

    def with_scope(
        self, system: str, scope: str, *, limit: int | None, offset: int
    ) -> tuple[list[tuple[Person, str]], int]:
        where = (IdentifierRow.system == system, IdentifierRow.scope == scope)
        total = self._session.scalar(select(func.count()).select_from(IdentifierRow).where(*where))
        rows = self._session.scalars(
            select(IdentifierRow)
            .where(*where)
            .order_by(IdentifierRow.created_at, IdentifierRow.id)
            .limit(limit)
            .offset(offset)
        )
        page = []
        for row in rows:
            person = self.get(row.person_id)
            if person is not None:
                value = self._sealer.open("identifiers", row.id, "value", row.value_ct)
                page.append((person, value))
        return page, int(total or 0)

    def move_identifiers(self, from_person: str, to_person: str) -> list[str]:
        ids = list(
            self._session.scalars(
                select(IdentifierRow.id).where(IdentifierRow.person_id == from_person)
            )
        )
        self.move_identifier_rows(ids, to_person)
        return ids

    def move_identifier_rows(self, row_ids: list[str], to_person: str) -> None:
        if row_ids:
            self._session.execute(
                update(IdentifierRow)
                .where(IdentifierRow.id.in_(row_ids))
                .values(person_id=to_person)
            )

    def set_merged_into(self, person_id: str, survivor_id: str | None) -> None:
        self._session.execute(
            update(PersonRow).where(PersonRow.id == person_id).values(merged_into=survivor_id)
        )

    def merged_into(self, person_id: str) -> str | None:
        return self._session.scalar(select(PersonRow.merged_into).where(PersonRow.id == person_id))

    def _block_index(self, key: str) -> str:
        return self._sealer.index("block", key)

    def set_blocking_keys(self, person_id: str, keys: set[str], *, new: bool = False) -> None:
        if not new:  # a person added in this unit of work holds no keys yet
            self._session.execute(
                delete(_BLOCKING_KEYS).where(_BLOCKING_KEYS.c.person_id == person_id)
            )
        rows = self._key_rows(person_id, keys)
        if rows:
            self._session.execute(insert(_BLOCKING_KEYS), rows)

    def _key_rows(self, person_id: str, keys: set[str]) -> list[dict[str, str]]:
        return [
            {"key_index": index, "person_id": person_id}
            for index in sorted({self._block_index(k) for k in keys})
        ]

    def home_indexes(
        self, household: str | None, ward: str | None
    ) -> tuple[str | None, str | None]:
        return self._sealer.home_index("household", household), self._sealer.home_index(
            "ward", ward
        )

    def set_home(self, person_id: str, household: str | None, ward: str | None) -> None:
        self._session.execute(
            update(_PERSONS)
            .where(_PERSONS.c.id == person_id)
            .values(household_index=household, ward_index=ward)
        )

    def estimated_count(self) -> int:
        if self._session.get_bind().dialect.name == "postgresql":
            # The planner's estimate, kept by ANALYZE (the sync runs it): a catalog read.
            # -1 until the table was first analysed.
            found = self._session.execute(
                text("SELECT reltuples FROM pg_class WHERE oid = 'persons'::regclass")
            ).scalar()
        else:
            # Persons are never deleted, so the highest rowid is their number: one index step.
            found = self._session.execute(text("SELECT max(rowid) FROM persons")).scalar()
        return max(int(found or 0), 0)

    def candidate_inputs(self, keys: set[str], *, limit: int) -> list[MatchInput]:
        if not keys:
            return []
        postgres = self._session.get_bind().dialect.name == "postgresql"
        rows = self._session.execute(
            _candidates_statement(postgres),
            {"keys": sorted({self._block_index(k) for k in keys}), "limit": limit},
        )
        return [
            self._match_input(
                (pid, name, date, place, sex, household, ward),
                None if row_id is None else (row_id, ct),
            )
            for pid, name, date, place, sex, household, ward, row_id, ct in rows
        ]

    # Set at a time (the batch deduplication's merges) ---------------------

    def merge_states(self, person_ids: Collection[str]) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for batch in in_batches(person_ids):
            query = select(PersonRow.id, PersonRow.merged_into)
            for pid, merged_into in self._session.execute(
                query.where(one_of(self._session, PersonRow.id, batch))
            ):
                found[pid] = merged_into
        return found

    def identifier_rows(self, person_ids: Collection[str]) -> dict[str, list[str]]:
        held: dict[str, list[str]] = {}
        for batch in in_batches(person_ids):
            query = (
                select(IdentifierRow.id, IdentifierRow.person_id)
                .where(one_of(self._session, IdentifierRow.person_id, batch))
                .order_by(IdentifierRow.created_at, IdentifierRow.id)
            )
            for row_id, pid in self._session.execute(query):
                held.setdefault(pid, []).append(row_id)
        return held

    def assign_identifier_rows(self, owners: Mapping[str, str]) -> None:
        update_each(self._session, _IDENTIFIERS, "person_id", owners)

    def set_merged_into_each(self, survivors: Mapping[str, str]) -> None:
        update_each(self._session, _PERSONS, "merged_into", survivors)

    def match_inputs(self, person_ids: Collection[str]) -> list[MatchInput]:
        found = []
        for batch in in_batches(person_ids):
            cccd = self._first_cccds(batch)
            query = select(*_MATCH_COLUMNS).where(one_of(self._session, PersonRow.id, batch))
            for row in self._session.execute(query.order_by(PersonRow.id)):
                found.append(self._match_input(row._tuple(), cccd.get(row.id)))
        return found

    def replace_blocking_keys(self, keys: Mapping[str, set[str]]) -> None:
        for batch in in_batches(keys):
            self._session.execute(
                delete(_BLOCKING_KEYS).where(
                    one_of(self._session, _BLOCKING_KEYS.c.person_id, batch)
                )
            )
        rows = [row for pid, held in keys.items() for row in self._key_rows(pid, held)]
        if rows:
            self._session.execute(insert(_BLOCKING_KEYS), rows)

    def _to_person(
        self, row: PersonRow, identifier_rows: list[IdentifierRow] | None = None
    ) -> Person:
        fields = {
            name: self._sealer.open_optional("persons", row.id, name, getattr(row, f"{name}_ct"))
            for name in _PERSON_FIELDS
        }
        demographics = Demographics(
            full_name=fields["full_name"] or "",
            birth_date=parse_birth_date(fields["birth_date"] or ""),
            sex=Sex(row.sex),
            birthplace=fields["birthplace"],
            address=fields["address"],
            phone=fields["phone"],
        )
        if identifier_rows is None:
            identifier_rows = list(
                self._session.scalars(
                    select(IdentifierRow)
                    .where(IdentifierRow.person_id == row.id)
                    .order_by(IdentifierRow.created_at, IdentifierRow.id)
                )
            )
        identifiers = [
            Identifier(
                IdentifierSystem(i.system),
                self._sealer.open("identifiers", i.id, "value", i.value_ct),
                i.scope,
            )
            for i in identifier_rows
        ]
        return Person(
            id=row.id,
            demographics=demographics,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
            identifiers=identifiers,
        )
