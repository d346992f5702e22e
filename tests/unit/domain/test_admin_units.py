from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from healthid.domain.admin_units import fold_place_name


def test_fold_place_name_drops_marks_case_and_prefixes() -> None:
    for written in ["Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "tp hồ  chí minh", "HO CHI MINH"]:
        assert fold_place_name(written) == "HO CHI MINH"
    assert fold_place_name("Tỉnh Đắk Lắk") == "DAK LAK"
    assert fold_place_name(unicodedata.normalize("NFD", "Bà Rịa-Vũng Tàu")) == "BA RIA VUNG TAU"


@given(st.text())
def test_fold_place_name_is_total_and_ascii_for_vietnamese_letters(text: str) -> None:
    folded = fold_place_name(text)
    assert folded == " ".join(folded.split())
