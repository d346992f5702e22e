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
