"""Blocking keys: which stored persons are worth comparing with a new record.

A key is a short string; the store keeps only a keyed blind index of it (never
a readable name fragment), so candidates come from an index lookup, not a scan.
"""

from __future__ import annotations

from healthid.matching.normalise import MatchRecord, date_variants

# How many persons sharing a key one record is compared with, those sharing the
# most (or the narrowest) keys first. At 1M persons a fifth of records share a
# key with more than 200 people, nearly all through one broad key. Of 12,000 true
# duplicate pairs in the 1M benchmark registry, 150 candidates found every one
# that no limit at all found (100 missed one, 50 missed four); each candidate
# costs registration a person read and decrypted (docs/benchmarks.md).
CANDIDATE_LIMIT = 150


def blocking_keys(record: MatchRecord) -> set[str]:
    """Keys that a true duplicate is very likely to share with ``record``.

    Each is narrow enough that even Nguyễn Văn Hùng, born 1980, is a block of
    hundreds at national scale, not millions: no key holds the given name and
    the birth year alone (HÙNG is one person in eight in the synthetic
    population; such a key made 462 million pairs at a million persons).
    """
    year = record.birth_date.year
    given = record.given_folded
    group = record.surname_group
    # given name, birth year and surname group: survives spelling, missing middle
    # names, moves
    keys = {f"gys|{given}|{year}|{group}"}
    # surname group, given name, birth province and decade: survives a wrong birth
    # year (off by one across a decade too: 1979 and 1980 share a key)
    province = record.birth_province or "-"
    for decade in {(year - 1) // 10, year // 10, (year + 1) // 10}:
        keys.add(f"fgpd|{group}|{given}|{province}|{decade}")
    for date in date_variants(record.birth_date):
        # the full date (or its day/month swap) with the surname group: survives a
        # changed given name spelling the folding does not catch
        keys.add(f"dF|{date}|{group}")
        # ... and with the given name: survives a mistyped family name
        keys.add(f"dG|{date}|{given}")
    if record.cccd:
        keys.add(f"c|{record.cccd}")
    return keys
