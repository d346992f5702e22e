"""The residence ward of an extract's row, as matching reads it."""

from __future__ import annotations

import pytest

from healthid.domain.bhxh_row import parse_row

ROW = {
    "MA_HO_GD": "010000000000001",
    "MA_SO_BHXH": "0123456789",
    "SO_CCCD": "",
    "HO_TEN": "Nguyễn Thị Thuỷ",
    "NGAY_SINH": "19900312",
    "GIOI_TINH": "2",
    "MA_THE_BHYT": "",
    "NOI_SINH": "Hà Nội",
    "MATINH_CU_TRU": "01",
    "MAXA_CU_TRU": "00004",
    "DIA_CHI": "Số 1 Lê Lợi",
    "QUAN_HE_CHU_HO": "Chủ hộ",
    "NGAY_CAP_NHAT": "2025-01-02T08:00:00+07:00",
}


def test_a_ward_code_is_kept_with_the_household() -> None:
    row = parse_row(ROW)
    assert (row.ward, row.household) == ("00004", "010000000000001")


@pytest.mark.parametrize("ward", ["", "4", "0000４", "abcde", "000041"])
def test_anything_but_a_ward_code_is_no_ward_and_no_reason_to_reject(ward: str) -> None:
    assert parse_row({**ROW, "MAXA_CU_TRU": ward}).ward is None
