"""The authority's list of automatic merges (issue 22, item 4): sampled, explained, undone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from healthid import bootstrap
from healthid.services import dedup
from healthid.services.access import operator
from healthid.synth.bhxh import write
from tests.e2e.web.conftest import Portal, csrf_of
from tests.integration.services.support import load_without_matching, small_population

UNMERGE = re.compile(r'action="(/merges/[0-9a-f]{32}/unmerge)"')


def merged_by_dedup(portal: Portal, folder: Path) -> int:
    """An old system's records deduplicated: the merges the score alone decided.

    Judged for a small registry, where name, date and birthplace make a sure pair
    (nationally they need an identifier, which these records' duplicates lack).
    """
    write(folder, persons=120, dup_rate=0.2, seed=3)
    load_without_matching(portal.registry, folder)
    small = small_population(portal.registry)
    report = dedup.deduplicate(deps=small.deps, caller=operator(), finder=small.pair_finder)
    assert report.merged > 0
    return report.merged


def absorbed(registry: bootstrap.Registry) -> int:
    with registry.engine.connect() as conn:
        found = conn.scalar(sa.text("SELECT count(*) FROM persons WHERE merged_into IS NOT NULL"))
    return int(found or 0)


def test_the_authority_lists_automatic_merges_with_their_evidence(
    portal: Portal, tmp_path: Path
) -> None:
    merged = merged_by_dedup(portal, tmp_path)
    browser = portal.sign_in("authority")
    page = browser.get("/merges")
    assert page.status_code == 200
    assert len(UNMERGE.findall(page.text)) == merged  # one click from each
    assert len(re.findall(r'href="/reviews/[0-9a-f]{32}"', page.text)) == merged
    assert "Ngày sinh" in page.text  # the evidence: which comparison weighed, and how much
    assert re.search(r"[+-]\d+\.\d", page.text)
    assert "Gộp tự động" in browser.get("/").text  # reached from the menu
    browser.get("/language/en")
    english = browser.get("/merges")
    assert "Automatic merges" in english.text
    assert "Unmerge" in english.text


def test_one_click_on_the_list_unmerges_and_comes_back_to_it(
    portal: Portal, tmp_path: Path
) -> None:
    merged = merged_by_dedup(portal, tmp_path)
    assert absorbed(portal.registry) == merged
    browser = portal.sign_in("authority")
    page = browser.get("/merges")
    first = UNMERGE.search(page.text)
    assert first is not None
    done = browser.post(first.group(1), data={"csrf": csrf_of(page.text), "next": "merges"})
    assert done.status_code == 200
    assert str(done.url).endswith("/merges")
    assert absorbed(portal.registry) == merged - 1  # both persons stand apart again
    assert len(UNMERGE.findall(done.text)) == merged - 1
    assert "Đã tách" in done.text  # still listed, as undone


@pytest.mark.parametrize("who", ["staff", "facility_admin", "auditor"])
def test_only_the_authority_sees_and_undoes_automatic_merges(
    portal: Portal, tmp_path: Path, who: str
) -> None:
    merged_by_dedup(portal, tmp_path)
    page = portal.sign_in("authority").get("/merges")
    action = UNMERGE.search(page.text)
    assert action is not None
    browser = portal.sign_in(who)
    refused = browser.get("/merges")
    assert refused.status_code == 403
    assert "Không có quyền truy cập" in refused.text
    home = browser.get("/")
    assert 'href="/merges"' not in home.text
    attempt = browser.post(action.group(1), data={"csrf": csrf_of(home.text), "next": "merges"})
    assert attempt.status_code == 403
    assert absorbed(portal.registry) > 0
    with portal.registry.engine.connect() as conn:
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM merges WHERE unmerged_at IS NOT NULL")) == 0
        )
