"""The health insurance card number (mã thẻ BHYT), QĐ 1351/QĐ-BHXH."""

from __future__ import annotations

import re
from dataclasses import dataclass

from healthid.domain.errors import ValidationError

# Target-group codes (mã đối tượng), the card's first two letters: the annex
# of Quyết định 1351/QĐ-BHXH (2015) as amended, grouped as it groups them.
GROUP_CODES = frozenset(
    # employees and employers
    {"DN", "HX", "CH", "NN", "TK", "HC", "XK"}
    # paid by the social insurance fund
    | {"HT", "TB", "NO", "CT", "XB", "TN", "CS"}
    # paid by the state budget
    | {"QN", "CA", "CY", "XN", "MS", "CC", "CK", "CB", "KC", "HD", "TE", "BT", "HN", "DT",
       "DK", "XD", "TS", "TC", "TQ", "TA", "TY", "HG", "LS", "PV"}
    # subsidised by the state budget, households, others
    | {"CN", "HS", "SV", "GB", "GD", "NK", "XV", "OK"}
)  # fmt: skip

_SHAPE = re.compile(r"^([A-Z]{2})([0-9])([0-9]{2})([0-9]{10})$")


@dataclass(frozen=True)
class BhytCard:
    group_code: str
    benefit_level: int
    province_code: str
    si_number: str

    @property
    def value(self) -> str:
        return f"{self.group_code}{self.benefit_level}{self.province_code}{self.si_number}"


def parse_bhyt_card(raw: str, *, field: str = "bhyt_card") -> BhytCard:
    """15 characters: group code, benefit level 1–5, province code, SI number."""
    text = raw.strip().upper() if isinstance(raw, str) else ""
    match = _SHAPE.match(text) if text.isascii() else None
    if match is None:
        raise ValidationError(
            field,
            "bad_format",
            "must be 15 characters: 2 letters, benefit level, 2-digit province, 10-digit SI number",
            "phải gồm 15 ký tự: 2 chữ cái, mức hưởng, 2 số mã tỉnh, 10 số mã số BHXH",
        )
    group, level, province, si = match.groups()
    if group not in GROUP_CODES:
        raise ValidationError(
            field,
            "unknown_group_code",
            "the first two letters must be a target-group code of QĐ 1351/QĐ-BHXH",
            "hai chữ cái đầu phải là mã đối tượng theo QĐ 1351/QĐ-BHXH",
        )
    if not 1 <= int(level) <= 5:
        raise ValidationError(
            field, "bad_benefit_level", "benefit level must be 1 to 5", "mức hưởng phải từ 1 đến 5"
        )
    if province == "00":
        raise ValidationError(
            field, "bad_province", "province code must be 01 to 99", "mã tỉnh phải từ 01 đến 99"
        )
    return BhytCard(group, int(level), province, si)


def check_bhyt_matches_si(card: BhytCard, si_number: str, *, field: str = "bhyt_card") -> None:
    """The card embeds the holder's SI number; it must be this person's."""
    if card.si_number != si_number:
        raise ValidationError(
            field,
            "si_number_mismatch",
            "the SI number inside the card differs from the person's SI number",
            "mã số BHXH trong thẻ khác với mã số BHXH của người này",
        )
