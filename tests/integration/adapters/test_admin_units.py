from __future__ import annotations

import socket
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthid.adapters.admin_units import PackagedAdminUnits
from healthid.domain.admin_units import CodeVersion, Province

UNITS = PackagedAdminUnits()


def test_code_lists_have_the_sizes_of_each_version() -> None:
    assert len(UNITS.provinces(CodeVersion.LEGACY)) == 63
    assert len(UNITS.provinces(CodeVersion.V2025)) == 34
    # DESIGN.md counts 3,321 units; the packaged list has the 3,305 wards and communes.
    assert UNITS.ward_count() == 3305


def test_a_reused_code_means_different_provinces_in_each_version() -> None:
    legacy = UNITS.province("80", CodeVersion.LEGACY)
    current = UNITS.province("80", CodeVersion.V2025)
    assert legacy is not None
    assert legacy.name == "Long An"
    assert current is not None
    assert current.name == "Tây Ninh"
    assert UNITS.current_province("80", CodeVersion.LEGACY) == current


def test_wards_carry_their_province_and_version() -> None:
    ward = UNITS.ward("31120")
    assert ward is not None
    assert (ward.province_code, ward.version) == ("92", CodeVersion.V2025)
    assert UNITS.ward("31120", CodeVersion.LEGACY) is None


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Hà Nội", "01"),
        ("HA NOI", "01"),
        ("Hà Tây", "01"),
        ("Long An", "80"),
        ("TP Hồ Chí Minh", "79"),
        ("Bình Dương", "79"),
        ("Sài Gòn", "79"),
        ("Thừa Thiên Huế", "46"),
        (unicodedata.normalize("NFD", "Hải Dương"), "31"),
        ("01", "01"),
    ],
)
def test_birthplaces_resolve_to_todays_province(written: str, code: str) -> None:
    province = UNITS.resolve_birthplace(written)
    assert province is not None
    assert (province.code, province.version) == (code, CodeVersion.V2025)


@pytest.mark.parametrize("written", ["", "Atlantis", "99", "1"])
def test_unknown_birthplaces_are_none(written: str) -> None:
    assert UNITS.resolve_birthplace(written) is None


@given(st.text())
def test_resolve_birthplace_never_raises(text: str) -> None:
    assert UNITS.resolve_birthplace(text) is None or isinstance(
        UNITS.resolve_birthplace(text), Province
    )


def test_no_lookup_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    fresh = PackagedAdminUnits()
    assert fresh.resolve_birthplace("12 Phố Huế, Hai Bà Trưng, Hà Nội") is None
    assert fresh.resolve_birthplace("Hà Nội") is not None
    assert fresh.ward("31120") is not None
    assert fresh.current_province("80", CodeVersion.LEGACY) is not None
    assert len(fresh.provinces(CodeVersion.LEGACY)) == 63
