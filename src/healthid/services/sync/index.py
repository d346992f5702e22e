"""The run's in-memory blocking index: candidates for a chunk without a query per row.

It mirrors the registry's ``blocking_keys`` table for the keys a run has asked
about: a key is read from the database once, then kept up to date by the run's
own writes. Each person in it is held as the matcher sees them (a
``MatchRecord`` and two flags), never as a full ``Person``: a million-row run
must fit in memory.

A run that starts on an empty registry (an initial load) is *complete*: every
person, identifier, source state and Health ID it can meet is one it wrote
itself, so it reads none of them from the database; it keeps what it wrote
here instead. A value another writer took meanwhile still clashes with the
database's unique indexes when the chunk is written: the chunk goes row by
row, the index is cleared and the run reads the database from then on.

Members are kept sorted by person id, the order the database returns them in,
so a run resumed after a kill (which reads its keys back) picks the same
candidates, in the same order, as one that was never stopped.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass, field

from healthid.domain.identifiers import Identifier
from healthid.domain.issuance import HealthIdStatus
from healthid.domain.sync import SourceState
from healthid.matching.blocking import CANDIDATE_LIMIT
from healthid.matching.normalise import MatchRecord

# The narrowest keys first, so the limit drops the least likely candidates.
_KEY_ORDER = {"c": 0, "dG": 1, "dF": 2, "fgpd": 3, "gys": 4}


@dataclass(slots=True, eq=False)  # compared and hashed by identity: one object a person
class Known:
    """What matching needs of a person: their record, and whether they hold an SI number / ID."""

    record: MatchRecord  # its key is the person id
    has_si: bool
    has_id: bool
    keys: list[str] = field(default_factory=list)  # loaded keys that list this person


def _priority(key: str) -> tuple[int, str]:
    return _KEY_ORDER.get(key.split("|", 1)[0], len(_KEY_ORDER)), key


def _person_id(known: Known) -> str:
    return known.record.key


class RunIndex:
    def __init__(self) -> None:
        # Blocking key -> the persons under it, sorted by id. The objects themselves,
        # not their ids: a candidate is then one step away, not a dictionary lookup.
        self.members: dict[str, list[Known]] = {}
        self.known: dict[str, Known] = {}
        self.complete = False  # the registry holds no person this index does not know
        # What the run wrote, kept only while complete (the database answers otherwise).
        self.sources: dict[str, SourceState] = {}
        self.ids_by_si: dict[str, tuple[str, HealthIdStatus]] = {}
        self.owners: dict[Identifier, str] = {}

    def missing(self, keys: Iterable[str]) -> set[str]:
        """The keys not read from the database yet."""
        if self.complete:
            return set()
        return {k for k in keys if k not in self.members}

    def load(self, found: dict[str, list[str]]) -> None:
        """Keys as the database holds them; every person listed must be known already."""
        for key, persons in found.items():
            members = sorted((self.known[p] for p in persons), key=_person_id)
            self.members[key] = members
            for known in members:
                if key not in known.keys:
                    known.keys.append(key)

    def put(self, person_id: str, known: Known, keys: set[str]) -> None:
        """Record (or re-record) a person under ``keys``, as ``set_blocking_keys`` stores them."""
        old = self.known.get(person_id)
        if old is not None:
            for key in old.keys:
                members = self.members.get(key)
                if members is not None and old in members:
                    members.remove(old)
        known.keys = []
        for key in sorted(keys):
            members = self.members.get(key)
            if members is None and self.complete:
                members = self.members[key] = []
            if members is not None:  # keys never loaded are read from the database when asked
                insort(members, known, key=_person_id)  # new ids sort last: an append, mostly
                known.keys.append(key)
        self.known[person_id] = known

    def candidates(self, keys: set[str]) -> list[MatchRecord]:
        """Persons sharing a key, narrowest keys first, at most ``CANDIDATE_LIMIT``."""
        seen: dict[Known, None] = {}
        for key in sorted(keys, key=_priority):
            for known in self.members.get(key, ()):
                seen.setdefault(known)
                if len(seen) >= CANDIDATE_LIMIT:
                    return [k.record for k in seen]
        return [k.record for k in seen]

    def clear(self) -> None:
        """Forget everything: after a chunk failed, the database is the only truth."""
        self.members.clear()
        self.known.clear()
        self.sources.clear()
        self.ids_by_si.clear()
        self.owners.clear()
        self.complete = False
