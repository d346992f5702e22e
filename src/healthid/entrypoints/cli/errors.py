"""Exit codes, and the registry's errors turned into messages instead of tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.markup import escape

from healthid import bootstrap
from healthid.config import load_settings
from healthid.domain.errors import NotFoundError, RuleError
from healthid.entrypoints.cli.output import err, report_not_found, report_rule_error
from healthid.services.access import ForbiddenError

EXIT_INVALID = 1
EXIT_BAD_INPUT = 2


@contextmanager
def operator_errors() -> Iterator[None]:
    """Exit 2 on bad input, 1 on anything else the registry refuses; never a traceback."""
    language = load_settings().language
    try:
        yield
    except RuleError as exc:
        report_rule_error(exc, language)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except NotFoundError as exc:
        report_not_found(exc, language)
        raise typer.Exit(EXIT_INVALID) from None
    except bootstrap.EngineUnavailableError as exc:
        # Escaped: "healthid[spark]" is not Rich markup. Soft wrap: one line at any width.
        err.print(f"[bold red]{escape(str(exc))}[/]", soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (bootstrap.KeyRingError, ForbiddenError) as exc:
        err.print(f"[bold red]{exc}[/]")
        raise typer.Exit(EXIT_INVALID) from None
