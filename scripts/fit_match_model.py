"""Fit the packaged matching model on synthetic populations and write model.json.

.venv/bin/python scripts/fit_match_model.py [--persons 50000] [--seed 11]
    [--distinct 500000] [--distinct-seed 12]

m and u come from ``--persons`` people with 8 % duplicates (the truth is
known); the shares of names, birth years and birth provinces from a separate
population of ``--distinct`` people without duplicates, large enough that the
share of a name held by one person in 10,000 is counted, not guessed.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from healthid.matching.estimate import estimate
from healthid.matching.frequencies import count
from healthid.synth.bhxh import write
from healthid.synth.records import load

MODEL = Path(__file__).resolve().parents[1] / "src/healthid/matching/model.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--distinct", type=int, default=500_000)
    parser.add_argument("--distinct-seed", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp), persons=args.distinct, dup_rate=0.0, seed=args.distinct_seed)
        distinct, _ = load(Path(tmp))
    shares = count(distinct)
    del distinct
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp), persons=args.persons, dup_rate=0.08, seed=args.seed)
        records, truth = load(Path(tmp))
    source = (
        f"m and u counted on a synthetic population of {args.persons} (seed {args.seed}, "
        f"8% duplicates), shares on {args.distinct} distinct people (seed "
        f"{args.distinct_seed}) by scripts/fit_match_model.py"
    )
    model = estimate(records, truth, source=source, population=shares)
    MODEL.write_text(json.dumps(model.to_json(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {MODEL} (prior {model.prior:.3g} at {model.reference_size})")


if __name__ == "__main__":
    main()
