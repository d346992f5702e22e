"""Blocking keys: which stored persons are worth comparing with a new record.

A key is a short string; the store keeps only a keyed blind index of it (never
a readable name fragment), so candidates come from an index lookup, not a scan.
"""

from __future__ import annotations

from healthid.matching.normalise import MatchRecord, date_variants


def blocking_keys(record: MatchRecord) -> set[str]:
    """Keys that a true duplicate is very likely to share with ``record``.

    Each is narrow enough that even Nguyễn Văn Hùng, born 1980, is a block of
    hundreds at national scale, not millions.
    """
    year = str(record.birth_date.year)
    given = record.given_folded
    keys = {
        # given name and birth year: survives spelling, missing middle names, moves
        f"gy|{given}|{year}",
        # surname group, given name and birth province: survives a wrong birth year
        f"fgp|{record.surname_group}|{given}|{record.birth_province or '-'}",
    }
    for date in date_variants(record.birth_date):
        # the full date (or its day/month swap) with the surname group: survives a
        # changed given name spelling the folding does not catch
        keys.add(f"dF|{date}|{record.surname_group}")
    if record.cccd:
        keys.add(f"c|{record.cccd}")
    return keys
