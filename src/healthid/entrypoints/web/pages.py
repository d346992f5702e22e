"""Rendering pages: the Jinja2 environment, the language, forms, and protective headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.datastructures import FormData

from healthid.domain.errors import RuleError
from healthid.entrypoints.web import i18n
from healthid.entrypoints.web.i18n import LANGUAGES, translate
from healthid.services.access import Permission

HERE = Path(__file__).parent
LANG_COOKIE = "hid_lang"

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,  # a misspelt variable is an error in tests, not a blank
    trim_blocks=True,
    lstrip_blocks=True,
)
VIETNAM = timedelta(hours=7)  # UTC+7 all year: times are shown as the reader's clock shows them


def local_time(at: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return (at.astimezone(UTC) + VIETNAM).strftime(fmt)


_env.globals.update(
    local=local_time,
    P=Permission,
    role_names=i18n.ROLE_NAMES,
    role_options=list(i18n.ROLE_NAMES.items()),
    sex_names=i18n.SEX_NAMES,
    status_names=i18n.STATUS_NAMES,
    verify_names=i18n.VERIFY_NAMES,
    verify_help=i18n.VERIFY_HELP,
    review_status_names=i18n.REVIEW_STATUS_NAMES,
    comparison_names=i18n.COMPARISON_NAMES,
    level_names=i18n.LEVEL_NAMES,
    key_names=i18n.KEY_NAMES,
    count_names=i18n.COUNT_NAMES,
    run_status_names=i18n.RUN_STATUS_NAMES,
    action_names=i18n.ACTION_NAMES,
    action_options=list(i18n.ACTION_NAMES.items()),
    outcome_names=i18n.OUTCOME_NAMES,
)

# Pages hold personal data: never cached, never framed, scripts only from this origin.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "vi")
    return chosen if chosen in LANGUAGES else "vi"


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language(request)
    context.setdefault("viewer", None)
    context.setdefault("errors", {})
    context.setdefault("form", {})
    context.setdefault("notice", None)
    context.setdefault("failure", None)
    context.setdefault("username", "")
    html = _env.get_template(template).render(
        request=request,
        lang=lang,
        _=lambda text: translate(text, lang),
        error_text=lambda exc: error_text(exc, lang),
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    # 303: after a POST the browser follows with a GET (no resubmission on reload).
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def error_text(exc: RuleError, lang: str) -> str:
    return exc.message_vi if lang == "vi" else exc.message_en


def field_errors(exc: RuleError, lang: str) -> dict[str, str]:
    """A rule broken by one input, to show next to that input."""
    return {exc.field: error_text(exc, lang)}


def text(form: FormData, name: str, limit: int = 200) -> str:
    """A form field as trimmed text (a file upload or a missing field reads as empty)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def query_string(**params: object) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return urlencode(kept)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
