"""Batch deduplication (healthid dedup) at scale: wall time against DuckDB's floor.

    .venv/bin/python bench/dedup_scale.py --persons 1000000 [--dup-rate 0.01] [--engine duckdb]

Seeds (once, then reused) a SQLite registry under bench/.work/ with
`--persons` synthetic people, `--dup-rate` of them registered twice under a
second SI number, as an old system without matching would have stored them:
encrypted, with their blind-indexed blocking keys, written in batches. Each
run copies that file and runs `deduplicate` on the copy (it merges, so the
seeded registry stays untouched), exactly as `healthid dedup` does: read and
decrypt every person, find candidate pairs with Splink, rescore each pair in
Python, merge the sure ones and queue the rest.

The floor, in the same run: reading the same person rows without decrypting
them, plus DuckDB alone counting the pairs of a plain self-join on the same
blocking keys — the least any batch deduplication on this registry must do.
"""

from __future__ import annotations

import argparse
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import sqlalchemy as sa

from healthid import bootstrap
from healthid.adapters.splink_pairs import BLOCKING_RULES, SplinkPairFinder, records_table
from healthid.adapters.tables import BlockingKeyRow, IdentifierRow, PersonRow
from healthid.config import Settings
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.person import Person, parse_demographics
from healthid.matching.blocking import blocking_keys
from healthid.matching.model import Model
from healthid.matching.normalise import MatchRecord
from healthid.services import dedup
from healthid.services import matcher as matching
from healthid.services.access import operator
from healthid.services.ports import PairFinder
from healthid.synth.bhxh import generate

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
KEYS = WORK / "dedup-keys.json"


def registry_at(path: Path) -> bootstrap.Registry:
    registry, _ = bootstrap.init_registry(Settings(database_url=f"sqlite:///{path}", keys=KEYS))
    return registry


def person_of(row: dict[str, str], seen_cccd: set[str]) -> Person:
    ids = [Identifier(IdentifierSystem.SI, row["MA_SO_BHXH"])] if row["MA_SO_BHXH"] else []
    if row["SO_CCCD"] and row["SO_CCCD"] not in seen_cccd:
        seen_cccd.add(row["SO_CCCD"])  # a CCCD is one person's: a second record goes without
        ids.append(Identifier(IdentifierSystem.CCCD, row["SO_CCCD"]))
    d = parse_demographics(
        full_name=row["HO_TEN"],
        birth_date=row["NGAY_SINH"],
        sex=row["GIOI_TINH"],
        birthplace=row["NOI_SINH"] or None,
    )
    now = datetime.now(UTC)
    return Person(uuid.uuid4().hex, d, now, now, ids)


def insert_batch(registry: bootstrap.Registry, persons: list[Person]) -> None:
    """The rows SqlPersonRepository.add and set_blocking_keys write, in three executemany.

    The repository flushes person by person (it must, to surface a clash at once);
    at a million that is an hour of seeding, so the bench writes the same rows in bulk.
    `--check-seeding` compares the two on a small registry.
    """
    sealer = registry._sealer  # the registry's own keys and row-binding conventions
    people, identifiers, keys = [], [], []
    for person in persons:
        d, pid = person.demographics, person.id
        people.append(
            {
                "id": pid,
                "sex": str(d.sex),
                "full_name_ct": sealer.seal("persons", pid, "full_name", d.full_name),
                "birth_date_ct": sealer.seal("persons", pid, "birth_date", d.birth_date.compact()),
                "birthplace_ct": sealer.seal_optional("persons", pid, "birthplace", d.birthplace),
                "address_ct": None,
                "phone_ct": None,
                "merged_into": None,
                "created_at": person.created_at,
                "updated_at": person.updated_at,
            }
        )
        for n, identifier in enumerate(person.identifiers):
            row_id = uuid.uuid4().hex
            identifiers.append(
                {
                    "id": row_id,
                    "person_id": pid,
                    "system": str(identifier.system),
                    "scope": identifier.scope,
                    "value_index": sealer.identifier_index(
                        identifier.system, identifier.scope, identifier.value
                    ),
                    "value_ct": sealer.seal("identifiers", row_id, "value", identifier.value),
                    # In the order given, as the repository's one-by-one writes are read.
                    "created_at": person.created_at + timedelta(microseconds=n),
                }
            )
        record = matching.person_record(person, registry.places)
        keys.extend(
            {"key_index": index, "person_id": pid}
            for index in {sealer.index("block", k) for k in blocking_keys(record)}
        )
    with registry.engine.begin() as conn:
        conn.execute(sa.insert(PersonRow), people)
        conn.execute(sa.insert(IdentifierRow), identifiers)
        conn.execute(sa.insert(BlockingKeyRow), keys)


