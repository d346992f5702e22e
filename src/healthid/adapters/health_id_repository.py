"""Issued Health IDs: the canonical string sealed, found by the SI number's blind index."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from healthid.adapters.row_encoding import (
    HEALTH_ID_COLUMNS,
    as_dict,
    health_id_row,
    issued_from_row,
)
from healthid.adapters.store import Sealer, in_batches, one_of, update_each
from healthid.adapters.tables import HealthIdRow
from healthid.domain.identifiers import IdentifierSystem
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId

_HEALTH_IDS = cast(Table, HealthIdRow.__table__)
_BY_SI = select(_HEALTH_IDS).where(_HEALTH_IDS.c.si_index == bindparam("index"))
# Issue order; the id settles a tie the same way in every read.
_ISSUE_ORDER = (_HEALTH_IDS.c.issued_at, _HEALTH_IDS.c.id)
_OF_PERSON = (
    select(_HEALTH_IDS)
    .where(_HEALTH_IDS.c.person_id == bindparam("person_id"))
    .order_by(*_ISSUE_ORDER)
)


class SqlHealthIdRepository:
    def __init__(self, session: Session, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    def _si_index(self, si_number: str) -> str:
        return self._sealer.identifier_index(IdentifierSystem.SI, "", si_number)

    def add(self, issued: IssuedHealthId) -> None:
        row = as_dict(HEALTH_ID_COLUMNS, health_id_row(self._sealer, issued))
        self._session.execute(insert(_HEALTH_IDS), [{**row, "replaced_by": issued.replaced_by}])

    def get_by_si(self, si_number: str) -> IssuedHealthId | None:
        row = self._session.execute(_BY_SI, {"index": self._si_index(si_number)}).first()
        return None if row is None else self._to_issued(row)

    def for_person(self, person_id: str) -> list[IssuedHealthId]:
        rows = self._session.execute(_OF_PERSON, {"person_id": person_id})
        return [self._to_issued(row) for row in rows]

    def set_status(
        self, health_id_id: str, status: str, replaced_by: str | None, at: datetime
    ) -> None:
        self._session.execute(
            update(HealthIdRow)
            .where(HealthIdRow.id == health_id_id)
            .values(status=status, replaced_by=replaced_by, status_changed_at=at)
        )

    def for_persons(self, person_ids: Collection[str]) -> dict[str, list[IssuedHealthId]]:
        found: dict[str, list[IssuedHealthId]] = {}
        for batch in in_batches(person_ids):
            query = select(_HEALTH_IDS).where(one_of(self._session, _HEALTH_IDS.c.person_id, batch))
            for row in self._session.execute(query.order_by(*_ISSUE_ORDER)):
                found.setdefault(row.person_id, []).append(self._to_issued(row))
        return found

    def mark_replaced(self, replaced_by: Mapping[str, str], at: datetime) -> None:
        update_each(
            self._session,
            _HEALTH_IDS,
            "replaced_by",
            replaced_by,
            status=str(HealthIdStatus.REPLACED),
            status_changed_at=at,
        )

    def _to_issued(self, row: Row[Any]) -> IssuedHealthId:
        return issued_from_row(self._sealer, row)
