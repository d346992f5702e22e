"""False merges at national scale: a population without duplicates, loaded as an operator would.

    .venv/bin/python bench/no_duplicates.py --persons 100000 [--generator both] [--baseline aca58cc]

For each generator (the project's, ``healthid synth``'s ``write`` with no
duplicates, and ``bench/independent_population.py``, written apart from it and
from the matcher), in one run:

1. writes an extract of ``--persons`` distinct people (reused under bench/.work/);
2. ``healthid init`` a fresh SQLite registry, ``healthid sync bhxh`` the
   extract, then ``healthid dedup``, exactly as an operator would;
3. counts automatic merges (rows the sync linked to another person, plus pairs
   dedup merged) and review pairs (queued by either): every one is wrong,
   since no two rows are one person;
4. counts the coincidences within the blocks in memory (pairs sharing a
   blocking key, a full name and birth year, a full name and birth date) and
   how close the closest pairs come to the automatic threshold, to extrapolate
   to 100 million people (pairs grow as the square of the population).

The same-run baseline: steps 2–3 with the matcher of ``--baseline`` (a git
revision, before the national prior; its ``src/`` is exported once under
bench/.work/), on the same files. ``--no-baseline`` skips it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from healthid.adapters.admin_units import PackagedAdminUnits
from healthid.domain.birth_date import parse_birth_date
from healthid.domain.sex import parse_sex
from healthid.matching.blocking import blocking_keys
from healthid.matching.estimate import candidate_pairs
from healthid.matching.model import Decision, Model
from healthid.matching.normalise import MatchRecord, match_record
from healthid.synth.bhxh import write as project_write

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
HEALTHID = Path(sys.executable).with_name("healthid")
NATIONAL = 100_000_000
sys.path.insert(0, str(HERE))
import independent_population  # noqa: E402 - a sibling script, not a package


def extract(generator: str, persons: int, seed: int) -> Path:
    folder = WORK / f"nodup-{generator}-{persons}-{seed}"
    if not (folder / "bhxh.csv").exists():
        if generator == "project":
            project_write(folder, persons=persons, dup_rate=0.0, seed=seed)
        else:
            independent_population.write(folder, persons=persons, seed=seed)
    return folder / "bhxh.csv"


def run(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(HEALTHID), *args], env=env, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, done.stdout


def load_and_dedup(path: Path, name: str, src: Path | None) -> dict[str, object]:
    """Sync the file into a fresh registry, then dedup; what each merged and queued."""
    database = WORK / f"{name}.db"
    database.unlink(missing_ok=True)
    keys = WORK / f"{name}-keys.json"
    keys.unlink(missing_ok=True)
    env = {
        **os.environ,
        "HEALTHID_DATABASE_URL": f"sqlite:///{database}",
        "HEALTHID_KEYS": str(keys),
    }
    # This tree's matcher, or the baseline's: first on the path of every command.
    env["PYTHONPATH"] = str(src or HERE.parent / "src")
    run(env, "init")
    sync_s, sync_out = run(env, "sync", "bhxh", str(path))
    counts = {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", sync_out.splitlines()[-1])}
    dedup_s, dedup_out = run(env, "dedup")
    found = re.search(r"([\d,]+) merged, ([\d,]+) queued", dedup_out)
    assert found, dedup_out
    merged, queued = (int(g.replace(",", "")) for g in found.groups())
    held = dict(re.findall(r"held back by (\w+): ([\d,]+)", dedup_out))
    database.unlink()
    return {
        "sync_linked": counts.get("linked", 0),
        "sync_queued": counts.get("queued", 0),
        "dedup_merged": merged,
        "dedup_queued": queued,
        "automatic": counts.get("linked", 0) + merged,
        "review": counts.get("queued", 0) + queued,
        "held_back": held,
        "sync_s": round(sync_s, 1),
        "dedup_s": round(dedup_s, 1),
    }


def records_of(path: Path) -> list[MatchRecord]:
    """The rows as the sync's matcher sees them (birthplace resolved; no ward, no household)."""
    places = PackagedAdminUnits()
    records = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            place = places.resolve_birthplace(row["NOI_SINH"]) if row["NOI_SINH"] else None
            records.append(
                match_record(
                    key=row["MA_SO_BHXH"] or row["SO_CCCD"],
                    full_name=row["HO_TEN"],
                    birth_date=parse_birth_date(row["NGAY_SINH"]),
                    sex=str(parse_sex(row["GIOI_TINH"])),
                    cccd=row["SO_CCCD"],
                    birth_province=place.code if place else None,
                )
            )
    return records


