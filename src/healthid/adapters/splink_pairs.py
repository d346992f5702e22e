"""Candidate pairs for batch deduplication, found by Splink with our model (DuckDB here).

Splink scales the pairwise work (blocking joins and comparison levels in SQL)
to the whole registry; it scores with the packaged model's m and u, without
the term-frequency adjustment and hard rules. It is therefore used as a
generous filter: every pair it returns is scored again, exactly, by the same
Python model the real-time path uses.
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from healthid.domain.names import fold_diacritics
from healthid.matching.model import Model
from healthid.matching.normalise import MatchRecord

# How many bits the exact scorer may rate a pair above the coarser SQL model, which
# weighs every agreement by its average u: a rare family name, given name, birth year
# or province weighs more in the exact scorer. 4 bits keeps the pre-filter at about
# 0.006 for a million records, below the 0.01 with which the duplicate sets' recall
# was measured (docs/benchmarks.md).
PREFILTER_SLACK_BITS = 4.0


def prefilter(model: Model, population: int) -> float:
    """The probability, under the SQL model's prior for ``population`` records, below
    which a pair cannot reach the model's review threshold.

    The exact scorer judges a pair for ``model.judged_for(population)`` people (the
    nation's, by default), Splink for the records it was given: the review bar moves
    by the difference of the two priors, less the slack for term frequencies.
    """
    review = model.review_threshold
    bar = math.log2(review / (1 - review))
    bar += model.prior_log_odds(population) - model.prior_log_odds(model.judged_for(population))
    bar -= PREFILTER_SLACK_BITS
    return 1 / (1 + 2**-bar)


# {jaro_winkler} is the backend's name for the function (DuckDB and Spark differ).
_LEVELS_SQL: dict[str, list[tuple[str, str]]] = {
    "given": [
        ("exact", "given_l = given_r"),
        ("folded", "given_folded_l = given_folded_r"),
        ("similar", "{jaro_winkler}(given_folded_l, given_folded_r) >= 0.88"),
        ("else", "ELSE"),
    ],
    "family": [
        ("exact", "family_folded_l = family_folded_r"),
        ("variant", "surname_group_l = surname_group_r"),
        ("else", "ELSE"),
    ],
    "middle": [
        ("missing", "middle_folded_l = '' OR middle_folded_r = ''"),
        ("exact", "middle_folded_l = middle_folded_r"),
        ("similar", "{jaro_winkler}(middle_folded_l, middle_folded_r) >= 0.88"),
        ("else", "ELSE"),
    ],
    "birth_date": [
        ("exact", "dob_l = dob_r AND day_l > 0"),
        ("compatible", "dob_l = dob_r"),
        (
            "swap",
            "year_l = year_r AND day_l > 0 AND day_r > 0 AND day_l = month_r AND month_l = day_r",
        ),
        (
            "compatible",
            "year_l = year_r AND (month_l = 0 OR month_r = 0 OR "
            "(month_l = month_r AND (day_l = 0 OR day_r = 0)))",
        ),
        ("year", "year_l = year_r"),
        ("year_close", "abs(year_l - year_r) = 1"),
        ("else", "ELSE"),
    ],
    "cccd": [
        ("missing", "cccd_l IS NULL OR cccd_r IS NULL"),
        ("equal", "cccd_l = cccd_r"),
        ("else", "ELSE"),
    ],
    "birth_province": [
        ("missing", "birth_province_l IS NULL OR birth_province_r IS NULL"),
        ("equal", "birth_province_l = birth_province_r"),
        ("else", "ELSE"),
    ],
    "ward": [
        ("missing", "ward_l IS NULL OR ward_r IS NULL"),
        ("equal", "ward_l = ward_r"),
        ("else", "ELSE"),
    ],
}
# The blocking keys of matching/blocking.py, as equi-joins. Two birth years at most
# one apart share their decade or their decade counted from year 5 (a pair cannot
# straddle both boundaries), which the real-time keys get from neighbouring decades.
BLOCKING_RULES = [
    ("given_folded", "year", "surname_group"),
    ("surname_group", "given_folded", "birth_province", "decade"),
    ("surname_group", "given_folded", "birth_province", "decade5"),
    ("dob_full", "surname_group"),
    ("dob_swapped", "surname_group"),
    ("dob_full", "given_folded"),
    ("dob_swapped", "given_folded"),
    ("cccd",),
]


def _row(record: MatchRecord) -> dict[str, Any]:
    date = record.birth_date
    full = date.compact() if date.day else None
    swapped = (
        f"{date.year:04d}{date.day:02d}{date.month:02d}"
        if date.day and date.month and date.day <= 12
        else None
    )
    return {
        "unique_id": record.key,
        "given": record.given,
        "given_folded": record.given_folded,
        "family_folded": record.family_folded,
        "surname_group": record.surname_group,
        "middle_folded": fold_diacritics(record.middle) if record.middle else "",
        "dob": date.compact(),
        "dob_full": full,
        "dob_swapped": swapped,
        "year": date.year,
        "decade": date.year // 10,
        "decade5": (date.year + 5) // 10,
        "month": date.month or 0,
        "day": date.day or 0,
        "cccd": record.cccd,
        "birth_province": record.birth_province,
        "ward": record.ward,
    }


# Explicit types: a column that is empty in every record (no ward yet, say) would
# otherwise have no type Spark can infer.
_STRING = (
    "unique_id",
    "given",
    "given_folded",
    "family_folded",
    "surname_group",
    "middle_folded",
    "dob",
    "dob_full",
    "dob_swapped",
    "cccd",
    "birth_province",
    "ward",
)
_INTEGER = ("year", "decade", "decade5", "month", "day")


def records_table(records: list[MatchRecord]) -> Any:
    """The records as an Arrow table, column by column (cheaper than a dict per record)."""
    import pyarrow as pa  # noqa: PLC0415 - comes with splink

    rows = [_row(r) for r in records]
    schema = pa.schema([(c, pa.string()) for c in _STRING] + [(c, pa.int32()) for c in _INTEGER])
    return pa.table({c: [row[c] for row in rows] for c in schema.names}, schema=schema)


def _settings(
    model: Model, population: int, *, jaro_winkler: str = "jaro_winkler_similarity"
) -> dict[str, Any]:
    prior = 2 ** model.prior_log_odds(population)
    comparisons = []
    for name, levels in _LEVELS_SQL.items():
        comparison_levels: list[dict[str, Any]] = []
        for level, sql in levels:
            comparison_levels.append(
                {
                    "sql_condition": sql.format(jaro_winkler=jaro_winkler),
                    "label_for_charts": level,
                    "m_probability": model.m[name][level],
                    "u_probability": model.u[name][level],
                }
            )
        comparisons.append({"output_column_name": name, "comparison_levels": comparison_levels})
    return {
        "link_type": "dedupe_only",
        "probability_two_random_records_match": prior / (1 + prior),
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            " AND ".join(f"l.{c} = r.{c}" for c in rule) for rule in BLOCKING_RULES
        ],
        "retain_intermediate_calculation_columns": False,
    }


def predicted_pairs(
    db_api: Any, records: list[MatchRecord], model: Model, *, jaro_winkler: str
) -> list[tuple[str, str]]:
    """The pairs Splink scores above ``prefilter``, on whichever backend ``db_api`` is.

    Shared by the DuckDB and Spark finders so both run the very same model.
    """
    from splink import Linker  # noqa: PLC0415 - heavy, needed only here

    linker = Linker(
        db_api.register(records_table(records)),
        _settings(model, len(records), jaro_winkler=jaro_winkler),
        # Not WARNING: Splink warns, once per comparison, that there is no null level.
        # Ours are deliberate (a missing value is the "missing" level, with its weight).
        log_level="ERROR",
    )
    threshold = prefilter(model, len(records))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    # Only the two ids: through Arrow, not one Python dict per pair of every column.
    table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]  # not annotated
    table = table.select(["unique_id_l", "unique_id_r"])
    left, right = table.column(0).to_pylist(), table.column(1).to_pylist()
    # Sorted: the backends return pairs in an order that varies run to run, and the
    # order decides which pair of a trio is merged and which waits for a person.
    return sorted((str(a), str(b)) for a, b in zip(left, right, strict=True))


@dataclass(frozen=True)
class SplinkPairFinder:
    """Candidate duplicate pairs over many records, with Splink on embedded DuckDB.

    ``memory_limit`` (DuckDB's, e.g. "8GB"): past it DuckDB spills to a temporary
    directory instead of taking its default 80 % of the machine's memory.
    """

    memory_limit: str | None = None

    def pairs(self, records: list[MatchRecord], model: Model) -> Iterator[tuple[str, str]]:
        if len(records) < 2:
            return
        import duckdb  # noqa: PLC0415 - heavy, needed only here
        from splink import DuckDBAPI  # noqa: PLC0415

        # Spills go to a directory of this run's own, removed afterwards.
        with tempfile.TemporaryDirectory(prefix="healthid-duckdb-") as spill:
            config: dict[str, str | bool | int | float | list[str]] = {"temp_directory": spill}
            if self.memory_limit:
                config["memory_limit"] = self.memory_limit
            connection = duckdb.connect(config=config)
            try:
                found = predicted_pairs(
                    DuckDBAPI(connection), records, model, jaro_winkler="jaro_winkler_similarity"
                )
            finally:
                connection.close()
        yield from found


def _merge_levels(comparison: dict[str, Any], kind: str) -> dict[str, float]:
    """Probabilities by our level name; two SQL levels with one label add up."""
    merged: dict[str, float] = {}
    for level in comparison["comparison_levels"]:
        value = level.get(kind)
        if level.get("is_null_level") or value is None:
            continue
        label = level["label_for_charts"]
        merged[label] = merged.get(label, 0.0) + float(value)
    return merged


class SplinkTrainer:
    """Re-estimates the model on the registry's own, unlabelled records (Splink EM on DuckDB).

    u comes from random sampling; m from expectation maximisation, in two
    sessions blocked on different fields so every comparison is estimated.
    """

    def train(self, records: list[MatchRecord], model: Model, *, seed: int = 1) -> Model:
        from splink import DuckDBAPI, Linker, block_on  # noqa: PLC0415 - heavy, needed only here

        linker = Linker(
            DuckDBAPI().register([_row(r) for r in records]),
            _settings(model, len(records)),
            log_level="WARNING",
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("given_folded", "year"), fix_u_probabilities=True
        )
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("dob_full"), fix_u_probabilities=True
        )
        trained = linker.misc.save_model_to_json()
        m = dict(model.m)
        u = dict(model.u)
        for comparison in trained["comparisons"]:
            name = comparison["output_column_name"]
            m[name] = {**model.m[name], **_merge_levels(comparison, "m_probability")}
            u[name] = {**model.u[name], **_merge_levels(comparison, "u_probability")}
        given = Counter(r.given_folded for r in records)
        n = len(records)
        return replace(
            model,
            m=m,
            u=u,
            given_tf={name: c / n for name, c in given.items() if c / n > 0.001} or model.given_tf,
            source=f"Splink EM on {n} registry records (m), random sampling (u)",
        )
