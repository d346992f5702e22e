from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.errors import ValidationError
from healthid.domain.names import MAX_NAME_LENGTH, canonical_name, fold_diacritics
from tests.unit.domain.support import attempt, refused

TONES = "\u0300\u0301\u0303\u0309\u0323"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Trần Thị Thuỷ", "Trần Thị Thủy"),
        ("Lê Thị Hoà", "Lê Thị Hòa"),
        ("Phạm Thuý Nga", "Phạm Thúy Nga"),
        ("Khoẻ", "Khỏe"),
        ("Đinh Khuỷu", "Đinh Khủyu"),
        ("Nguyễn Thị Thuỳ", "nguyễn thị thùy"),
        ("Quỳnh", "Qùynh"),
        ("Nguyễn", "Nguỹên"),
        ("Tuấn", "Túân"),
        ("Hoàng", "Hòang"),
        ("Người", "Ngừơi"),
        ("Quý", "Qúy"),
        ("Giàu", "Gìau"),
        ("Xoài", "Xòai"),
        ("Hoà-Bình", "Hòa-Bình"),
    ],
)
def test_tone_mark_placement_variants_share_one_canonical_form(one: str, other: str) -> None:
    assert canonical_name(one) == canonical_name(other)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  nguyễn   văn  an ", "NGUYỄN VĂN AN"),
        ("Nguyễn\tVăn\u00a0An\n", "NGUYỄN VĂN AN"),
        ("Đỗ Minh Đức", "ĐỖ MINH ĐỨC"),
        ("Ðỗ Minh ðức", "ĐỖ MINH ĐỨC"),  # Icelandic eth typed for Đ
        ("Trương Quỳnh Hương", "TRƯƠNG QUỲNH HƯƠNG"),
        ("Hoàng Quý", "HOÀNG QUÝ"),
        ("Lê Giàu", "LÊ GIÀU"),
        ("Ngô Thị Ngoãn", "NGÔ THỊ NGOÃN"),
        ("Bùi Tuấn", "BÙI TUẤN"),
        ("Trần Thị Thủy", "TRẦN THỊ THUỶ"),
        ("Lê Thị Hòa", "LÊ THỊ HOÀ"),
        ("Khỏe", "KHOẺ"),
        ("Khủyu", "KHUỶU"),
        ("Mùa Của Mía", "MÙA CỦA MÍA"),
        ("gìn giữ", "GÌN GIỮ"),
        ("Già Giá Gìa", "GIÀ GIÁ GIÀ"),  # gi is the onset: the tone is on the a
        ("Quà Qùa", "QUÀ QUÀ"),
        ("Người Ngừơi Trường Phượng", "NGƯỜI NGƯỜI TRƯỜNG PHƯỢNG"),  # ươ: the ơ
        ("Tuổi Thuở", "TUỔI THUỞ"),
        ("H’Hen Niê", "H'HEN NIÊ"),
        ("Nguyễn Thị Hòa-Bình", "NGUYỄN THỊ HOÀ-BÌNH"),
        ("Ng. Văn An", "NG. VĂN AN"),
        ("José María", "JOSÉ MARÍA"),  # two vowel groups: not a Vietnamese syllable, left alone
    ],
)
def test_canonical_form(raw: str, expected: str) -> None:
    assert canonical_name(raw) == expected
    assert unicodedata.is_normalized("NFC", canonical_name(raw))


def test_nfd_and_nfc_inputs_are_the_same_name() -> None:
    name = "Nguyễn Thị Thuỷ Tiên"
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    assert canonical_name(nfd) == canonical_name(name) == "NGUYỄN THỊ THUỶ TIÊN"


def test_different_tones_and_letters_stay_different_names() -> None:
    assert canonical_name("Giá") != canonical_name("Già")
    assert canonical_name("Đào") != canonical_name("Dào")
    assert canonical_name("Thư") != canonical_name("Thu")


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\t\n", "empty"),
        ("Nguyễn 2", "digit"),
        ("Lê Văn Ⅻ", "digit"),
        ("Trần Văn ٣", "digit"),
        ("Lê An\x00", "control_character"),
        ("Lê\x0bAn", "control_character"),
        ("Lê\u200bAn", "control_character"),
        ("Lê An@", "bad_character"),
        ("Lê, An", "bad_character"),
        ("Lê An 😀", "bad_character"),
        ("Lê \u0301An", "bad_character"),  # a tone mark on nothing
        ("Lê\u2028An", "bad_character"),
        ("-", "no_letters"),
        ("' . -", "no_letters"),
        ("Nguyễn " * 15, "too_long"),
        ("ß" * 60, "too_long"),  # 60 characters in, 120 once upper-cased
    ],
)
def test_bad_names_name_the_field_and_rule_and_hide_the_value(raw: str, rule: str) -> None:
    refused(lambda: canonical_name(raw, field="ho_ten"), "ho_ten", rule, raw)


