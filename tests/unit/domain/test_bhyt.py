from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.bhyt import (
    GROUP_CODES,
    BhytCard,
    check_bhyt_matches_si,
    parse_bhyt_card,
    parse_si_number,
)
from healthid.domain.errors import ValidationError
from tests.unit.domain.support import attempt, refused


@pytest.mark.parametrize(
    ("raw", "expected"), [("0123456789", "0123456789"), (" 7912345678\n", "7912345678")]
)
def test_si_number_accepted(raw: str, expected: str) -> None:
    assert parse_si_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "bad_format"),
        ("123456789", "bad_format"),
        ("01234567890", "bad_format"),
        ("012345678a", "bad_format"),
        ("01234 56789", "bad_format"),
        ("٠١٢٣٤٥٦٧٨٩", "bad_format"),  # Arabic-Indic digits
        ("０１２３４５６７８９", "bad_format"),  # full-width digits
        ("0000000000", "all_zero"),
    ],
)
def test_si_number_refused(raw: str, rule: str) -> None:
    refused(lambda: parse_si_number(raw, field="ma_so_bhxh"), "ma_so_bhxh", rule, raw)


def test_card_parts_and_canonical_form() -> None:
    card = parse_bhyt_card(" dn4010123456789 ")
    assert card == BhytCard("DN", 4, "01", "0123456789")
    assert card.value == "DN4010123456789"


@pytest.mark.parametrize("group", sorted(GROUP_CODES))
def test_every_group_code_is_accepted(group: str) -> None:
    assert parse_bhyt_card(f"{group}3790123456789").group_code == group


def test_group_codes_are_the_regulations_two_letter_codes() -> None:
    core = {"DN", "HX", "CH", "NN", "TK", "HC", "XK", "HT", "TB", "NO", "CT", "XB", "TN"}
    core |= {"CS", "QN", "CA", "CY", "XN", "MS", "CC", "CK", "CB", "KC", "HD", "TE", "BT"}
    core |= {"HN", "DT", "DK", "XD", "TS", "TC", "TQ", "TV", "TA", "TY", "HG", "LS", "PV"}
    core |= {"CN", "HS", "SV", "GB", "GD"}
    assert core <= GROUP_CODES
    assert all(len(code) == 2 and code.isascii() and code.isupper() for code in GROUP_CODES)


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "bad_format"),
        ("DN401012345678", "bad_format"),  # 14 characters
        ("DN40101234567890", "bad_format"),  # 16 characters
        ("D14010123456789", "bad_format"),
        ("DNA010123456789", "bad_format"),
        ("DN4010123456 89", "bad_format"),
        ("ĐN4010123456789", "bad_format"),
        ("DN401٠١٢٣٤٥٦٧٨٩", "bad_format"),
        ("ZZ4010123456789", "unknown_group_code"),
        ("XX4010123456789", "unknown_group_code"),
        ("DN0010123456789", "bad_benefit_level"),
        ("DN6010123456789", "bad_benefit_level"),
        ("DN9010123456789", "bad_benefit_level"),
        ("DN4000123456789", "bad_province"),
        ("DN4010000000000", "bad_si_number"),
    ],
)
def test_card_refused(raw: str, rule: str) -> None:
    refused(lambda: parse_bhyt_card(raw), "bhyt_card", rule, raw)


def test_card_must_carry_the_persons_si_number() -> None:
    card = parse_bhyt_card("HT2790123456789")
    check_bhyt_matches_si(card, "0123456789")
    check_bhyt_matches_si(card, " 0123456789 ")
    refused(
        lambda: check_bhyt_matches_si(card, "0123456780"), "bhyt_card", "si_number_mismatch", ""
    )
    refused(
        lambda: check_bhyt_matches_si(card, "0123456780", field="the_card"),
        "the_card",
        "si_number_mismatch",
        "0123456789",
    )


cards = st.builds(
    BhytCard,
    group_code=st.sampled_from(sorted(GROUP_CODES)),
    benefit_level=st.integers(1, 5),
    province_code=st.integers(1, 99).map("{:02d}".format),
    si_number=st.from_regex(r"[0-9]{10}", fullmatch=True).filter(lambda s: s != "0" * 10),
)


@given(cards)
def test_card_value_reads_back_the_same_card(card: BhytCard) -> None:
    assert parse_bhyt_card(card.value) == card
    assert parse_bhyt_card(card.value.lower()) == card
    assert parse_si_number(card.si_number) == card.si_number


@given(st.text())
def test_any_text_is_a_card_or_a_validation_error(raw: str) -> None:
    card = attempt(lambda: parse_bhyt_card(raw))
    if isinstance(card, ValidationError):
        assert card.field == "bhyt_card"
    else:
        assert parse_bhyt_card(card.value) == card


@given(st.text())
def test_any_text_is_an_si_number_or_a_validation_error(raw: str) -> None:
    number = attempt(lambda: parse_si_number(raw))
    if isinstance(number, ValidationError):
        assert number.field == "si_number"
    else:
        assert len(number) == 10
        assert number.isdigit()
