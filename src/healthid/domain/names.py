"""Canonical Vietnamese names: one spelling for what people write several ways."""

from __future__ import annotations

import unicodedata

from healthid.domain.errors import ValidationError

MAX_NAME_LENGTH = 100
# The five tone marks. Vowel modifiers (circumflex U+0302, breve U+0306, horn
# U+031B) are part of the letter and stay where they are.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_MODIFIERS = frozenset("\u0302\u0306\u031b")
_VOWELS = frozenset("AEIOUY")
_ALLOWED_PUNCTUATION = frozenset(" '-.")
_PAIRS_TONED_ON_SECOND = frozenset({"OA", "OE", "UY"})


def _letters(syllable: str) -> list[tuple[str, str, str | None]]:
    """Split an NFD syllable into (base letter, modifiers, tone) triples."""
    out: list[tuple[str, str, str | None]] = []
    for ch in syllable:
        if unicodedata.combining(ch) and out:
            base, mods, tone = out[-1]
            if ch in _TONES:
                out[-1] = (base, mods, ch)
            else:
                out[-1] = (base, mods + ch, tone)
        else:
            out.append((ch, "", None))
    return out


def _tone_position(letters: list[tuple[str, str, str | None]]) -> int | None:
    """Where the tone belongs, by one rule ("new style"), or None if no vowel."""
    bases = [b.upper() for b, _, _ in letters]
    start = 0
    while start < len(bases) and bases[start] not in _VOWELS:
        start += 1
    # "qu" and "gi" before another vowel are onsets: their u / i is not in the nucleus.
    if (
        start < len(bases) - 1
        and (
            (start > 0 and bases[start - 1] == "Q" and bases[start] == "U")
            or (start > 0 and bases[start - 1] == "G" and bases[start] == "I")
        )
        and bases[start + 1] in _VOWELS
    ):
        start += 1
    end = start
    while end < len(bases) and bases[end] in _VOWELS:
        end += 1
    if start >= len(bases):
        return None
    nucleus = range(start, end)
    modified = [i for i in nucleus if set(letters[i][1]) & _MODIFIERS]
    if modified:
        return modified[-1]
    if end < len(bases):  # a final consonant follows
        return end - 1
    if len(nucleus) >= 3:
        return start + 1
    if len(nucleus) == 2:
        pair = bases[start] + bases[start + 1]
        return start + 1 if pair in _PAIRS_TONED_ON_SECOND else start
    return start


def _place_tone(syllable: str) -> str:
    letters = _letters(unicodedata.normalize("NFD", syllable))
    tones = [t for _, _, t in letters if t]
    if len(tones) != 1:  # no tone, or not a Vietnamese syllable: leave it alone
        return unicodedata.normalize("NFC", syllable)
    position = _tone_position(letters)
    if position is None:
        return unicodedata.normalize("NFC", syllable)
    rebuilt = "".join(
        base + mods + (tones[0] if i == position else "")
        for i, (base, mods, _) in enumerate(letters)
    )
    return unicodedata.normalize("NFC", rebuilt)


def _invalid(field: str, rule: str, en: str, vi: str) -> ValidationError:
    return ValidationError(field, rule, en, vi)


def canonical_name(raw: str, *, field: str = "full_name") -> str:
    """NFC, upper case, single spaces, one tone-mark placement; Đ stays Đ."""
    text = unicodedata.normalize("NFC", raw) if isinstance(raw, str) else ""
    words = text.split()
    if not words:
        raise _invalid(field, "empty", "must not be empty", "không được để trống")
    joined = " ".join(words)
    if len(joined) > MAX_NAME_LENGTH:
        raise _invalid(
            field,
            "too_long",
            f"must be at most {MAX_NAME_LENGTH} characters",
            f"tối đa {MAX_NAME_LENGTH} ký tự",
        )
    for ch in joined:
        category = unicodedata.category(ch)
        if category.startswith("N"):
            raise _invalid(field, "digit", "must not contain digits", "không được chứa chữ số")
        if category.startswith("C"):
            raise _invalid(
                field,
                "control_character",
                "must not contain control characters",
                "không được chứa ký tự điều khiển",
            )
        if not (category.startswith("L") or category == "Mn" or ch in _ALLOWED_PUNCTUATION):
            raise _invalid(
                field,
                "bad_character",
                "may contain only letters, spaces, apostrophes, hyphens and periods",
                "chỉ được chứa chữ cái, dấu cách, dấu nháy, gạch nối và dấu chấm",
            )
    upper = unicodedata.normalize("NFC", joined.upper())
    return " ".join(_place_tone(word) for word in upper.split(" "))


def fold_diacritics(name: str) -> str:
    """ASCII upper case with every mark removed (Đ becomes D), for matching only."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.upper().split())
