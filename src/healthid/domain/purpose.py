"""Why a caller reads a person's data: HL7 v3 PurposeOfUse codes, a fixed value set.

A code, never free text: free text in a request header once carried a diagnosis
into the audit log.
"""

from __future__ import annotations

from enum import StrEnum

from healthid.domain.errors import ValidationError


class PurposeOfUse(StrEnum):
    TREAT = "TREAT"  # treatment
    ETREAT = "ETREAT"  # emergency treatment (break-glass)
    HPAYMT = "HPAYMT"  # healthcare payment (BHYT claims)
    PUBHLTH = "PUBHLTH"  # public health
    PATRQT = "PATRQT"  # at the patient's request
    HOPERAT = "HOPERAT"  # healthcare operations


def parse_purpose(raw: str | None, *, field: str = "X-Purpose") -> PurposeOfUse:
    """A purpose code; ``ValidationError`` naming ``field`` when missing or unknown."""
    if not raw:
        raise ValidationError(
            field,
            "purpose_required",
            "say why: one of " + ", ".join(PurposeOfUse),
            "cần nêu mục đích: một trong " + ", ".join(PurposeOfUse),
        )
    try:
        return PurposeOfUse(raw.strip().upper())
    except ValueError:
        raise ValidationError(
            field,
            "unknown_purpose",
            "must be one of " + ", ".join(PurposeOfUse),
            "phải là một trong " + ", ".join(PurposeOfUse),
        ) from None