def test_the_length_limit_is_inclusive() -> None:
    assert len(canonical_name("A" * MAX_NAME_LENGTH)) == MAX_NAME_LENGTH
    with pytest.raises(ValidationError):
        canonical_name("A" * (MAX_NAME_LENGTH + 1))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Đỗ Thị Thuỷ", "DO THI THUY"),
        ("  nguyễn   văn  ân ", "NGUYEN VAN AN"),
        ("ĐẶNG Ðức", "DANG DUC"),
        ("Trương Ưng Ơn", "TRUONG UNG ON"),
        ("H’Hen", "H'HEN"),
        ("Ｌê", "LE"),
    ],
)
def test_fold_diacritics_for_matching(raw: str, expected: str) -> None:
    assert fold_diacritics(raw) == expected


SYLLABLES = [
    "Nguyễn", "Thuỷ", "Hoà", "Khoẻ", "Quỳnh", "Tuấn", "Hoàng", "Khuỷu", "Người", "Giữa",
    "Xoài", "Mùa", "Của", "Thúy", "Đức", "Trường", "Việt", "Huỳnh", "Phượng", "Tuyết",
    "Quý", "Giàu", "Khánh", "Ngoẻo", "Hưởu", "Luỹ", "Tỵ", "Oánh", "Quyết", "Gìn",
]  # fmt: skip


@st.composite
def tone_moved(draw: st.DrawFn) -> tuple[str, str]:
    """A syllable and the same syllable with its tone mark on another of its vowels."""
    syllable = draw(st.sampled_from(SYLLABLES))
    chars = list(unicodedata.normalize("NFD", syllable))
    tone = next(ch for ch in chars if ch in TONES)
    chars.remove(tone)
    vowels = [i for i, ch in enumerate(chars) if ch.upper() in "AEIOUY"]
    at = draw(st.sampled_from(vowels)) + 1
    while at < len(chars) and unicodedata.combining(chars[at]):
        at += 1  # after the vowel's own modifiers
    chars.insert(at, tone)
    return syllable, "".join(chars)


@given(tone_moved(), st.booleans())
def test_a_tone_mark_anywhere_in_the_syllable_gives_the_same_name(
    pair: tuple[str, str], lower: bool
) -> None:
    syllable, moved = pair
    moved = moved.lower() if lower else moved
    assert canonical_name(f"Lê {moved}") == canonical_name(f"Lê {syllable}")
    assert fold_diacritics(moved) == fold_diacritics(syllable)


@given(st.text(max_size=130))
def test_canonical_name_raises_only_validation_errors_and_is_idempotent(raw: str) -> None:
    once = attempt(lambda: canonical_name(raw))
    if isinstance(once, ValidationError):
        assert once.field == "full_name"
        return
    assert canonical_name(once) == once
    assert once == once.upper()
    assert once == once.strip()
    assert "  " not in once
    assert 0 < len(once) <= MAX_NAME_LENGTH
    assert unicodedata.is_normalized("NFC", once)


@given(st.text(max_size=130))
def test_nfd_and_nfc_of_any_text_give_the_same_answer(raw: str) -> None:
    nfc = attempt(lambda: canonical_name(unicodedata.normalize("NFC", raw)))
    nfd = attempt(lambda: canonical_name(unicodedata.normalize("NFD", raw)))
    if isinstance(nfc, ValidationError) or isinstance(nfd, ValidationError):
        assert isinstance(nfc, ValidationError)
        assert isinstance(nfd, ValidationError)
        assert nfc.rule == nfd.rule
    else:
        assert nfc == nfd


@given(st.text())
def test_fold_diacritics_is_ascii_upper_case(raw: str) -> None:
    folded = fold_diacritics(raw)
    assert folded.isascii()
    assert folded == folded.upper()
    assert fold_diacritics(folded) == folded
