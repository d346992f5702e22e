"""Real-time matching latency: registering people into a populated registry on PostgreSQL.

    .venv/bin/python bench/realtime_matching.py [--persons 1000000] [--registrations 500]

Seeds (once, then reused) `--persons` synthetic people into the PostgreSQL
database `healthid_rt` through `healthid sync bhxh` — the bulk path an
operator uses, which stores each person with their blind-indexed blocking
keys exactly as registration does — then times `health_ids.establish` (in a unit of work of
its own, committed) for new
records: half are second records of seeded people (as the format note
describes them), half are new people. In the same run it times the floor
every registration pays anyway: one indexed lookup of the SI number.

`--reuse-sync-bench` skips the seeding and measures in the registry
`bench/sync_load.py` left behind (its snapshot is the population).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from healthid import bootstrap
from healthid.config import Settings
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.names import fold_diacritics
from healthid.matching.model import Decision
from healthid.services import health_ids
from healthid.services.deps import Deps
from healthid.services.health_ids import PersonInput
from healthid.synth.bhxh import write

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "realtime"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
URL = "postgresql+psycopg://postgres@127.0.0.1:5432/healthid_rt"
KEYS = WORK / "keys.json"
SYNC_BENCH_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/healthid_sync_bench"
SYNC_BENCH = HERE / ".work" / "sync_load"


def ensure_database() -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = 'healthid_rt'")):
            conn.execute(sa.text("CREATE DATABASE healthid_rt"))
    admin.dispose()


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def seed(registry: bootstrap.Registry, extract: Path) -> None:
    """The extract through `healthid sync bhxh`; a rerun skips the rows already applied."""
    with registry.engine.connect() as conn:
        have = int(conn.scalar(sa.text("SELECT count(*) FROM persons")) or 0)
    wanted = sum(1 for _ in extract.open(encoding="utf-8")) - 1
    if have >= wanted:
        return
    print(f"  seeding {wanted - have:,} persons through healthid sync bhxh", flush=True)
    started = time.perf_counter()
    env = {**os.environ, "HEALTHID_DATABASE_URL": URL, "HEALTHID_KEYS": str(KEYS)}
    subprocess.run(
        [str(Path(sys.executable).with_name("healthid")), "sync", "bhxh", str(extract)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def establish(deps: Deps, data: PersonInput) -> health_ids.Established:
    """Registration's matching and writes, committed: the building block the use cases share."""
    registration = health_ids.validate(deps, data)
    with deps.uow() as uow:
        result = health_ids.establish(uow, deps, registration)
        uow.commit()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument(
        "--seed", type=int, default=22, help="of the new people (a rerun wants another)"
    )
    parser.add_argument(
        "--reuse-sync-bench",
        action="store_true",
        help="measure in the registry bench/sync_load.py loaded (no seeding)",
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.reuse_sync_bench:
        registry, _ = bootstrap.init_registry(
            Settings(database_url=SYNC_BENCH_URL, keys=SYNC_BENCH / "keys.json")
        )
        population = rows_of(SYNC_BENCH / "snapshot" / "bhxh.csv")
    else:
        ensure_database()
        registry, _ = bootstrap.init_registry(Settings(database_url=URL, keys=KEYS))
        extract = WORK / f"population-{args.persons}" / "bhxh.csv"
        if not extract.exists():
            write(extract.parent, persons=args.persons, dup_rate=0.0, seed=21)
        population = rows_of(extract)
        print(f"Registry on PostgreSQL: ensuring {len(population):,} persons")
        seed(registry, extract)
    with registry.engine.connect() as conn:
        persons = int(conn.scalar(sa.text("SELECT count(*) FROM persons")) or 0)
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp), persons=args.registrations, dup_rate=0.0, seed=args.seed)
        newcomers = rows_of(Path(tmp) / "bhxh.csv")[: args.registrations // 2]
    # Second records of seeded people: another SI number, the name without diacritics.
    returning = [
        {**row, "SO_CCCD": "", "MA_THE_BHYT": "", "HO_TEN": fold_diacritics(row["HO_TEN"]).title()}
        for row in population[:: max(1, len(population) // (args.registrations // 2))]
    ][: args.registrations // 2]
    timings, decisions, floor = [], {}, []
    for row in [*returning, *newcomers]:
        # A fresh SI number each run, so a rerun measures registrations, not repeats.
        si = f"9{uuid.uuid4().int % 10**9:09d}"
        started = time.perf_counter()
        with registry.uow() as uow:
            uow.persons.find_by_identifier(Identifier(IdentifierSystem.SI, si))
        floor.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = establish(
            registry.deps,
            PersonInput(
                si_number=si,
                full_name=row["HO_TEN"],
                birth_date=row["NGAY_SINH"],
                sex=row["GIOI_TINH"],
                birthplace=row["NOI_SINH"] or None,
            ),
        )
        timings.append(time.perf_counter() - started)
        decisions[result.decision] = decisions.get(result.decision, 0) + 1
    registry.close()
    print(
        f"\n{persons:,} persons on PostgreSQL; {len(timings)} registrations "
        f"({len(returning)} returning people, {len(newcomers)} new)"
    )
    print(
        f"floor: indexed SI lookup      p50 {percentile(floor, 0.5):6.2f} ms   "
        f"p95 {percentile(floor, 0.95):6.2f} ms"
    )
    print(
        f"establish with matching       p50 {percentile(timings, 0.5):6.2f} ms   "
        f"p95 {percentile(timings, 0.95):6.2f} ms   mean {statistics.mean(timings) * 1000:.2f} ms"
    )
    print(f"p95 ratio to the floor: {percentile(timings, 0.95) / percentile(floor, 0.95):.1f}x")
    print("decisions: " + ", ".join(f"{Decision(k).value} {v}" for k, v in decisions.items()))


if __name__ == "__main__":
    main()