def seed(path: Path, persons: int, dup_rate: float) -> None:
    """Write the registry once; a finished file is reused (its name says what it holds)."""
    if path.exists():
        return
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    registry = registry_at(partial)
    started, batch, done = time.perf_counter(), 5000, 0
    seen_cccd: set[str] = set()
    records = iter(generate(persons, dup_rate, seed=31))
    while chunk := [r.row() for _, r in zip(range(batch), records, strict=False)]:
        insert_batch(registry, [person_of(row, seen_cccd) for row in chunk])
        done += len(chunk)
        if done % 100_000 < batch:
            print(f"  seeded {done:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    registry.close()
    partial.rename(path)


def check_seeding() -> None:
    """The bulk rows read back as the repository's own writes do (same persons, same keys)."""
    rows = [r.row() for r in generate(300, 0.1, seed=5)]
    read: list[list[tuple[object, ...]]] = []
    for name, bulk in (("repo", False), ("bulk", True)):
        path = WORK / f"check-{name}.db"
        path.unlink(missing_ok=True)
        registry = registry_at(path)
        seen: set[str] = set()
        persons = [person_of(row, seen) for row in rows]
        for i, person in enumerate(persons):  # the same ids both ways
            persons[i] = replace(person, id=f"{i:032d}")
        if bulk:
            insert_batch(registry, persons)
        else:
            with registry.uow() as uow:
                for person in persons:
                    uow.persons.add(person)
                    matching.index_person(uow, registry.places, person)
                uow.commit()
        with registry.uow() as uow:
            people = [
                (p.id, p.demographics, [(i.system, i.value) for i in p.identifiers])
                for p in uow.persons.iter_all()
            ]
        with registry.engine.connect() as conn:
            keys = conn.execute(sa.text("SELECT person_id, key_index FROM blocking_keys")).all()
        read.append([*people, *sorted(tuple(k) for k in keys)])
        registry.close()
        path.unlink()
    differ = [(a, b) for a, b in zip(*read, strict=True) if a != b]
    assert len(read[0]) == len(read[1]), "bulk seeding wrote another number of rows"
    assert not differ, f"bulk seeding differs in {len(differ)} rows"
    print(f"bulk seeding writes what the repository writes ({len(read[0])} persons and keys)")


class TimedFinder:
    """The engine's finder, noting when reading ends and pair finding ends."""

    def __init__(self, inner: PairFinder) -> None:
        self.inner = inner
        self.marks: dict[str, float] = {}

    def pairs(self, records: list[MatchRecord], model: Model) -> Iterator[tuple[str, str]]:
        self.marks["read"] = time.perf_counter()
        print(f"  read, decrypt, normalise: {self.marks['read'] - self.marks['start']:.1f} s")
        found = list(self.inner.pairs(records, model))
        self.marks["found"] = time.perf_counter()
        print(f"  find pairs: {self.marks['found'] - self.marks['read']:.1f} s", flush=True)
        yield from found


def floor(registry: bootstrap.Registry, records: list[MatchRecord]) -> tuple[float, float, int]:
    """Seconds to read the person rows undecrypted, seconds and pairs of a plain self-join."""
    started = time.perf_counter()
    with registry.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM persons WHERE merged_into IS NULL")).fetchall()
    read = time.perf_counter() - started
    assert len(rows) == len(records)
    table = records_table(records)  # not timed: the join on prepared columns is the floor
    con = duckdb.connect()
    con.register("r", table)
    # Each rule's pairs less those of the rules before it, as Splink counts them: no
    # union of hundreds of millions of pairs to deduplicate.
    rules = [" AND ".join(f"l.{c} = r2.{c}" for c in rule) for rule in BLOCKING_RULES]
    started = time.perf_counter()
    pairs = 0
    for i, rule in enumerate(rules):
        earlier = "".join(f" AND NOT coalesce(({r}), false)" for r in rules[:i])
        # Column names from the adapter's own constant, no input: not an injection.
        sql = f"SELECT count(*) FROM r l JOIN r r2 ON {rule} WHERE l.unique_id < r2.unique_id"  # noqa: S608
        pairs += int(con.execute(sql + earlier).fetchone()[0])  # type: ignore[index]
    join = time.perf_counter() - started
    con.close()
    return read, join, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--dup-rate", type=float, default=0.01)
    parser.add_argument("--engine", choices=bootstrap.ENGINES, default="duckdb")
    parser.add_argument("--memory-limit", default="8GB", help="DuckDB's (the machine is shared)")
    parser.add_argument("--check-seeding", action="store_true", help="and stop")
    parser.add_argument("--seed-only", action="store_true", help="seed the registry, and stop")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    if args.check_seeding:
        check_seeding()
        return
    seeded = WORK / f"dedup-{args.persons}-{args.dup_rate}.db"
    print(f"Registry on SQLite ({seeded.name}): ensuring {args.persons:,} persons")
    seed(seeded, args.persons, args.dup_rate)
    if args.seed_only:
        return
    # The floor first: at a size the pipeline cannot finish, it is still measured.
    seeded_registry = registry_at(seeded)
    records = matching.registry_records(seeded_registry.uow, seeded_registry.places)
    read, join, floor_pairs = floor(seeded_registry, records)
    seeded_registry.close()
    del records
    print(
        f"floor: read rows {read:.1f} s + DuckDB self-join {join:.1f} s "
        f"({floor_pairs:,} blocked pairs)",
        flush=True,
    )
    run = WORK / "dedup-run.db"
    shutil.copyfile(seeded, run)
    registry = registry_at(run)
    inner = (
        SplinkPairFinder(memory_limit=args.memory_limit)
        if args.engine == "duckdb"
        else registry.pair_finder_for(args.engine)
    )
    finder = TimedFinder(inner)
    print(f"dedup ({args.engine}) ...", flush=True)
    started = finder.marks["start"] = time.perf_counter()
    report = dedup.deduplicate(deps=registry.deps, caller=operator(), finder=finder)
    ended = time.perf_counter()
    total = ended - started
    registry.close()
    run.unlink()
    print(
        f"\n{report.persons:,} persons, {report.pairs:,} candidate pairs: "
        f"{report.merged:,} merged, {report.queued:,} queued, blocked {report.blocked}"
    )
    print(f"dedup ({args.engine})                    {total:8.1f} s")
    print(f"  read, decrypt, normalise           {finder.marks['read'] - started:8.1f} s")
    finding = finder.marks["found"] - finder.marks["read"]
    print(f"  find pairs                         {finding:8.1f} s")
    print(f"  rescore, merge, queue              {ended - finder.marks['found']:8.1f} s")
    print(f"floor: read rows + DuckDB self-join  {read + join:8.1f} s  ({read:.1f} + {join:.1f})")
    print(f"ratio to the floor: {total / (read + join):.1f}x")


if __name__ == "__main__":
    main()
