"""Canonical Vietnamese names: one spelling for what people write several ways."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from healthid.domain.errors import ValidationError

MAX_NAME_LENGTH = 100
# The five tone marks. The vowel modifiers (circumflex U+0302, breve U+0306,
# horn U+031B) belong to the letter (â ă ê ô ơ ư) and never move.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_MODIFIERS = frozenset("\u0302\u0306\u031b")
_VOWELS = frozenset("AEIOUY")
_TONED_ON_SECOND = frozenset({"OA", "OE", "UY"})
_PUNCTUATION = frozenset("'-.")
# Look-alikes keyboards and converters produce, mapped to the one spelling kept:
# Icelandic eth for Đ, typographic apostrophes, Unicode hyphens.
_ALIASES = {"Ð": "Đ", "ð": "đ", "’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-"}
_FOLD_ALIASES = str.maketrans(_ALIASES)
_SYLLABLE_BREAK = re.compile(r"([ '\-.])")
# Tabs, newlines and no-break spaces from pasted forms are word gaps, like spaces.
_GAPS = re.compile(r"[ \t\n\r\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

Letter = tuple[str, str, str | None]  # base letter, vowel modifiers, tone mark


def _invalid(field: str, rule: str, en: str, vi: str) -> ValidationError:
    return ValidationError(field, rule, en, vi)


_CHARACTER_RULES = {
    "digit": ("must not contain digits", "không được chứa chữ số"),
    "control_character": (
        "must not contain control characters",
        "không được chứa ký tự điều khiển",
    ),
    "bad_character": (
        "may contain only letters, spaces, apostrophes, hyphens and periods",
        "chỉ được chứa chữ cái, dấu cách, dấu nháy, gạch nối và dấu chấm",
    ),
}


def _check_characters(text: str, field: str) -> None:
    """Letters (with their marks), spaces, apostrophes, hyphens and periods only."""
    for word in text.split(" "):
        rule = _character_fault(word)
        if rule is not None:
            raise _invalid(field, rule, *_CHARACTER_RULES[rule])


# Cached by word: a whole registry's names reuse a few thousand words, and the
# batch passes (deduplication, training) canonicalise every name again.
@lru_cache(maxsize=65_536)
def _character_fault(word: str) -> str | None:
    """The rule a space-free word breaks, if any (a word starts after a space: no mark)."""
    previous = ""
    for ch in word:
        category = unicodedata.category(ch)
        if category.startswith("N"):
            return "digit"
        if category in {"Cc", "Cf"}:
            return "control_character"
        # A combining mark is part of a letter only when it follows one.
        attached = category.startswith("M") and previous[:1] in {"L", "M"}
        if not (category.startswith("L") or attached or ch in _PUNCTUATION):
            return "bad_character"
        previous = category
    return None


def _check_length(text: str, field: str) -> None:
    if len(text) > MAX_NAME_LENGTH:
        raise _invalid(
            field,
            "too_long",
            f"must be at most {MAX_NAME_LENGTH} characters",
            f"tối đa {MAX_NAME_LENGTH} ký tự",
        )


def _letters(syllable: str) -> list[Letter]:
    """Split an NFD syllable into letters, each with its modifiers and tone."""
    out: list[Letter] = []
    for ch in syllable:
        if out and unicodedata.category(ch).startswith("M"):
            base, mods, tone = out[-1]
            out[-1] = (base, mods, ch) if ch in _TONES else (base, mods + ch, tone)
        else:
            out.append((ch, "", None))
    return out


def _nucleus(bases: list[str]) -> range | None:
    """The syllable's vowel nucleus; None without a vowel or with two vowel groups."""
    start = next((i for i, base in enumerate(bases) if base in _VOWELS), None)
    if start is None:
        return None
    # "qu" and "gi" before another vowel are onsets: their u / i is not in the nucleus.
    if (
        start > 0
        and bases[start - 1] + bases[start] in {"QU", "GI"}
        and start + 1 < len(bases)
        and bases[start + 1] in _VOWELS
    ):
        start += 1
    end = start
    while end < len(bases) and bases[end] in _VOWELS:
        end += 1
    if any(base in _VOWELS for base in bases[end:]):
        return None  # not a Vietnamese syllable (JOSÉ, MARÍA): leave it as written
    return range(start, end)


