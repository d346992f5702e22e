"""Load benchmark of the REST API against a bare ASGI floor, on PostgreSQL.

    .venv/bin/python bench/api_load.py [--persons 100000] [--concurrency 32] [--seconds 15]

Seeds (once, then reused) a registry of --persons people in the PostgreSQL
database `healthid_bench`, starts `healthid serve` and the floor app
(bench/floor_app.py: the same single indexed SELECT with psycopg, nothing
else) one after the other on loopback, drives each with the same asyncio load
generator, and prints throughput and p50/p99 latency, with our throughput as
a fraction of the floor's. The load generator shares the machine's cores with
the server, for both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import sqlalchemy as sa

from healthid import bootstrap
from healthid.adapters.crypto import BlindIndex
from healthid.config import Settings
from healthid.domain.birth_date import BirthDate
from healthid.domain.health_id import canonical_string, compute_check
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Demographics, Person
from healthid.domain.sex import Sex
from healthid.services import accounts
from healthid.services.access import operator

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/healthid_bench"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = {Sex.MALE: ["Văn", "Đức", "Minh", "Quang"], Sex.FEMALE: ["Thị", "Ngọc", "Thu", "Thanh"]}
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Linh", "Mai", "Nam", "Sơn", "Thảo"]
FACILITY = "01001"


def synthetic(i: int) -> tuple[str, Demographics]:
    """Person number ``i``: a deterministic SI number and demographics."""
    rng = random.Random(i)
    sex = Sex.MALE if i % 2 else Sex.FEMALE
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN)}"
    return f"{i + 1:010d}", Demographics(name, BirthDate(1940 + i % 80), sex)


def health_id(registry: bootstrap.Registry, i: int) -> str:
    si, d = synthetic(i)
    canonical = canonical_string(
        si_number=si, full_name=d.full_name, birth_year=d.birth_date.year, sex=d.sex, birthplace=""
    )
    return f"{si}.{compute_check(registry.keys.issuing_key(1)[1], canonical)}"


def ensure_database() -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = 'healthid_bench'")):
            conn.execute(sa.text("CREATE DATABASE healthid_bench"))
    admin.dispose()


def seed(registry: bootstrap.Registry, persons: int) -> None:
    with registry.engine.connect() as conn:
        have = int(conn.scalar(sa.text("SELECT count(*) FROM health_ids")) or 0)
    _, key = registry.keys.issuing_key(1)
    started, batch = time.perf_counter(), 2000
    for start in range(have, persons, batch):
        with registry.uow() as uow:
            for i in range(start, min(start + batch, persons)):
                si, d = synthetic(i)
                now = datetime.now(UTC)
                person = Person(
                    uuid.uuid4().hex, d, now, now, [Identifier(IdentifierSystem.SI, si)]
                )
                uow.persons.add(person)
                canonical = canonical_string(
                    si_number=si,
                    full_name=d.full_name,
                    birth_year=d.birth_date.year,
                    sex=d.sex,
                    birthplace="",
                )
                uow.health_ids.add(
                    IssuedHealthId(
                        uuid.uuid4().hex, person.id, si, canonical, 1, HealthIdStatus.ACTIVE, now
                    )
                )
            uow.commit()
        done = min(start + batch, persons)
        print(f"  seeded {done:,}/{persons:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    del key


def ensure_clients(registry: bootstrap.Registry, count: int) -> list[tuple[str, str]]:
    path = WORK / "clients.json"
    known: list[tuple[str, str]] = json.loads(path.read_text()) if path.exists() else []
    with registry.uow() as uow:
        has_facility = uow.accounts.get_facility(FACILITY) is not None
    deps, caller = registry.deps, operator()
    if not has_facility:
        accounts.add_facility(
            deps=deps,
            caller=caller,
            code=FACILITY,
            name="Bệnh viện Benchmark",
            province="01",
        )
    while len(known) < count:
        new = accounts.add_client(
            deps=deps, caller=caller, hasher=registry.hasher, facility_code=FACILITY
        )
        known.append((new.client_id, new.client_secret))
    path.write_text(json.dumps(known))
    path.chmod(0o600)
    return known[:count]


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<26} {self.throughput:8.0f} req/s   p50 {self.pct(0.5):6.2f} ms   "
            f"p95 {self.pct(0.95):6.2f} ms   p99 {self.pct(0.99):6.2f} ms   errors {self.errors}"
        )


RequestMaker = Callable[[int, random.Random], tuple[str, str, dict[str, object]]]


async def drive(
    *, base: str, name: str, concurrency: int, seconds: float, warmup: float, make: RequestMaker
) -> Result:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        start = time.perf_counter()
        measure_from, stop_at = start + warmup, start + warmup + seconds

        async def worker(n: int) -> None:
            nonlocal errors
            rng = random.Random(n)
            while (now := time.perf_counter()) < stop_at:
                method, url, kwargs = make(n, rng)
                response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
                took = time.perf_counter() - now
                if now >= measure_from:
                    latencies.append(took)
                    errors += response.status_code not in (200, 201)

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return Result(name, len(latencies), errors, seconds, latencies)


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise SystemExit(f"server exited early ({process.returncode})")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server at {url} did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=1, help="server processes, both apps")
    args = parser.parse_args()

    WORK.mkdir(exist_ok=True)
    ensure_database()
    settings = Settings(database_url=BENCH_URL, keys=WORK / "keys.json")
    registry, _ = bootstrap.init_registry(settings)
    print(f"Registry on PostgreSQL: ensuring {args.persons:,} persons")
    seed(registry, args.persons)
    clients = ensure_clients(registry, args.concurrency)
    index = BlindIndex(registry.keys.index_key())
    ids = [health_id(registry, i) for i in range(min(args.persons, 5000))]
    env = {
        **os.environ,
        "HEALTHID_DATABASE_URL": BENCH_URL,
        "HEALTHID_KEYS": str(WORK / "keys.json"),
        "HEALTHID_LOOKUP_QUOTA_PER_CLIENT": str(10**9),
    }
    results: list[Result] = []

    floor_env = {
        **os.environ,
        "FLOOR_DSN": BENCH_URL.replace("postgresql+psycopg", "postgresql"),
        "PYTHONPATH": str(HERE),
    }
    uvicorn_args = [
        "--host",
        "127.0.0.1",
        "--log-level",
        "warning",
        "--no-access-log",
        "--workers",
        str(args.workers),
    ]
    floor = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "floor_app:app", "--port", "8766", *uvicorn_args],
        env=floor_env,
    )
    try:
        wait_ready("http://127.0.0.1:8766/?index=x", floor)

        def floor_request(n: int, rng: random.Random) -> tuple[str, str, dict[str, object]]:
            si, _ = synthetic(rng.randrange(args.persons))
            return "GET", "/", {"params": {"index": index("identifier/si/", si)}}

        results.append(
            asyncio.run(
                drive(
                    base="http://127.0.0.1:8766",
                    name="floor: bare indexed SELECT",
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    make=floor_request,
                )
            )
        )
    finally:
        floor.terminate()
        floor.wait()

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "healthid.entrypoints.cli.app",
            "serve",
            "--port",
            "8765",
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready("http://127.0.0.1:8765/readyz", server)
        base = "http://127.0.0.1:8765"

        def tokens() -> list[str]:
            return [
                httpx.post(
                    f"{base}/oauth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": cid,
                        "client_secret": secret,
                    },
                ).json()["access_token"]
                for cid, secret in clients
            ]

        bearer = tokens()

        def lookup(n: int, rng: random.Random) -> tuple[str, str, dict[str, object]]:
            si, _ = synthetic(rng.randrange(args.persons))
            return (
                "GET",
                "/api/v1/persons/by-identifier",
                {
                    "params": {"system": "si", "value": si},
                    "headers": {"Authorization": f"Bearer {bearer[n]}"},
                },
            )

        def verify(n: int, rng: random.Random) -> tuple[str, str, dict[str, object]]:
            return (
                "POST",
                "/api/v1/health-ids/verify",
                {
                    "json": {"health_id": rng.choice(ids)},
                    "headers": {"Authorization": f"Bearer {bearer[n]}"},
                },
            )

        results.append(
            asyncio.run(
                drive(
                    base=base,
                    name="ours: by-identifier",
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    make=lookup,
                )
            )
        )
        bearer = tokens()  # tokens live five minutes
        results.append(
            asyncio.run(
                drive(
                    base=base,
                    name="ours: verify",
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    make=verify,
                )
            )
        )
        bearer = tokens()
        counters = [0] * args.concurrency

        def register(n: int, rng: random.Random) -> tuple[str, str, dict[str, object]]:
            # A new person each request (SI numbers from 8,000,000,000 on, never seeded),
            # matched against the registry in real time as a facility's registration is.
            counters[n] += 1
            i = args.persons + n * 10_000_000 + counters[n] + rng.randrange(10**6) * 100
            _, d = synthetic(i)
            body = {
                "si_number": f"8{uuid.uuid4().int % 10**9:09d}",
                "full_name": d.full_name,
                "birth_date": d.birth_date.compact(),
                "sex": str(d.sex),
            }
            headers = {"Authorization": f"Bearer {bearer[n]}"}
            return "POST", "/api/v1/persons", {"json": body, "headers": headers}

        results.append(
            asyncio.run(
                drive(
                    base=base,
                    name="ours: register (matching)",
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    make=register,
                )
            )
        )
    finally:
        server.terminate()
        server.wait()
        registry.close()

    print(
        f"\n{args.persons:,} persons, {args.concurrency} concurrent clients, "
        f"{args.seconds:.0f} s each, {args.workers} server process(es) each, "
        f"{os.cpu_count()} cores"
    )
    for result in results:
        print(result.line())
    floor_rate = results[0].throughput
    floor_p99 = results[0].pct(0.99)
    for result in results[1:]:
        print(
            f"{result.name}: {result.throughput / floor_rate:.0%} of the floor's throughput, "
            f"p99 {result.pct(0.99) / floor_p99:.1f}x the floor's"
        )
    median = statistics.median(r.pct(0.99) for r in results[1:])
    print(f"median p99 of our routes: {median:.1f} ms")


if __name__ == "__main__":
    main()
