"""A pair of persons the matcher could not decide alone, waiting for a person to look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ReviewStatus(StrEnum):
    PENDING = "pending"
    MERGED = "merged"
    NOT_DUPLICATE = "not_duplicate"  # remembered: never proposed again


@dataclass(frozen=True)
class ReviewPair:
    id: str
    person_a: str
    person_b: str
    probability: float
    weights: dict[str, tuple[str, float]]  # comparison -> (level, match weight)
    created_at: datetime
    status: ReviewStatus = ReviewStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class Merge:
    """Two persons made one. What moved is kept, so an unmerge restores both exactly."""

    id: str
    survivor_id: str
    absorbed_id: str
    moved_identifiers: list[str]
    replaced_health_ids: list[str]
    merged_by: str
    merged_at: datetime
    review_id: str | None = None
    unmerged_by: str | None = None
    unmerged_at: datetime | None = None
    # Made by the batch deduplication on the score alone, no person deciding: listed for
    # sampling and audit. Its evidence is its review pair's weights (``review_id``).
    automatic: bool = False


@dataclass(frozen=True)
class AutomaticMerge:
    """A merge no person decided, with the pair whose evidence decided it."""

    merge: Merge
    pair: ReviewPair | None  # None only for a merge recorded before pairs were kept
