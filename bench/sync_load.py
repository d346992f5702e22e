"""BHXH sync load: the initial load of a synthetic extract and a delta, against a raw COPY.

    .venv/bin/python bench/sync_load.py [--rows 1000000] [--delta 10000]

Drops and recreates the PostgreSQL database `healthid_sync_bench`, writes
about `--rows` rows with `healthid synth`'s generator (8 % of people twice,
under a second SI number) and a delta of `--delta` rows (half of them newer
rows of people already loaded, half new people), then times in one run:

- the floor: `COPY` of the same CSV file into an unindexed table (psycopg 3);
- `healthid sync bhxh` of the file into an empty registry (IDs established,
  duplicates linked or queued for review), as an operator runs it;
- `healthid sync bhxh` of the delta into that registry, and a `COPY` of the delta.

and prints each time with its multiple of the COPY of the same file, and the
CPU time the sync process and PostgreSQL's processes used during the initial
load (read from /proc: the server must run on this machine), which shows what
bounds it on two cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from healthid.synth.bhxh import COLUMNS, write

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "sync_load"
SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "healthid_sync_bench"
HEALTHID = Path(sys.executable).with_name("healthid")


def recreate_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def copy_seconds(path: Path, table: str) -> float:
    """The floor: the file into an unindexed table of text columns, in one COPY."""
    columns = ", ".join(f"{c.lower()} text" for c in COLUMNS)
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} ({columns})")
        conn.commit()
        started = time.perf_counter()
        statement = f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)"
        with conn.cursor() as cursor, cursor.copy(statement) as copy, path.open("rb") as stream:
            while block := stream.read(1 << 20):
                copy.write(block)
        conn.commit()
        return time.perf_counter() - started


def make_delta(snapshot: Path, rows: int, size: int, seed: int) -> Path:
    """Newer rows for ``size / 2`` loaded people (a new address) and ``size / 2`` new people."""
    rng = random.Random(seed)
    chosen = set(rng.sample(range(rows), size // 2))
    delta = WORK / "delta.csv"
    write(WORK / "new_people", persons=size - size // 2, dup_rate=0.0, seed=seed + 1)
    with delta.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        with snapshot.open(encoding="utf-8", newline="") as stream:
            for number, row in enumerate(csv.DictReader(stream)):
                if number in chosen:
                    row["DIA_CHI"] = f"Số {rng.randint(1, 999)} Hùng Vương"
                    row["NGAY_CAP_NHAT"] = "2026-06-01T08:00:00+07:00"
                    writer.writerow(row)
        with (WORK / "new_people" / "bhxh.csv").open(encoding="utf-8", newline="") as stream:
            for count, row in enumerate(csv.DictReader(stream)):
                if count >= size - size // 2:
                    break
                writer.writerow(row)
    return delta


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process so far, ended backends included.

    A backend that has ended was reaped by the postmaster, whose ``cutime`` and
    ``cstime`` then hold its time; a live one counts its own.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name.startswith("postgres"):
            fields = text[text.rindex(")") + 2 :].split()
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / ticks


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sync_seconds(env: dict[str, str], path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(HEALTHID), "sync", "bhxh", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--delta", type=int, default=10_000)
    parser.add_argument("--dup-rate", type=float, default=0.08)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # ``write`` takes people; each is a row, and dup_rate of them (with an SI number) a second.
    rows, humans = write(
        WORK / "snapshot",
        persons=round(args.rows / (1 + args.dup_rate * 0.99)),
        dup_rate=args.dup_rate,
        seed=args.seed,
    )
    snapshot = WORK / "snapshot" / "bhxh.csv"
    delta = make_delta(snapshot, rows, args.delta, args.seed)
    print(f"generated {rows:,} rows ({humans:,} people) in {time.perf_counter() - started:.0f} s")

    recreate_database()
    floor = copy_seconds(snapshot, "raw_extract")
    delta_floor = copy_seconds(delta, "raw_delta")
    env = {
        **os.environ,
        "HEALTHID_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}",
        "HEALTHID_KEYS": str(WORK / "keys.json"),
    }
    (WORK / "keys.json").unlink(missing_ok=True)
    subprocess.run([str(HEALTHID), "init"], env=env, check=True, capture_output=True)
    sync_cpu, server_cpu = children_cpu_seconds(), postgres_cpu_seconds()
    load, load_counts = sync_seconds(env, snapshot)
    sync_cpu = children_cpu_seconds() - sync_cpu
    server_cpu = postgres_cpu_seconds() - server_cpu
    delta_time, delta_counts = sync_seconds(env, delta)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    report = {
        "rows": rows,
        "delta_rows": args.delta,
        "copy_s": round(floor, 2),
        "load_s": round(load, 1),
        "load_rows_per_s": round(rows / load),
        "load_x_copy": round(load / floor, 1),
        "delta_copy_s": round(delta_floor, 3),
        "delta_s": round(delta_time, 1),
        "delta_x_copy_of_delta": round(delta_time / delta_floor, 1),
        "delta_x_copy_of_snapshot": round(delta_time / floor, 2),
        "load_sync_cpu_s": round(sync_cpu, 1),
        "load_postgres_cpu_s": round(server_cpu, 1),
        "peak_rss_mib": round(peak_mib),
        "load_counts": load_counts,
        "delta_counts": delta_counts,
    }
    print(f"COPY of the file:      {floor:8.2f} s")
    rate = rows / load
    print(f"initial load (sync):   {load:8.1f} s  = {load / floor:.1f} x COPY  ({rate:.0f} rows/s)")
    print(f"  {load_counts}")
    print(
        f"  CPU meanwhile: sync process {sync_cpu:.0f} s ({sync_cpu / load:.0%} of a core),"
        f" PostgreSQL {server_cpu:.0f} s ({server_cpu / load:.0%} of a core)"
    )
    print(f"COPY of the delta:     {delta_floor:8.3f} s")
    print(
        f"delta (sync):          {delta_time:8.1f} s  = {delta_time / delta_floor:.1f} x its COPY"
    )
    print(f"  {delta_counts}")
    print(f"peak memory of a sync process: {peak_mib:.0f} MiB")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
