"""Fit the packaged matching model on a synthetic population and write model.json.

.venv/bin/python scripts/fit_match_model.py [--persons 50000] [--seed 11]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from healthid.matching.estimate import estimate
from healthid.synth.bhxh import write
from healthid.synth.records import load

MODEL = Path(__file__).resolve().parents[1] / "src/healthid/matching/model.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp), persons=args.persons, dup_rate=0.08, seed=args.seed)
        records, truth = load(Path(tmp))
    source = (
        f"counted on a synthetic population of {args.persons} (seed {args.seed}, "
        "8% duplicates) by scripts/fit_match_model.py"
    )
    model = estimate(records, truth, source=source)
    MODEL.write_text(json.dumps(model.to_json(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {MODEL} (prior {model.prior:.3g})")


if __name__ == "__main__":
    main()
