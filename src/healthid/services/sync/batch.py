"""The sync in chunks: a few thousand rows decided in memory, written in one transaction.

Each row lands where ``placement.place`` says, the rule registration follows
too (one person per SI number, identifiers first, then the best candidate by
the same model and decisions), but what it reads comes from a few set-at-a-time
queries per chunk and from the run's in-memory index, so rows earlier in the
same chunk or run are candidates like stored persons. The chunk's persons, identifiers, IDs, keys,
review pairs and source states are committed together: a killed run resumes at
the first chunk not committed. When the database refuses a chunk (another
writer took one of its unique values) the caller applies that chunk row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from healthid.domain.audit import Action
from healthid.domain.bhxh_row import ExtractRow
from healthid.domain.errors import RuleError, ValidationError
from healthid.domain.identifiers import (
    Identifier,
    IdentifierSystem,
    check_personal_id_matches,
    parse_personal_id,
)
from healthid.domain.ids import new_id
from healthid.domain.issuance import HealthIdStatus
from healthid.domain.person import Demographics, Person
from healthid.domain.sync import SourceState
from healthid.matching.blocking import blocking_keys
from healthid.matching.normalise import MatchRecord
from healthid.services import health_ids, matcher
from healthid.services.access import Caller
from healthid.services.audit import event
from healthid.services.deps import Deps
from healthid.services.placement import (
    KnownPerson,
    Landing,
    Registration,
    identifier_taken,
    place,
)
from healthid.services.ports import (
    AdminUnits,
    ChunkWrites,
    SealedWrites,
    SyncBulkRepository,
    UniquenessError,
)
from healthid.services.sync.index import Known, RunIndex

RowOutcome = str | RuleError  # the run's count to add to, or why the row is rejected


class RowByRowError(Exception):
    """A chunk the batch path does not decide alone; the caller applies it row by row."""


@dataclass
class _Chunk:
    """What one chunk reads once, then keeps current with its own decisions."""

    bulk: SyncBulkRepository
    now: datetime
    sources: dict[str, SourceState]
    stored_sources: set[str]
    ids_by_si: dict[str, tuple[str, HealthIdStatus]]
    owners: dict[Identifier, str]
    # The store's blind indexes of a household and ward code (PersonRepository.home_indexes).
    home_indexes: Callable[[str | None, str | None], tuple[str | None, str | None]]
    writes: ChunkWrites = field(default_factory=ChunkWrites)
    touched: set[str] = field(default_factory=set)  # persons this chunk audited


@dataclass(frozen=True)
class _Prepared:
    row: ExtractRow
    registration: Registration | None = None  # None: nothing to match


class BatchSync:
    """Applies chunks of valid rows for one run; holds the run's index between chunks."""

    def __init__(self, *, deps: Deps, caller: Caller) -> None:
        self._deps = deps
        self._caller = caller  # named in the audit event of every person a row touches
        self._uow_factory = deps.uow
        self._places = deps.places
        self._clock = deps.clock
        self.index = RunIndex()
        self._started = False
        self.initial_load = False  # the run started on an empty registry
        # The registry's size as the run knows it: the database's estimate when the run
        # started, and every person the run added since (read once a run, not a row).
        self.population = 0

    def decide(
        self, rows: list[ExtractRow], inflight: ChunkWrites | None = None
    ) -> tuple[ChunkWrites, SealedWrites, list[RowOutcome]]:
        """What the chunk writes (and sealed, as ``write`` takes it) and each row's outcome;
        ``RowByRowError`` if it must go row by row. ``inflight``: the previous chunk's
        writes, perhaps not committed yet — read as if they were."""
        try:
            with self._uow_factory() as uow:
                if not self._started:  # an initial load needs no key read from the database
                    self.initial_load = uow.bulk.holds_no_persons()
                    self.index.complete = self.initial_load
                    if not self.initial_load:
                        self.population = uow.persons.estimated_count()
                    self._started = True
                chunk = self._read(uow.bulk, rows, inflight, uow.persons.home_indexes)
                prepared = [self._prepare(chunk, row) for row in rows]
                self._preload(chunk, prepared, inflight)
                outcomes = [self._decide(chunk, p) for p in prepared]
                sealed = uow.bulk.seal(chunk.writes)  # here, not in the writer thread
            if self.index.complete:  # what later chunks would otherwise read back
                self.index.sources.update(chunk.sources)
                self.index.ids_by_si.update(chunk.ids_by_si)
                self.index.owners.update(chunk.owners)
        except (UniquenessError, RowByRowError, ValidationError) as exc:
            # The index may hold this chunk's decisions: start again from the database.
            # A ValidationError here is one the row-by-row path raises too.
            self.index.clear()
            raise RowByRowError(type(exc).__name__) from None
        return chunk.writes, sealed, outcomes

    def write(self, sealed: SealedWrites, before_commit: Callable[[], None] | None = None) -> None:
        """Write and commit one decided chunk; ``RowByRowError`` if the database refuses it.

        Safe in a thread of its own: it touches only its own unit of work, never the index
        (whoever hears of the refusal clears that).
        """
        try:
            with self._uow_factory() as uow:
                uow.bulk.write(sealed)
                if before_commit is not None:
                    before_commit()
                uow.commit()
        except UniquenessError as exc:  # another writer took one of the chunk's unique values
            raise RowByRowError(type(exc).__name__) from None

    # Reading ---------------------------------------------------------------

    def _read(
        self,
        bulk: SyncBulkRepository,
        rows: list[ExtractRow],
        inflight: ChunkWrites | None,
        home_indexes: Callable[[str | None, str | None], tuple[str | None, str | None]],
    ) -> _Chunk:
        identifiers = {i for row in rows for i in row_identifiers(row)}
        keys = {r.source_key for r in rows}
        si_numbers = {r.si_number for r in rows if r.si_number}
        if self.index.complete:  # nothing in the database the run did not write itself
            run = self.index
            sources = {k: run.sources[k] for k in keys if k in run.sources}
            ids_by_si = {s: run.ids_by_si[s] for s in si_numbers if s in run.ids_by_si}
            owners = {i: run.owners[i] for i in identifiers if i in run.owners}
        else:
            sources = bulk.sources(keys)
            ids_by_si = bulk.health_ids_by_si(si_numbers)
            owners = bulk.owners(identifiers)
        stored_sources = set(sources)
        if inflight is not None and not self.index.complete:  # committed before this writes
            for key, (state, _) in inflight.sources.items():
                if key in keys:
                    sources[key] = state
                    stored_sources.add(key)
            for issued in inflight.health_ids:
                if issued.si_number in si_numbers:
                    ids_by_si[issued.si_number] = (issued.person_id, issued.status)
            for person_id, identifier, _ in inflight.identifiers:
                if identifier in identifiers:
                    owners[identifier] = person_id
        return _Chunk(
            bulk=bulk,
            now=self._clock.now(),
            sources=sources,
            stored_sources=stored_sources,
            ids_by_si=ids_by_si,
            owners=owners,
            home_indexes=home_indexes,
        )

    def _prepare(self, chunk: _Chunk, row: ExtractRow) -> _Prepared:
        state = chunk.sources.get(row.source_key)
        if not row.si_number or (state is not None and state.updated_at >= row.updated_at):
            return _Prepared(row)  # nothing to match: unchanged, or known by CCCD alone
        # parse_row validated the row as establish_health_id validates its input: the
        # demographics, and the identifiers against each other and against sex and year.
        return _Prepared(row, row_registration(self._places, row, chunk.home_indexes))

    def _preload(
        self, chunk: _Chunk, prepared: list[_Prepared], inflight: ChunkWrites | None
    ) -> None:
        """Load the keys and persons the chunk's decisions will look at, in bulk."""
        wanted: set[str] = set()
        persons: set[str] = set()
        for p in prepared:
            state = chunk.sources.get(p.row.source_key)
            if state is not None:  # unchanged, or a correction of this person
                if state.updated_at < p.row.updated_at:
                    persons.add(state.person_id)
                continue
            if p.registration is not None:
                wanted |= p.registration.keys
            for identifier in row_identifiers(p.row):
                owner = chunk.owners.get(identifier)
                if owner is not None:
                    persons.add(owner)
        missing = self.index.missing(wanted)
        if missing:
            found = chunk.bulk.block_members(missing)
            if inflight is not None:
                found = _as_committed(found, inflight.blocking_keys)
            for members in found.values():
                persons.update(members)
            self._know(chunk, persons)
            self.index.load(found)
        else:
            self._know(chunk, persons)

    def _know(self, chunk: _Chunk, person_ids: set[str]) -> None:
        unknown = person_ids - self.index.known.keys()
        for pid, stored in chunk.bulk.stored_persons(unknown).items():
            cccd = [Identifier(IdentifierSystem.CCCD, stored.cccd)] if stored.cccd else []
            record = matcher.record_of(
                key=pid,
                demographics=stored.demographics,
                identifiers=cccd,
                places=self._places,
                household=stored.household,
                ward=stored.ward,
            )
            self.index.known[pid] = Known(record, stored.has_si, stored.has_health_id)
        if not person_ids <= self.index.known.keys():
            raise RowByRowError("a person vanished while the chunk was read")

    # Deciding --------------------------------------------------------------

    def _decide(self, chunk: _Chunk, p: _Prepared) -> RowOutcome:
        row = p.row
        state = chunk.sources.get(row.source_key)
        if state is not None and state.updated_at >= row.updated_at:
            return "unchanged"
        try:
            if state is not None:
                self._correct(chunk, row, state.person_id)
                outcome, person_id = "updated", state.person_id
            elif p.registration is not None:
                outcome, person_id = self._establish(chunk, p.registration)
            else:
                outcome, person_id = self._by_cccd(chunk, row)
        except RuleError as exc:  # checked before the row wrote anything: it is rejected
            return exc
        if person_id not in chunk.touched:  # one event a person a chunk, named by its outcome
            chunk.touched.add(person_id)
            chunk.writes.events.append(
                event(
                    clock=self._clock,
                    action=Action.SYNC_APPLY,
                    caller=self._caller,
                    person_id=person_id,
                    detail=outcome,
                )
            )
        chunk.sources[row.source_key] = SourceState(person_id, row.updated_at)
        chunk.writes.sources[row.source_key] = (
            chunk.sources[row.source_key],
            row.source_key in chunk.stored_sources,
        )
        return outcome

    def _correct(self, chunk: _Chunk, row: ExtractRow, person_id: str) -> None:
        """As ``registry.correct_demographics``: what the row leaves out stays as it was."""
        new = row.demographics()  # validated by parse_row as parse_demographics would
        known = self.index.known[person_id]
        if known.record.cccd is not None:
            check_personal_id_matches(
                parse_personal_id(known.record.cccd), sex=new.sex, birth_year=new.birth_date.year
            )
        keep = {"phone"} | {c for c in ("birthplace", "address") if getattr(new, c) is None}
        created = chunk.writes.persons.get(person_id)
        if created is not None:  # new in this very chunk: correct it before it is written
            old = created.demographics
            merged = replace(new, **{c: getattr(old, c) for c in keep})
            chunk.writes.persons[person_id] = created.corrected(merged, chunk.now)
        else:
            earlier = chunk.writes.corrected.get(person_id)
            if earlier is not None:  # corrected twice in one chunk: the first's values stay
                old, _, kept = earlier
                new = replace(new, **{c: getattr(old, c) for c in keep})
                keep &= kept
            chunk.writes.corrected[person_id] = (new, chunk.now, frozenset(keep))
        cccd = [Identifier(IdentifierSystem.CCCD, known.record.cccd)] if known.record.cccd else []
        record = matcher.record_of(
            key=person_id, demographics=new, identifiers=cccd, places=self._places
        )
        # The household and ward stay those first recorded, as the store keeps them.
        record = replace(record, household=known.record.household, ward=known.record.ward)
        if new.birthplace is None:  # kept as it was
            record = replace(record, birth_province=known.record.birth_province)
        self._index(chunk, person_id, Known(record, known.has_si, known.has_id))

    def _establish(self, chunk: _Chunk, p: Registration) -> tuple[str, str]:
        """Where ``place`` lands the row, written into the chunk as registration writes it."""
        reads = _ChunkReads(chunk, self.index, self.population)
        placement = place(p, reads, self._deps.model)
        landing, owner = placement.landing, placement.person_id
        if landing == Landing.EXISTING and owner is not None:
            return "linked", owner
        if landing == Landing.MERGED_AWAY:
            raise RowByRowError("merged away")  # the survivor is found row by row
        if landing == Landing.CCCD_ONLY and owner is not None:
            known = self.index.known[owner]
            self._link(chunk, owner, list(p.identifiers))
            chunk.writes.corrected[owner] = (p.demographics, chunk.now, frozenset())
            record = replace(
                p.record,
                key=owner,
                cccd=known.record.cccd,
                household=known.record.household,  # as stored: a link writes no home
                ward=known.record.ward,
            )
            self._issue(chunk, owner, p.si, p.demographics)
            self._index(chunk, owner, Known(record, True, True))
            return "new", owner
        if owner is not None and landing in (Landing.SECOND_SI, Landing.MATCHED):
            return self._link_to(chunk, owner, p), owner
        person = Person(new_id(), p.demographics, chunk.now, chunk.now, list(p.identifiers))
        if (p.record.household, p.record.ward) != (None, None):
            chunk.writes.homes[person.id] = (p.record.household, p.record.ward)
        keys = set(p.keys)
        self._add_person(chunk, person, replace(p.record, key=person.id), has_si=True, keys=keys)
        self._issue(chunk, person.id, p.si, p.demographics)
        if placement.scored is None:
            return "new", person.id
        pair = matcher.review_pair(placement.scored.a, person.id, placement.scored, chunk.now)
        chunk.writes.reviews.append(pair)
        return "queued", person.id

    def _link_to(self, chunk: _Chunk, owner: str, p: Registration) -> str:
        """The row is this stored person: their ID, or a new one if they have none yet."""
        self._link(chunk, owner, list(p.identifiers))
        known = self.index.known[owner]
        before = known.record
        cccd = p.cccd
        if before.cccd is None and cccd:
            known.record = replace(before, cccd=cccd)  # their first CCCD from now on
        known.has_si = True
        if known.has_id:
            return "linked"
        # As registration does: the ID is established for them, and their keys
        # rewritten from the person as read before this row's identifiers were linked.
        self._issue(chunk, owner, p.si, p.demographics)
        keys = blocking_keys(before)
        chunk.writes.blocking_keys[owner] = keys
        self.index.put(owner, known, keys)
        return "new"

    def _link(self, chunk: _Chunk, owner: str, identifiers: list[Identifier]) -> None:
        """Map the row's identifiers to ``owner``; one mapped to someone else rejects the row."""
        new = []
        for identifier in identifiers:
            holder = chunk.owners.get(identifier)
            if holder is None:
                new.append(identifier)
            elif holder != owner:
                raise identifier_taken()
        for identifier in new:
            chunk.owners[identifier] = owner
            chunk.writes.identifiers.append((owner, identifier, chunk.now))

    def _issue(self, chunk: _Chunk, person_id: str, si: str, demographics: Demographics) -> None:
        issued = health_ids.issue_for(self._deps, person_id, si, demographics)
        chunk.writes.health_ids.append(replace(issued, issued_at=chunk.now))
        chunk.ids_by_si[si] = (person_id, HealthIdStatus.ACTIVE)
        known = self.index.known.get(person_id)
        if known is not None:
            known.has_id = known.has_si = True

    def _by_cccd(self, chunk: _Chunk, row: ExtractRow) -> tuple[str, str]:
        """As ``registry.register_by_cccd``: found again by CCCD, or recorded without an ID."""
        if row.cccd is None:  # parse_row refuses such a row; never here
            raise RowByRowError("a row without a source key")
        identifier = Identifier(IdentifierSystem.CCCD, row.cccd)
        owner = chunk.owners.get(identifier)
        if owner is not None:
            return "linked", owner
        demographics = row.demographics()
        person = Person(new_id(), demographics, chunk.now, chunk.now, [identifier])
        record = matcher.record_of(
            key=person.id,
            demographics=demographics,
            identifiers=[identifier],
            places=self._places,
        )
        self._add_person(chunk, person, record, has_si=False)
        return "new", person.id

    def _add_person(
        self,
        chunk: _Chunk,
        person: Person,
        record: MatchRecord,
        has_si: bool,
        keys: set[str] | None = None,
    ) -> None:
        chunk.writes.persons[person.id] = person
        self.population += 1  # counted when decided: a refused chunk overcounts, harmlessly
        for identifier in person.identifiers:
            chunk.owners[identifier] = person.id
            chunk.writes.identifiers.append((person.id, identifier, chunk.now))
        self._index(chunk, person.id, Known(record, has_si, has_id=False), keys)

    def _index(
        self, chunk: _Chunk, person_id: str, known: Known, keys: set[str] | None = None
    ) -> None:
        """As ``matching.index_person``: the person's keys replaced, in the store and here.

        ``keys``: the record's blocking keys, when already made."""
        if keys is None:
            keys = blocking_keys(known.record)
        chunk.writes.blocking_keys[person_id] = keys
        self.index.put(person_id, known, keys)