def _tone_position(letters: list[Letter]) -> int | None:
    """Where the tone belongs by the one rule kept ("new style"), if anywhere."""
    bases = [base for base, _, _ in letters]
    nucleus = _nucleus(bases)
    if nucleus is None:
        return None
    modified = [i for i in nucleus if _MODIFIERS & set(letters[i][1])]
    if modified:  # â ă ê ô ơ ư carry the tone; in ươ the ơ does
        return modified[-1]
    # A final consonant follows (hoàng, quỳnh), or a single vowel: the last vowel.
    if nucleus.stop < len(bases) or len(nucleus) == 1:
        return nucleus[-1]
    if len(nucleus) >= 3:  # khuỷu, ngoẻo, xoài
        return nucleus[1]
    # hoà, khoẻ, thuỷ on the second vowel; mùa, mía, tài on the first
    return nucleus[1] if bases[nucleus[0]] + bases[nucleus[1]] in _TONED_ON_SECOND else nucleus[0]


@lru_cache(maxsize=65_536)  # syllables repeat far more than names do
def _place_tone(syllable: str) -> str:
    """Move the syllable's one tone mark to its canonical vowel; NFC out."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [ch for ch in decomposed if ch in _TONES]
    letters = _letters(decomposed)
    position = _tone_position(letters) if len(tones) == 1 else None
    if position is None:  # no tone, several, or no vowel: not ours to rearrange
        return unicodedata.normalize("NFC", syllable)
    rebuilt = "".join(
        base + mods + (tones[0] if i == position else "")
        for i, (base, mods, _) in enumerate(letters)
    )
    return unicodedata.normalize("NFC", rebuilt)


def canonical_name(raw: str, *, field: str = "full_name") -> str:
    """NFC, upper case, single spaces, one tone-mark placement per syllable; Đ stays Đ."""
    text = raw if isinstance(raw, str) else ""  # the boundary may hand us JSON numbers
    return _canonical_name(text, field)


@lru_cache(maxsize=1 << 17)  # validation, matching and the ID all ask for the same names
def _canonical_name(text: str, field: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_FOLD_ALIASES)
    joined = " ".join(word for word in _GAPS.split(text) if word)
    if not joined:
        raise _invalid(field, "empty", "must not be empty", "không được để trống")
    _check_length(joined, field)
    _check_characters(joined, field)
    if not any(unicodedata.category(ch).startswith("L") for ch in joined):
        raise _invalid(field, "no_letters", "must contain letters", "phải có chữ cái")
    # Aliases again after upper-casing: "ŉ".upper() is "ʼN".
    upper = unicodedata.normalize("NFC", joined.upper().translate(_FOLD_ALIASES))
    # Hyphens, apostrophes and periods also end a syllable (Hoà-Bình, H'Hen).
    canonical = "".join(_place_tone(part) for part in _SYLLABLE_BREAK.split(upper))
    _check_length(canonical, field)  # upper-casing can lengthen ("ß" -> "SS")
    return canonical


@lru_cache(maxsize=65_536)  # called per name part on every record of a batch pass
def fold_diacritics(name: str) -> str:
    """ASCII upper case with every mark removed (Đ becomes D), for matching only.

    Letters with no ASCII base (other scripts, "Ø") are dropped.
    """
    upper = name.translate(_FOLD_ALIASES).upper().replace("Đ", "D")
    # NFKD also splits ligatures and full-width forms into ASCII letters.
    decomposed = unicodedata.normalize("NFKD", upper)
    ascii_only = "".join(ch for ch in decomposed if ch.isascii())
    return " ".join(ascii_only.upper().split())  # NFKD can yield lower case: "ℓ" -> "l"
