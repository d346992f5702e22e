"""The duplicate review queue and the record of merges."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from healthid.adapters.store import IN_BATCH, as_utc, one_of
from healthid.adapters.tables import MergeRow, ReviewPairRow
from healthid.domain.review import AutomaticMerge, Merge, ReviewPair, ReviewStatus

_REVIEW_PAIRS = cast(Table, ReviewPairRow.__table__)
_MERGES = cast(Table, MergeRow.__table__)


def _pair_row(pair: ReviewPair) -> dict[str, Any]:
    return {
        "id": pair.id,
        "person_a": pair.person_a,
        "person_b": pair.person_b,
        "probability": pair.probability,
        "weights": json.dumps({k: list(v) for k, v in pair.weights.items()}),
        "status": str(pair.status),
        "created_at": pair.created_at,
        "decided_by": pair.decided_by,
        "decided_at": pair.decided_at,
    }


def _merge_row(merge: Merge) -> dict[str, Any]:
    return {
        "id": merge.id,
        "survivor_id": merge.survivor_id,
        "absorbed_id": merge.absorbed_id,
        "review_id": merge.review_id,
        "moved_identifiers": json.dumps(merge.moved_identifiers),
        "replaced_health_ids": json.dumps(merge.replaced_health_ids),
        "merged_by": merge.merged_by,
        "merged_at": merge.merged_at,
        "unmerged_by": merge.unmerged_by,
        "unmerged_at": merge.unmerged_at,
        "automatic": merge.automatic,
    }


class SqlReviewRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, pair: ReviewPair) -> None:
        self._session.add(ReviewPairRow(**_pair_row(pair)))
        self._session.flush()

    def add_each(self, pairs: Sequence[ReviewPair]) -> None:
        if pairs:
            self._session.execute(insert(_REVIEW_PAIRS), [_pair_row(p) for p in pairs])

    def known(self, pairs: Collection[tuple[str, str]]) -> set[frozenset[str]]:
        wanted = [frozenset(p) for p in pairs]
        found: set[frozenset[str]] = set()
        # A stored pair among those asked has its first person among the persons
        # asked about: one IN on the column the unique index leads with finds it.
        step = IN_BATCH // 2  # two persons a pair
        for start in range(0, len(wanted), step):
            chunk = set(wanted[start : start + step])
            people = sorted({p for pair in chunk for p in pair})
            rows = self._session.execute(
                select(ReviewPairRow.person_a, ReviewPairRow.person_b).where(
                    one_of(self._session, ReviewPairRow.person_a, people)
                )
            )
            found.update(k for k in (frozenset(r) for r in rows) if k in chunk)
        return found

    def find(self, person_a: str, person_b: str) -> ReviewPair | None:
        row = self._session.scalar(
            select(ReviewPairRow).where(
                ((ReviewPairRow.person_a == person_a) & (ReviewPairRow.person_b == person_b))
                | ((ReviewPairRow.person_a == person_b) & (ReviewPairRow.person_b == person_a))
            )
        )
        return None if row is None else self._to_pair(row)

    def list(self, status: str | None = None, *, limit: int = 100) -> list[ReviewPair]:
        query = select(ReviewPairRow).order_by(ReviewPairRow.probability.desc()).limit(limit)
        if status is not None:
            query = query.where(ReviewPairRow.status == status)
        return [self._to_pair(r) for r in self._session.scalars(query)]

    def get(self, review_id: str) -> ReviewPair | None:
        row = self._session.get(ReviewPairRow, review_id)
        return None if row is None else self._to_pair(row)

    def decide(self, review_id: str, status: str, by: str, at: datetime) -> None:
        self._session.execute(
            update(ReviewPairRow)
            .where(ReviewPairRow.id == review_id)
            .values(status=status, decided_by=by, decided_at=at)
        )

    def add_merge(self, merge: Merge) -> None:
        self._session.add(MergeRow(**_merge_row(merge)))
        self._session.flush()

    def add_merges(self, merges: Sequence[Merge]) -> None:
        if merges:
            self._session.execute(insert(_MERGES), [_merge_row(m) for m in merges])

    def get_merge(self, merge_id: str) -> Merge | None:
        return self._to_merge(self._session.get(MergeRow, merge_id))

    def merge_of_review(self, review_id: str) -> Merge | None:
        """The merge a review decided that still stands, if any."""
        row = self._session.scalar(
            select(MergeRow).where(MergeRow.review_id == review_id, MergeRow.unmerged_at.is_(None))
        )
        return self._to_merge(row)

    @staticmethod
    def _to_merge(row: MergeRow | None) -> Merge | None:
        if row is None:
            return None
        return Merge(
            id=row.id,
            survivor_id=row.survivor_id,
            absorbed_id=row.absorbed_id,
            moved_identifiers=json.loads(row.moved_identifiers),
            replaced_health_ids=json.loads(row.replaced_health_ids),
            merged_by=row.merged_by,
            merged_at=as_utc(row.merged_at),
            review_id=row.review_id,
            unmerged_by=row.unmerged_by,
            unmerged_at=as_utc(row.unmerged_at) if row.unmerged_at else None,
            automatic=row.automatic,
        )

    def automatic_merges(self, *, limit: int) -> Sequence[AutomaticMerge]:
        rows = self._session.execute(
            select(MergeRow, ReviewPairRow)
            .outerjoin(ReviewPairRow, ReviewPairRow.id == MergeRow.review_id)
            .where(MergeRow.automatic.is_(True))
            .order_by(MergeRow.merged_at.desc(), MergeRow.id.desc())
            .limit(limit)
        ).all()
        return [
            AutomaticMerge(merge, self._to_pair(pair_row) if pair_row else None)
            for merge_row, pair_row in rows
            if (merge := self._to_merge(merge_row)) is not None  # always: the row was read
        ]

    def mark_unmerged(self, merge_id: str, by: str, at: datetime) -> None:
        self._session.execute(
            update(MergeRow).where(MergeRow.id == merge_id).values(unmerged_by=by, unmerged_at=at)
        )

    @staticmethod
    def _to_pair(row: ReviewPairRow) -> ReviewPair:
        weights = {k: (str(v[0]), float(v[1])) for k, v in json.loads(row.weights).items()}
        return ReviewPair(
            id=row.id,
            person_a=row.person_a,
            person_b=row.person_b,
            probability=row.probability,
            weights=weights,
            created_at=as_utc(row.created_at),
            status=ReviewStatus(row.status),
            decided_by=row.decided_by,
            decided_at=as_utc(row.decided_at) if row.decided_at else None,
        )
