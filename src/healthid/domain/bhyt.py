"""The social insurance number (mã số BHXH) and the card that embeds it (mã thẻ BHYT)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from healthid.domain.errors import ValidationError

# Target-group codes (mã đối tượng), the card's first two letters, from the annex
# of Quyết định 1351/QĐ-BHXH (2015) as amended, grouped as the annex groups them.
# Checked against two public transcriptions of the BHXH list (github.com/yunkhngn/
# medconnect, medconnect-fe/utils/bhytHelper.js, and a script in another public
# repository that reads the list from daklak.baohiemxahoi.gov.vn); both give the
# first five groups exactly. The last line holds codes from later amendments that
# neither transcription has: kept until the amending decisions are checked,
# because refusing a real card blocks a registration.
GROUP_CODES = frozenset(
    {
        # paid by the employee and the employer
        "DN", "HX", "CH", "NN", "TK", "HC", "XK",
        # paid by the social insurance organisation
        "HT", "TB", "NO", "CT", "XB", "TN", "CS",
        # paid by the state budget
        "QN", "CA", "CY", "XN", "MS", "CC", "CK", "CB", "KC", "HD", "TE", "BT", "HN", "DT",
        "DK", "XD", "TS", "TC", "TQ", "TV", "TA", "TY", "HG", "LS", "PV",
        # part-paid by the state budget
        "CN", "HS", "SV", "GB",
        # paid by the household
        "GD",
        # later amendments, not corroborated by the transcriptions above
        "XV", "NK", "OK", "TL",
    }
)  # fmt: skip

_SI = re.compile(r"[0-9]{10}")
_CARD = re.compile(r"([A-Z]{2})([0-9])([0-9]{2})([0-9]{10})")


def _ascii(raw: str) -> str:
    """Trimmed text, or "" for anything not ASCII (Unicode digits must not pass)."""
    text = raw.strip() if isinstance(raw, str) else ""
    return text if text.isascii() else ""


def parse_si_number(raw: str, *, field: str = "si_number") -> str:
    """The social insurance number (mã số BHXH): exactly 10 ASCII digits, not all zero."""
    text = _ascii(raw)
    if not _SI.fullmatch(text):
        raise ValidationError(
            field, "bad_format", "must be exactly 10 digits", "phải gồm đúng 10 chữ số"
        )
    if text == "0" * 10:  # the placeholder exports use for "no number yet"
        raise ValidationError(
            field, "all_zero", "must not be all zeros", "không được toàn chữ số 0"
        )
    return text


@dataclass(frozen=True)
class BhytCard:
    """A health insurance card number, split into its four parts."""

    group_code: str
    benefit_level: int
    province_code: str
    si_number: str

    @property
    def value(self) -> str:
        """The 15-character card number."""
        return f"{self.group_code}{self.benefit_level}{self.province_code}{self.si_number}"


def parse_bhyt_card(raw: str, *, field: str = "bhyt_card") -> BhytCard:
    """15 characters: group code, benefit level 1–5, province code, SI number."""
    # Upper-case only after the ASCII check: "ﬀ".upper() is "FF".
    match = _CARD.fullmatch(_ascii(raw).upper())
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
    if si == "0" * 10:
        raise ValidationError(
            field,
            "bad_si_number",
            "the last 10 digits must be an SI number, not all zeros",
            "10 chữ số cuối phải là mã số BHXH, không được toàn chữ số 0",
        )
    return BhytCard(group, int(level), province, si)


def check_bhyt_matches_si(card: BhytCard, si_number: str, *, field: str = "bhyt_card") -> None:
    """The card embeds its holder's SI number: it must be this person's."""
    if card.si_number != si_number.strip():
        raise ValidationError(
            field,
            "si_number_mismatch",
            "the SI number inside the card differs from the person's SI number",
            "mã số BHXH trong thẻ khác với mã số BHXH của người này",
        )
