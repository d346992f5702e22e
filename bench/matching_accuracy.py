"""Matching accuracy on a Vietnamese synthetic population, against plain Splink.

    .venv/bin/python bench/matching_accuracy.py [--persons 100000] [--dup-rate 0.08] [--seed 99]

Generates the population (`healthid synth bhxh`), then in the same run:
- ours: the packaged model (blocking keys, Vietnamese normalisation,
  Fellegi–Sunter with term frequencies, hard rules);
- baseline: a plain Splink model with generic settings (Jaro-Winkler on the
  full name, exact matches elsewhere, blocking on date of birth, name and
  CCCD; u by random sampling, m by EM), on DuckDB.
Reports, for each, the precision of automatic matches and the recall of true
duplicate pairs found (automatic + review). Needs `pip install splink`.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from healthid.matching.blocking import blocking_keys
from healthid.matching.estimate import candidate_pairs
from healthid.matching.model import Decision, Model, settle_ambiguous
from healthid.synth.bhxh import write
from healthid.synth.records import load

Pair = frozenset[str]


def report(name: str, auto: set[Pair], flagged: set[Pair], truth: set[Pair], seconds: float) -> str:
    precision = len(auto & truth) / max(len(auto), 1)
    recall = len(flagged & truth) / len(truth)
    return (
        f"{name:<34} auto-match precision {precision:.4f}   recall (auto+review) "
        f"{recall:.4f}   auto {len(auto):>6}  review {len(flagged - auto):>6}   "
        f"{seconds:6.1f} s"
    )


def ours(folder: Path) -> tuple[set[Pair], set[Pair], set[Pair], float]:
    records, truth = load(folder)
    started = time.perf_counter()
    model = Model.load()
    keys = {r.key: blocking_keys(r) for r in records}
    every = (
        model.score(records[i], records[j], len(records)) for i, j in candidate_pairs(records, keys)
    )
    scored = settle_ambiguous(s for s in every if s.decision != Decision.NEW)
    auto = {frozenset((s.a, s.b)) for s in scored if s.decision == Decision.MATCH}
    flagged = {frozenset((s.a, s.b)) for s in scored if s.decision != Decision.NEW}
    elapsed = time.perf_counter() - started
    people: dict[str, list[str]] = defaultdict(list)
    for record in records:
        people[truth[record.key]].append(record.key)
    true_pairs = {frozenset(k) for k in people.values() if len(k) == 2}
    return auto, flagged, true_pairs, elapsed


def splink_baseline(folder: Path) -> tuple[set[Pair], set[Pair], float]:
    import splink.comparison_library as cl  # noqa: PLC0415 - optional, heavy
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: PLC0415

    rows = list(csv.DictReader(io.StringIO((folder / "bhxh.csv").read_text(encoding="utf-8"))))
    table = [
        {
            "unique_id": r["MA_SO_BHXH"] or r["SO_CCCD"],
            "full_name": r["HO_TEN"],
            "dob": r["NGAY_SINH"],
            "sex": r["GIOI_TINH"],
            "cccd": r["SO_CCCD"] or None,
            "birthplace": r["NOI_SINH"] or None,
            "ward": r["MAXA_CU_TRU"] or None,
        }
        for r in rows
    ]
    started = time.perf_counter()
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("full_name", [0.95, 0.88]),
            cl.ExactMatch("dob"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("cccd"),
            cl.ExactMatch("birthplace"),
            cl.ExactMatch("ward"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("dob"),
            block_on("full_name"),
            block_on("cccd"),
        ],
    )
    linker = Linker(db_api.register(table), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match([block_on("cccd")], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("full_name"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_record_list()
    elapsed = time.perf_counter() - started
    auto = {
        frozenset((p["unique_id_l"], p["unique_id_r"]))
        for p in predictions
        if p["match_probability"] >= 0.995
    }
    flagged = {frozenset((p["unique_id_l"], p["unique_id_r"])) for p in predictions}
    return auto, flagged, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--dup-rate", type=float, default=0.08)
    parser.add_argument("--seed", type=int, default=99)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows, humans = write(folder, persons=args.persons, dup_rate=args.dup_rate, seed=args.seed)
        print(
            f"{rows:,} rows, {humans:,} people, duplicate rate {args.dup_rate:.0%}, "
            f"seed {args.seed}"
        )
        auto, flagged, truth, seconds = ours(folder)
        print(f"{len(truth):,} true duplicate pairs")
        print(report("ours (packaged model)", auto, flagged, truth, seconds))
        base_auto, base_flagged, base_seconds = splink_baseline(folder)
        print(
            report("baseline: plain Splink (generic)", base_auto, base_flagged, truth, base_seconds)
        )


if __name__ == "__main__":
    main()
