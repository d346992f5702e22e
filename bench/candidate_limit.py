"""How many candidates registration must read: true duplicates found by candidate limit.

    .venv/bin/python bench/candidate_limit.py [--pairs 12000]

Measures in the 1M registry `bench/sync_load.py` leaves behind (its snapshot
and truth file): for true duplicate pairs of the snapshot (one human, two SI
numbers), the second record is matched as registration matches it, and the
first record's person counts as found under a limit if it is among the first
`limit` candidates (most keys shared first) and scores at least 'review'.
Read-only: nothing is registered.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import random

from realtime_matching import SYNC_BENCH, SYNC_BENCH_URL

from healthid import bootstrap
from healthid.config import Settings
from healthid.domain.errors import ValidationError
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.person import parse_demographics
from healthid.matching.blocking import blocking_keys
from healthid.matching.model import Decision
from healthid.services import matcher as matching

LIMITS = (50, 100, 150, 200, 1_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    registry, _ = bootstrap.init_registry(
        Settings(database_url=SYNC_BENCH_URL, keys=SYNC_BENCH / "keys.json")
    )
    snapshot = SYNC_BENCH / "snapshot"
    with (snapshot / "bhxh.csv").open(encoding="utf-8", newline="") as stream:
        rows = {r["MA_SO_BHXH"]: r for r in csv.DictReader(stream)}
    humans = collections.defaultdict(list)
    with (snapshot / "truth.csv").open(encoding="utf-8", newline="") as stream:
        for r in csv.DictReader(stream):
            humans[r["PERSON"]].append(r["SOURCE_KEY"])
    pairs = [keys for keys in humans.values() if len(keys) == 2]
    random.Random(args.seed).shuffle(pairs)
    found: collections.Counter[int] = collections.Counter()
    measured = over_200 = 0
    model = registry.model
    today = datetime.date(2026, 11, 25)
    with registry.uow() as uow:
        for first, second in pairs[: args.pairs]:
            person = uow.persons.find_by_identifier(Identifier(IdentifierSystem.SI, first))
            row = rows.get(second)
            if person is None or row is None:
                continue
            try:
                demographics = parse_demographics(
                    full_name=row["HO_TEN"],
                    birth_date=row["NGAY_SINH"],
                    sex=row["GIOI_TINH"],
                    birthplace=row["NOI_SINH"] or None,
                    today=today,
                )
            except ValidationError:
                continue
            cccd = [Identifier(IdentifierSystem.CCCD, row["SO_CCCD"])] if row["SO_CCCD"] else []
            record = matching.record_of(
                key="new", demographics=demographics, identifiers=cccd, places=registry.places
            )
            ranked = uow.persons.candidate_inputs(blocking_keys(record), limit=max(LIMITS))
            measured += 1
            over_200 += len(ranked) > 200
            rank = next((n for n, c in enumerate(ranked) if c.person_id == person.id), None)
            if rank is None:
                continue
            scored = model.score(matching.input_record(ranked[rank], registry.places), record)
            if scored.decision == Decision.NEW:
                continue
            for limit in LIMITS:
                found[limit] += rank < limit
    registry.close()
    print(f"{measured:,} true duplicate pairs; {over_200:,} records share a key with > 200")
    for limit in LIMITS:
        print(f"  limit {limit:>9,}: found {found[limit]:,} ({found[limit] / measured:.4f})")


if __name__ == "__main__":
    main()
