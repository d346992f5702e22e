"""The errors the rules raise; each names the field and the rule, never the value."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the registry's rules raise on purpose."""


class RuleError(DomainError):
    """A rule was broken.

    ``field`` names the input, ``rule`` is a stable machine code, and the two
    messages say what the rule is in English and Vietnamese. The offending value
    is never included: it may be personal data and errors end up in logs.
    """

    def __init__(self, field: str, rule: str, message_en: str, message_vi: str) -> None:
        self.field = field
        self.rule = rule
        self.message_en = message_en
        self.message_vi = message_vi
        super().__init__(f"{field}: {message_en}")

    def message(self, language: str = "vi") -> str:
        """The message in ``language`` ('vi' or 'en'), prefixed by the field name."""
        text = self.message_vi if language == "vi" else self.message_en
        return f"{self.field}: {text}"


class ValidationError(RuleError, ValueError):
    """Input is malformed or inconsistent in itself."""


class ConflictError(RuleError):
    """Input is well formed but contradicts what the registry already holds."""


class NotFoundError(DomainError, LookupError):
    """No record answers the request."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"{what} not found")
