"""How a person, an identifier and a Health ID are stored: the one definition of their rows.

Personal fields are sealed (AES-GCM bound to table, row id and column) and
identifiers found through keyed blind indexes. Registration's repositories and
the sync's bulk writer both build rows here, so the two paths cannot drift.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from healthid.adapters.store import Sealer, as_utc
from healthid.domain.audit import AuditEvent
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Demographics

PERSON_COLUMNS = ("id", "sex", "full_name_ct", "birth_date_ct", "birthplace_ct", "address_ct",
                  "phone_ct", "household_index", "ward_index", "created_at",
                  "updated_at")  # fmt: skip
IDENTIFIER_COLUMNS = ("id", "person_id", "system", "scope", "value_index", "value_ct",
                      "created_at")  # fmt: skip
HEALTH_ID_COLUMNS = ("id", "person_id", "si_index", "canonical_ct", "key_version", "status",
                     "issued_at")  # fmt: skip


def demographics_columns(
    sealer: Sealer, person_id: str, d: Demographics, updated_at: datetime
) -> dict[str, Any]:
    """A person's changeable columns: personal fields sealed to this row."""
    seal, seal_optional = sealer.seal, sealer.seal_optional
    return {
        "sex": str(d.sex),
        "full_name_ct": seal("persons", person_id, "full_name", d.full_name),
        "birth_date_ct": seal("persons", person_id, "birth_date", d.birth_date.compact()),
        "birthplace_ct": seal_optional("persons", person_id, "birthplace", d.birthplace),
        "address_ct": seal_optional("persons", person_id, "address", d.address),
        "phone_ct": seal_optional("persons", person_id, "phone", d.phone),
        "updated_at": updated_at,
    }


def person_row(
    sealer: Sealer,
    person_id: str,
    d: Demographics,
    created_at: datetime,
    updated_at: datetime,
    *,
    home: tuple[str | None, str | None] = (None, None),
) -> tuple[Any, ...]:
    """A new person's row, in ``PERSON_COLUMNS`` order; ``home``: the blind indexes of their
    household and ward, as ``PersonRepository.home_indexes`` made them."""
    columns = demographics_columns(sealer, person_id, d, updated_at)
    columns["household_index"], columns["ward_index"] = home
    return (person_id, *(columns[c] for c in PERSON_COLUMNS[1:-2]), created_at, updated_at)


def identifier_row(
    sealer: Sealer, row_id: str, person_id: str, identifier: Identifier, at: datetime
) -> tuple[Any, ...]:
    """An identifier mapped to a person, in ``IDENTIFIER_COLUMNS`` order."""
    index = sealer.identifier_index(identifier.system, identifier.scope, identifier.value)
    value_ct = sealer.seal("identifiers", row_id, "value", identifier.value)
    return (row_id, person_id, str(identifier.system), identifier.scope, index, value_ct, at)


def health_id_row(sealer: Sealer, issued: IssuedHealthId) -> tuple[Any, ...]:
    """An issued Health ID, found by its SI number's blind index, in ``HEALTH_ID_COLUMNS`` order."""
    return (
        issued.id,
        issued.person_id,
        sealer.identifier_index(IdentifierSystem.SI, "", issued.si_number),
        sealer.seal("health_ids", issued.id, "canonical", issued.canonical),
        issued.key_version,
        str(issued.status),
        issued.issued_at,
    )


AUDIT_COLUMNS = ("at", "action", "outcome", "actor", "facility_code", "client_id", "person_id",
                 "purpose", "source", "detail")  # fmt: skip


def audit_row(event: AuditEvent) -> tuple[Any, ...]:
    """An audit event as stored (it holds no personal data), in ``AUDIT_COLUMNS`` order."""
    return (
        event.at,
        str(event.action),
        str(event.outcome),
        event.actor,
        event.facility_code,
        event.client_id,
        event.person_id,
        (event.purpose or None) and event.purpose[:200],
        event.source,
        event.detail,
    )


def issued_from_row(sealer: Sealer, row: Any) -> IssuedHealthId:
    """An issued Health ID back from its row (any row with the ``health_ids`` columns)."""
    canonical = sealer.open("health_ids", row.id, "canonical", row.canonical_ct)
    # The canonical string starts "HID1|<SI number>|": the SI number needs no column.
    return IssuedHealthId(
        id=row.id,
        person_id=row.person_id,
        si_number=canonical.split("|")[1],
        canonical=canonical,
        key_version=row.key_version,
        status=HealthIdStatus(row.status),
        issued_at=as_utc(row.issued_at),
        replaced_by=row.replaced_by,
    )


def as_dict(columns: tuple[str, ...], row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(columns, row, strict=True))