def coincidences(records: list[MatchRecord]) -> dict[str, object]:
    """Pairs of different people alike within the blocks, and how near the threshold they come."""
    model = Model.load()
    keys = {r.key: blocking_keys(r) for r in records}
    need = math.log2(model.match_threshold / (1 - model.match_threshold))
    counts: Counter[str] = Counter()
    margins: Counter[int] = Counter()
    for i, j in candidate_pairs(records, keys):
        a, b = records[i], records[j]
        counts["candidate_pairs"] += 1
        same_name = (a.family_folded, a.middle, a.given_folded) == (
            b.family_folded,
            b.middle,
            b.given_folded,
        )
        if same_name and a.birth_date.year == b.birth_date.year:
            counts["same_name_year"] += 1
            if a.birth_date.month is None or b.birth_date.month is None:
                counts["same_name_year_one_year_only"] += 1
            if a.birth_date.day and a.birth_date == b.birth_date:
                counts["same_name_date"] += 1
        scored = model.score(a, b, len(records))
        if scored.decision == Decision.MATCH:
            counts["scored_match"] += 1
        log_odds = scored.prior + sum(scored.weights.values())
        margins[min(int(need - log_odds), 40)] += 1  # whole bits short of a merge
    n = len(records)
    scale = (NATIONAL / n) ** 2  # pairs of people grow as the square of the population
    at_national = {k: v * scale for k, v in counts.items() if k.startswith("same_name")}
    within = {f"within_{k}_bits": sum(c for m, c in margins.items() if m < k) for k in (4, 8, 12)}
    return {
        **counts,
        **within,
        "per_pair": {k: v / (n * (n - 1) / 2) for k, v in counts.items()},
        "pairs_at_100M": {k: f"{v:.3g}" for k, v in at_national.items()},
        "per_person_at_100M": {k: round(2 * v / NATIONAL, 1) for k, v in at_national.items()},
    }


def baseline_src(revision: str) -> Path:
    """The matcher of ``revision``, exported once: the same-run baseline."""
    target = WORK / f"baseline-{revision}"
    if not (target / "src").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(HERE.parent), "archive", revision, "src"],  # noqa: S607 - on PATH
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)  # noqa: S607
    return target / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--generator", choices=["project", "independent", "both"], default="both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline", default="aca58cc")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    generators = ["project", "independent"] if args.generator == "both" else [args.generator]
    results = {}
    for generator in generators:
        path = extract(generator, args.persons, args.seed)
        rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
        result: dict[str, object] = {"people": rows}
        result["ours"] = load_and_dedup(path, f"nodup-{generator}", None)
        print(generator, "ours", json.dumps(result["ours"]), flush=True)
        if not args.no_baseline:
            base = load_and_dedup(path, f"nodup-{generator}-base", baseline_src(args.baseline))
            result["baseline"] = base
            print(generator, "baseline", json.dumps(base), flush=True)
        result["coincidences"] = coincidences(records_of(path))
        ours = result["ours"]
        assert isinstance(ours, dict)
        print(
            f"{generator}: {rows:,} people: {ours['automatic']} automatic merges "
            f"({ours['automatic'] / rows * 1e6:.1f} per million), {ours['review']} review pairs "
            f"({ours['review'] / rows * 1000:.2f} per 1,000 people)"
        )
        print(generator, "coincidences", json.dumps(result["coincidences"]), flush=True)
        results[generator] = result
    print(json.dumps({"persons": args.persons, "seed": args.seed, **results}))


if __name__ == "__main__":
    main()
