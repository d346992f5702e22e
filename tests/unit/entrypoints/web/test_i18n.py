"""Every text the portal shows in Vietnamese has its English translation."""

from __future__ import annotations

import ast
import re

import pytest

from healthid.entrypoints.web import i18n
from healthid.entrypoints.web.pages import HERE
from healthid.matching.model import Model

WRAPPED = re.compile(r"""_\(\s*(?P<q>["'])(?P<text>.+?)(?P=q)\s*\)""")
# Macro arguments that are passed to _() inside the macro: labels and hints.
MACRO_ARGS = re.compile(r"""(?:field|select)\(\s*"[a-z_]+",\s*"(?P<label>[^"]+)\"""")
MACRO_HINTS = re.compile(r"""hint="(?P<hint>[^"]+)\"""")
OPTIONS = re.compile(r"""\("[a-z_]*",\s*"(?P<text>[^"]+)"\)""")
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I
)


def template_texts() -> set[str]:
    texts: set[str] = set()
    for template in (HERE / "templates").glob("*.html"):
        source = template.read_text(encoding="utf-8")
        for pattern in (WRAPPED, MACRO_ARGS, MACRO_HINTS, OPTIONS):
            texts.update(m.group(m.lastgroup or 0) for m in pattern.finditer(source))
    return {t for t in texts if VIETNAMESE.search(t)}


def route_texts() -> set[str]:
    """Vietnamese string literals in the routes: messages shown next to a field."""
    texts: set[str] = set()
    for module in (HERE / "routes").glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        texts.update(
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and VIETNAMESE.search(node.value)
        )
    return texts


def value_names() -> set[str]:
    maps = [
        i18n.ROLE_NAMES,
        i18n.SEX_NAMES,
        i18n.STATUS_NAMES,
        i18n.VERIFY_NAMES,
        i18n.VERIFY_HELP,
        i18n.REVIEW_STATUS_NAMES,
        i18n.COMPARISON_NAMES,
        i18n.LEVEL_NAMES,
        i18n.KEY_NAMES,
        i18n.RUN_STATUS_NAMES,
        i18n.ACTION_NAMES,
        i18n.OUTCOME_NAMES,
        dict(i18n.COUNT_NAMES),
    ]
    return {text for names in maps for text in names.values()}


def test_the_scan_finds_the_pages_texts() -> None:
    # Guards the test itself: if the patterns stopped matching, nothing would be checked.
    found = template_texts()
    assert "Tra cứu bệnh nhân" in found
    assert "Mã cần tra cứu" in found  # a macro's label
    assert "Mã số BHXH" in found  # an option
    assert "Hãy nhập mã cần tra cứu" in route_texts()


@pytest.mark.parametrize(
    "text", sorted(template_texts() | route_texts() | value_names()), ids=lambda t: t[:40]
)
def test_every_text_has_an_english_translation(text: str) -> None:
    assert text in i18n.EN, f"no English for: {text}"
    assert i18n.EN[text].strip()
    assert i18n.translate(text, "en") != text


def test_vietnamese_is_the_default_and_unknown_languages_fall_back() -> None:
    assert i18n.translate("Tra cứu", "vi") == "Tra cứu"
    assert i18n.translate("Tra cứu", "en") == "Look up"


def test_every_comparison_and_level_of_the_model_has_a_name() -> None:
    model = Model.load()
    for comparison, levels in model.m.items():
        assert comparison in i18n.COMPARISON_NAMES
        assert set(levels) <= set(i18n.LEVEL_NAMES)
