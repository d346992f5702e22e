"""Administrative units from the data files the ``vietnamadminunits`` package ships.

Only its JSON data is read, never its code: its ``convert_address`` geocodes
addresses online, and a registry lookup must never reach the network.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from healthid.domain.admin_units import CodeVersion, Province, Ward, fold_place_name

_DATA_PACKAGE = "vietnamadminunits"
# Names people still write that no code list carries.
_ALIASES = {
    "SAI GON": "HO CHI MINH",
    "TPHCM": "HO CHI MINH",
    "HCM": "HO CHI MINH",
    "HA TAY": "HA NOI",  # merged into Hà Nội in 2008, still on older records
    "THUA THIEN HUE": "HUE",  # renamed when it became a city in January 2025
}


def _load(name: str) -> Mapping[str, Any]:
    # find_spec locates the package without importing it: importing it would pull
    # in shapely, numpy and geopy, none of which the registry needs.
    spec = importlib.util.find_spec(_DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {_DATA_PACKAGE} package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    loaded: Mapping[str, Any] = json.loads((folder / "data" / name).read_text(encoding="utf-8"))
    return loaded


class PackagedAdminUnits:
    """Provinces (63 legacy, 34 since 2025), 2025 wards, and legacy-to-2025 mapping."""

    @cached_property
    def _legacy(self) -> Mapping[str, Any]:
        return _load("parser_legacy.json")

    @cached_property
    def _current(self) -> Mapping[str, Any]:
        return _load("parser_from_2025.json")

    @cached_property
    def _by_key(self) -> dict[CodeVersion, dict[str, Province]]:
        """Provinces by the package's own key (e.g. 'tinhlongan'), for each version."""
        return {
            version: {
                key: Province(entry["provinceCode"], entry["provinceShort"], version)
                for key, entry in source["DICT_PROVINCE"].items()
            }
            for version, source in (
                (CodeVersion.LEGACY, self._legacy),
                (CodeVersion.V2025, self._current),
            )
        }

    @cached_property
    def _by_code(self) -> dict[tuple[CodeVersion, str], Province]:
        return {(p.version, p.code): p for table in self._by_key.values() for p in table.values()}

    @cached_property
    def _successor(self) -> dict[str, Province]:
        """Legacy province code -> the 2025 province it became part of."""
        mapping = _load("converter_2025.json")["DICT_PROVINCE"]
        legacy, current = self._by_key[CodeVersion.LEGACY], self._by_key[CodeVersion.V2025]
        return {
            legacy[old_key].code: current[new_key]
            for new_key, old_keys in mapping.items()
            for old_key in old_keys
        }

    @cached_property
    def _wards(self) -> dict[str, Ward]:
        wards = {}
        current = self._by_key[CodeVersion.V2025]
        for province_key, entries in self._current["DICT_PROVINCE_WARD_NO_ACCENTED"].items():
            province = current[province_key]
            for entry in entries.values():
                wards[entry["wardCode"]] = Ward(
                    entry["wardCode"], entry["ward"], province.code, CodeVersion.V2025
                )
        return wards

    @cached_property
    def _names(self) -> dict[str, Province]:
        """Folded names, old and new, to today's province (new names win on a clash)."""
        names: dict[str, Province] = {}
        for province in self._by_key[CodeVersion.LEGACY].values():
            names[fold_place_name(province.name)] = self._successor[province.code]
        for province in self._by_key[CodeVersion.V2025].values():
            names[fold_place_name(province.name)] = province
        return names

    def provinces(self, version: CodeVersion) -> list[Province]:
        return sorted(self._by_key[version].values(), key=lambda p: p.code)

    def province(self, code: str, version: CodeVersion) -> Province | None:
        return self._by_code.get((version, code))

    def ward(self, code: str, version: CodeVersion = CodeVersion.V2025) -> Ward | None:
        """A ward by code; only the 2025 list is kept (legacy wards are not stored)."""
        return self._wards.get(code) if version == CodeVersion.V2025 else None

    def ward_count(self) -> int:
        return len(self._wards)

    def wards(self, province_code: str) -> list[Ward]:
        """The 2025 wards of a 2025 province, by code."""
        return sorted(
            (w for w in self._wards.values() if w.province_code == province_code),
            key=lambda w: w.code,
        )

    def legacy_successors(self) -> dict[str, Province]:
        """Each legacy province code with the 2025 province it became part of."""
        return dict(self._successor)

    def current_province(self, code: str, version: CodeVersion) -> Province | None:
        """Today's province for a code of ``version`` (Long An's 80 -> Tây Ninh)."""
        if version == CodeVersion.V2025:
            return self.province(code, version)
        return self._successor.get(code)

    def resolve_birthplace(self, text: str) -> Province | None:
        """Today's province for a birthplace as records write it, or None if unknown.

        A bare 2-digit code is read as a 2025 code, as in the BHXH extract.
        """
        if not isinstance(text, str):
            return None
        return self._resolved(text)

    @cached_property
    def _resolved(self) -> Callable[[str], Province | None]:
        # Birthplaces repeat (a few hundred spellings for a country) and matching
        # resolves each candidate's, up to 150 a registration. Bounded: the text
        # comes from callers. One cache per instance, freed with it.
        return lru_cache(maxsize=4096)(self._resolve)

    def _resolve(self, text: str) -> Province | None:
        stripped = text.strip()
        if len(stripped) == 2 and stripped.isdigit() and stripped.isascii():
            return self.province(stripped, CodeVersion.V2025)
        folded = fold_place_name(stripped)
        return self._names.get(_ALIASES.get(folded, folded))
