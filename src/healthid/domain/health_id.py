"""The Health ID of Quyết định 4376 Điều 4: ``XXXXXXXXXX.xxxxxxxxxx``.

Ten digits of the social insurance number, a dot, then ten check characters:
Crockford base32 of an HMAC-SHA256, under a secret issuing key, over a
versioned canonical string of the person's SI number, full name, birth year,
sex and birthplace. See docs/health-id.md for the specification.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from healthid.domain.errors import ValidationError
from healthid.domain.names import canonical_name
from healthid.domain.sex import Sex

CHECK_LENGTH = 10
MASK = "*" * CHECK_LENGTH
CANONICAL_VERSION = "HID1"

# Crockford base32: no I, L, O, U, so a misread card is less often another valid ID.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# On input, Crockford folds the letters people confuse with digits.
_CROCKFORD_READ = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHAPE = re.compile(r"^([0-9]{10})\.([0-9A-HJKMNP-TV-Z]{10})$")
_RULE_EN = "must be 10 digits, a dot and 10 check characters (Crockford base32)"
_RULE_VI = "phải gồm 10 chữ số, dấu chấm và 10 ký tự kiểm tra (Crockford base32)"


def crockford_base32(data: bytes, length: int) -> str:
    """The first ``length`` Crockford base32 characters of ``data`` (5 bits each)."""
    if length * 5 > len(data) * 8:
        raise ValueError("not enough bits for the requested length")
    number = int.from_bytes(data, "big")
    shift = len(data) * 8
    chars = []
    for _ in range(length):
        shift -= 5
        chars.append(CROCKFORD_ALPHABET[(number >> shift) & 0x1F])
    return "".join(chars)


def canonical_string(
    *, si_number: str, full_name: str, birth_year: int, sex: Sex, birthplace: str
) -> str:
    """The versioned string the check characters are computed over.

    ``birthplace`` is whatever stable form the caller resolved (the registry
    passes today's province code, or the canonical text when it is unknown).
    A change to this layout needs a new ``CANONICAL_VERSION``.
    """
    name = canonical_name(full_name)
    place = " ".join(birthplace.split()).upper()
    return "|".join((CANONICAL_VERSION, si_number, name, f"{birth_year:04d}", sex.code, place))


def compute_check(issuing_key: bytes, canonical: str) -> str:
    """The ten check characters for ``canonical`` under ``issuing_key``."""
    digest = hmac.new(issuing_key, canonical.encode("utf-8"), hashlib.sha256).digest()
    return crockford_base32(digest, CHECK_LENGTH)


@dataclass(frozen=True)
class HealthId:
    """A full Health ID. Its check part is a secret: show it masked."""

    si_number: str
    check: str

    def __post_init__(self) -> None:
        if not _SHAPE.match(f"{self.si_number}.{self.check}"):
            raise ValidationError("health_id", "bad_format", _RULE_EN, _RULE_VI)

    @classmethod
    def parse(cls, raw: str, *, field: str = "health_id") -> HealthId:
        """Read a Health ID as typed or scanned: case and Crockford look-alikes folded."""
        text = raw.strip().upper() if isinstance(raw, str) else ""
        head, dot, tail = text.partition(".")
        match = _SHAPE.match(f"{head}{dot}{tail.translate(_CROCKFORD_READ)}")
        if not dot or match is None:
            raise ValidationError(field, "bad_format", _RULE_EN, _RULE_VI)
        return cls(match.group(1), match.group(2))

    def __str__(self) -> str:
        return f"{self.si_number}.{self.check}"

    def __repr__(self) -> str:
        return f"HealthId({self.masked()!r})"

    def masked(self) -> str:
        """The form shown to everyone but the person and the issuing authority."""
        return f"{self.si_number}.{MASK}"

    def matches(self, issuing_key: bytes, canonical: str) -> bool:
        """Whether the check part is what ``issuing_key`` gives ``canonical`` (constant time)."""
        expected = compute_check(issuing_key, canonical)
        return hmac.compare_digest(expected.encode("ascii"), self.check.encode("ascii"))


def issue_health_id(*, si_number: str, issuing_key: bytes, canonical: str) -> HealthId:
    """Compute the Health ID for a person whose canonical string is ``canonical``."""
    return HealthId(si_number, compute_check(issuing_key, canonical))


def masked_health_id(si_number: str) -> str:
    """The masked form, for callers that only hold the SI number."""
    return f"{si_number}.{MASK}"
