"""Care relationships and break-glass grants: who may see a person's demographics."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from healthid.adapters.store import Sealer, as_utc
from healthid.adapters.tables import BreakGlassRow, CareRelationshipRow
from healthid.services.ports import BreakGlass

_CARE = cast(Table, CareRelationshipRow.__table__)
_GLASS = cast(Table, BreakGlassRow.__table__)


class SqlCareRepository:
    def __init__(self, session: Session, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    def relate(
        self, facility_code: str, person_id: str, basis: str, at: datetime, until: datetime
    ) -> None:
        key = (_CARE.c.facility_code == facility_code) & (_CARE.c.person_id == person_id)
        extended = self._session.execute(
            update(_CARE).where(key).values(basis=basis, until=until).returning(_CARE.c.since)
        ).first()
        if extended is None:
            self._session.add(
                CareRelationshipRow(
                    facility_code=facility_code,
                    person_id=person_id,
                    basis=basis,
                    since=at,
                    until=until,
                )
            )
            self._session.flush()

    def related(self, facility_code: str, person_id: str, at: datetime) -> bool:
        found = self._session.scalar(
            select(_CARE.c.until).where(
                _CARE.c.facility_code == facility_code, _CARE.c.person_id == person_id
            )
        )
        return found is not None and as_utc(found) > at

    def grant(self, grant: BreakGlass) -> None:
        self._session.add(
            BreakGlassRow(
                id=grant.id,
                actor=grant.actor,
                facility_code=grant.facility_code,
                person_id=grant.person_id,
                reason=grant.reason,
                justification_ct=self._sealer.seal(
                    "break_glass_grants", grant.id, "justification", grant.justification
                ),
                granted_at=grant.granted_at,
                expires_at=grant.expires_at,
            )
        )
        self._session.flush()

    def granted(self, actor: str, person_id: str, at: datetime) -> BreakGlass | None:
        row = self._session.execute(
            select(_GLASS)
            .where(
                _GLASS.c.actor == actor,
                _GLASS.c.person_id == person_id,
                _GLASS.c.expires_at > at,
            )
            .order_by(_GLASS.c.expires_at.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        return BreakGlass(
            id=row.id,
            actor=row.actor,
            facility_code=row.facility_code,
            person_id=row.person_id,
            reason=row.reason,
            justification=self._sealer.open(
                "break_glass_grants", row.id, "justification", row.justification_ct
            ),
            granted_at=as_utc(row.granted_at),
            expires_at=as_utc(row.expires_at),
        )