class _ChunkReads:
    """``place``'s reads through what the chunk read in bulk and the run's index."""

    def __init__(self, chunk: _Chunk, index: RunIndex, population: int) -> None:
        self._chunk = chunk
        self._index = index
        self._population = population

    def id_holder(self, si: str) -> tuple[str, HealthIdStatus] | None:
        return self._chunk.ids_by_si.get(si)

    def owner(self, identifier: Identifier) -> str | None:
        return self._chunk.owners.get(identifier)

    def known(self, person_id: str) -> KnownPerson:
        known = self._index.known[person_id]
        return KnownPerson(known.record, known.has_si, known.has_id)

    def candidates(self, registration: Registration) -> list[MatchRecord]:
        return self._index.candidates(set(registration.keys))

    def population(self) -> int | None:
        return self._population or None


def _as_committed(
    found: dict[str, list[str]], rekeyed: dict[str, set[str]]
) -> dict[str, list[str]]:
    """Block members as they will be once the chunk that gave ``rekeyed`` their keys commits."""
    added: dict[str, list[str]] = {}
    for person_id, keys in rekeyed.items():
        for key in keys & found.keys():
            added.setdefault(key, []).append(person_id)
    return {
        key: [p for p in members if p not in rekeyed] + added.get(key, [])
        for key, members in found.items()
    }


def row_registration(
    places: AdminUnits,
    row: ExtractRow,
    home_indexes: Callable[[str | None, str | None], tuple[str | None, str | None]],
) -> Registration:
    """A row with an SI number as ``place`` reads it, in a chunk or row by row: with the
    blind indexes of its household and ward, which twins share and a new person keeps."""
    registration = health_ids.registration(places, row.demographics(), row_identifiers(row))
    household, ward = home_indexes(row.household, row.ward)
    record = replace(registration.record, household=household, ward=ward)
    return replace(registration, record=record)


def row_identifiers(row: ExtractRow) -> list[Identifier]:
    """The row's identifiers as registration maps them (values already canonical)."""
    found = []
    if row.si_number:
        found.append(Identifier(IdentifierSystem.SI, row.si_number))
    if row.cccd:
        found.append(Identifier(IdentifierSystem.CCCD, row.cccd))
    if row.bhyt_card:
        found.append(Identifier(IdentifierSystem.BHYT, row.bhyt_card))
    return found
