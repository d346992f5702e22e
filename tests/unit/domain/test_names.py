from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.errors import ValidationError
from healthid.domain.names import canonical_name, fold_diacritics


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Trần Thị Thuỷ", "Trần Thị Thủy"),
        ("Lê Thị Hoà", "Lê Thị Hòa"),
        ("Phạm Thuý Nga", "Phạm Thúy Nga"),
        ("Khoẻ", "Khỏe"),
        ("Đinh Khuỷu", "Đinh Khủyu"),
        ("Nguyễn Thị Thuỳ", "nguyễn thị thùy"),
    ],
)
def test_tone_mark_placement_variants_share_one_canonical_form(one: str, other: str) -> None:
    assert canonical_name(one) == canonical_name(other)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  nguyễn   văn  an ", "NGUYỄN VĂN AN"),
        ("Đỗ Minh Đức", "ĐỖ MINH ĐỨC"),
        ("Trương Quỳnh Hương", "TRƯƠNG QUỲNH HƯƠNG"),
        ("Hoàng Quý", "HOÀNG QUÝ"),
        ("Lê Giàu", "LÊ GIÀU"),
        ("Ngô Thị Ngoãn", "NGÔ THỊ NGOÃN"),
        ("Bùi Tuấn", "BÙI TUẤN"),
    ],
)
def test_canonical_form(raw: str, expected: str) -> None:
    assert canonical_name(raw) == expected


def test_nfd_and_nfc_inputs_are_the_same_name() -> None:
    name = "Nguyễn Thị Thuỷ Tiên"
    assert canonical_name(unicodedata.normalize("NFD", name)) == canonical_name(name)
    assert unicodedata.is_normalized("NFC", canonical_name(unicodedata.normalize("NFD", name)))


def test_different_tones_stay_different_names() -> None:
    assert canonical_name("Giá") != canonical_name("Già")


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Nguyễn 2", "digit"),
        ("An\x00", "control_character"),
        ("An@", "bad_character"),
        ("A" * 101, "too_long"),
    ],
)
def test_bad_names_name_the_rule_and_hide_the_value(raw: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        canonical_name(raw)
    assert (info.value.field, info.value.rule) == ("full_name", rule)
    if raw.strip():
        assert raw not in str(info.value)


def test_fold_diacritics_for_matching() -> None:
    assert fold_diacritics("Đỗ Thị Thuỷ") == "DO THI THUY"


@given(st.text(max_size=120))
def test_canonical_name_raises_only_validation_errors_and_is_idempotent(raw: str) -> None:
    try:
        once = canonical_name(raw)
    except ValidationError:
        return
    assert canonical_name(once) == once
    assert once == once.upper()
    assert "  " not in once
