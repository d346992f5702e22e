from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.errors import ValidationError
from healthid.domain.health_id import (
    CROCKFORD_ALPHABET,
    HealthId,
    canonical_string,
    compute_check,
    crockford_base32,
    issue_health_id,
)
from healthid.domain.sex import Sex

KEY = b"k" * 32


def _canonical(**overrides: object) -> str:
    fields: dict[str, object] = {
        "si_number": "0123456789",
        "full_name": "Nguyễn Văn An",
        "birth_year": 1990,
        "sex": Sex.MALE,
        "birthplace": "P01",
    }
    fields.update(overrides)
    return canonical_string(**fields)  # type: ignore[arg-type]


def test_crockford_encoding_matches_a_hand_computed_value() -> None:
    # 0b00000 00001 00010 ... : each 5-bit group indexes the alphabet.
    data = bytes([0b00000000, 0b01000100, 0b00110010, 0b00000000, 0b00000000])
    assert crockford_base32(data, 4) == "0123"


def test_check_is_hmac_sha256_in_crockford_base32() -> None:
    canonical = _canonical()
    digest = hmac.new(KEY, canonical.encode(), hashlib.sha256).digest()
    assert compute_check(KEY, canonical) == crockford_base32(digest, 10)
    assert len(compute_check(KEY, canonical)) == 10
    assert set(compute_check(KEY, canonical)) <= set(CROCKFORD_ALPHABET)


def test_canonical_string_is_versioned_and_ordered() -> None:
    assert _canonical() == "HID1|0123456789|NGUYỄN VĂN AN|1990|1|P01"


@pytest.mark.parametrize(
    ("one", "other"),
    [("Trần Thị Thuỷ", "Trần Thị Thủy"), ("Lê Thị Hoà", "Lê Thị Hòa"), ("Thuý", "Thúy")],
)
def test_tone_mark_placement_variants_give_the_same_id(one: str, other: str) -> None:
    assert compute_check(KEY, _canonical(full_name=one)) == compute_check(
        KEY, _canonical(full_name=other)
    )


def test_each_input_changes_the_check() -> None:
    base = compute_check(KEY, _canonical())
    variants = [
        _canonical(si_number="0123456780"),
        _canonical(full_name="Nguyễn Văn Anh"),
        _canonical(birth_year=1991),
        _canonical(sex=Sex.FEMALE),
        _canonical(birthplace="P79"),
    ]
    assert all(compute_check(KEY, v) != base for v in variants)
    assert compute_check(b"x" * 32, _canonical()) != base


def test_format_parse_and_mask_round_trip() -> None:
    hid = issue_health_id(si_number="0123456789", issuing_key=KEY, canonical=_canonical())
    text = str(hid)
    assert text.startswith("0123456789.")
    assert len(text) == 21
    assert HealthId.parse(text) == hid
    assert HealthId.parse(f"  {text.lower()} ") == hid
    assert hid.masked() == "0123456789.**********"
    assert hid.check not in repr(hid)


def test_parse_folds_crockford_look_alikes() -> None:
    assert HealthId.parse("0123456789.OOIILL0000") == HealthId("0123456789", "0011110000")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "0123456789",
        "0123456789.",
        "012345678.ABCDEFGHJK",
        "0123456789.ABCDEFGHJ",
        "0123456789.ABCDEFGHJKM",
        "0123456789-ABCDEFGHJK",
        "0123456789.ABCDEFGHJU",
        "０１２３４５６７８９.ABCDEFGHJK",
    ],
)
def test_malformed_ids_are_rejected_with_field_and_rule(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        HealthId.parse(raw)
    assert info.value.field == "health_id"
    assert info.value.rule == "bad_format"


def test_matches_accepts_the_issued_id_and_rejects_any_one_character_change() -> None:
    canonical = _canonical()
    hid = issue_health_id(si_number="0123456789", issuing_key=KEY, canonical=canonical)
    assert hid.matches(KEY, canonical)
    for position in range(10):
        for replacement in "0Z":
            if hid.check[position] == replacement:
                continue
            check = hid.check[:position] + replacement + hid.check[position + 1 :]
            assert not HealthId(hid.si_number, check).matches(KEY, canonical)


@given(st.text())
def test_parse_raises_only_validation_errors(raw: str) -> None:
    try:
        parsed = HealthId.parse(raw)
    except ValidationError:
        return
    assert HealthId.parse(str(parsed)) == parsed
