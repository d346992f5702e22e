"""The run's in-memory index: members in the database's order, and complete on an empty registry."""

from __future__ import annotations

from healthid.domain.birth_date import parse_birth_date
from healthid.matching.normalise import MatchRecord, match_record
from healthid.services.sync.index import Known, RunIndex


def known(key: str) -> Known:
    record = match_record(
        key=key, full_name="Nguyễn Văn An", birth_date=parse_birth_date("1990"), sex="male"
    )
    return Known(record, has_si=True, has_id=True)


def ids(records: list[MatchRecord]) -> list[str]:
    return [r.key for r in records]


def test_members_are_kept_in_person_id_order_as_the_database_returns_them() -> None:
    index = RunIndex()
    index.known.update({"a": known("a"), "c": known("c")})
    index.load({"k": ["c", "a"]})
    assert index.known["a"].keys == ["k"]
    index.put("b", known("b"), {"k"})
    assert ids(index.candidates({"k"})) == ["a", "b", "c"]
    index.put("a", known("a"), {"k"})  # corrected: listed again, in its place
    assert ids(index.candidates({"k"})) == ["a", "b", "c"]
    assert len(index.members["k"]) == 3


def test_a_key_never_loaded_is_missing_until_the_index_is_complete() -> None:
    index = RunIndex()
    index.put("a", known("a"), {"k"})
    assert index.missing({"k"}) == {"k"}  # the database may hold others under it
    assert ids(index.candidates({"k"})) == []

    complete = RunIndex()
    complete.complete = True  # the registry was empty: only this run's persons exist
    complete.put("a", known("a"), {"k"})
    assert complete.missing({"k", "other"}) == set()
    assert ids(complete.candidates({"k"})) == ["a"]


def test_clearing_the_index_makes_the_database_the_truth_again() -> None:
    index = RunIndex()
    index.complete = True
    index.put("a", known("a"), {"k"})
    index.clear()
    assert not index.complete
    assert index.missing({"k"}) == {"k"}
