"""How the command line speaks: Rich to the terminal, errors in the operator's language."""

from __future__ import annotations

from rich.console import Console

from healthid.domain.errors import NotFoundError, RuleError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

_NOT_FOUND_VI = {
    "person": "Không tìm thấy người này trong hệ thống",
    "facility": "Không tìm thấy cơ sở khám chữa bệnh",
    "user": "Không tìm thấy người dùng",
    "client": "Không tìm thấy ứng dụng kết nối",
    "review": "Không tìm thấy cặp cần xét",
    "merge": "Không tìm thấy lần gộp này",
}


def report_rule_error(exc: RuleError, language: str) -> None:
    """Print a broken rule: the field, the rule, and the other language below it."""
    other = "en" if language == "vi" else "vi"
    label = "Lỗi" if language == "vi" else "Error"
    err.print(f"[bold red]{label}[/] [bold]{exc.message(language)}[/]  [dim]({exc.rule})[/]")
    err.print(f"[dim]{exc.message(other)}[/]")


def report_not_found(exc: NotFoundError, language: str) -> None:
    if language == "vi":
        err.print(f"[bold red]{_NOT_FOUND_VI.get(exc.what, 'Không tìm thấy')}[/]")
    else:
        err.print(f"[bold red]{exc.what.capitalize()} not found[/]")
