"""Helpers the domain tests share: how a rule refuses, and parsing without raising."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from healthid.domain.errors import ValidationError

T = TypeVar("T")


def refused(call: Callable[[], object], field: str, rule: str, raw: str = "") -> None:
    """``call()`` raises a ValidationError naming ``field`` and ``rule``, never ``raw``."""
    with pytest.raises(ValidationError) as info:
        call()
    assert (info.value.field, info.value.rule) == (field, rule)
    value = raw.strip()
    if value:  # the value may be personal data: no message may carry it into a log
        assert value not in str(info.value)
        assert value not in info.value.message("vi")
        assert value not in info.value.message("en")


def attempt(call: Callable[[], T]) -> T | ValidationError:
    """The result of ``call()``, or the ValidationError it raised; anything else propagates."""
    try:
        return call()
    except ValidationError as err:
        return err
