"""Long lists over numbered pages: compare, history and family pages stay small as the catalog grows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import engine
from engine.site import paging, views
from engine.site.builder import BuildResult, build
from tests.benchmarks.synth import make_catalog
from tests.sitekit import BUILD_DAY


def test_groups_keep_the_order_and_stay_within_the_limit() -> None:
    weights = {"a": 3, "b": 3, "c": 5, "d": 1, "e": 1}
    cut = paging.groups(list(weights), 6, weights.__getitem__)
    assert cut == [["a", "b"], ["c", "d"], ["e"]]
    assert paging.groups([], 6) == [[]]
    assert paging.groups(["big"], 2, lambda _: 9) == [["big"]]


def test_page_addresses_never_meet_another_lists() -> None:
    assert paging.path("compare.html", 1) == "compare.html"
    assert paging.path("families/mavic.html", 2) == "families/mavic.page-2.html"
    # A family "mavic-2" exists beside "mavic": page 2 of "mavic" must not be its page.
    assert paging.path("families/mavic.html", 2) != "families/mavic-2.html"


def test_the_pager_links_the_ends_and_the_neighbours() -> None:
    p = paging.pager("families/mini.html", 5, 9)
    assert p is not None
    assert (p["previous"], p["next"]) == ("mini.page-4.html", "mini.page-6.html")
    shown = ["…" if link["gap"] else link["number"] for link in p["links"]]
    assert shown == [1, "…", 3, 4, 5, 6, 7, "…", 9]
    assert paging.pager("compare.html", 1, 1) is None


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """60 synthetic products: 1,440 offers, more than one compare page; families of 25 rows."""
    root = tmp_path_factory.mktemp("paged")
    catalog = engine.load(make_catalog(root / "catalog", 60))
    patch = pytest.MonkeyPatch()
    patch.setattr(views, "FAMILY_ROWS", 25)
    patch.setattr(views, "HISTORY_EVENTS", 40)
    try:
        return build(catalog, root / "_site", on=BUILD_DAY)
    finally:
        patch.undo()


def _pages(site: Path, first: str) -> list[Path]:
    stem = first.removesuffix(".html")
    return sorted(site.glob(f"{stem}.html")) + sorted(
        site.glob(f"{stem}.page-*.html"), key=lambda p: int(p.stem.rpartition("-")[2])
    )


def test_every_offer_is_on_exactly_one_compare_page(paged: BuildResult) -> None:
    pages = _pages(paged.path, "compare.html")
    assert [p.name for p in pages] == ["compare.html", "compare.page-2.html"]
    rows = [
        re.findall(
            r'<tr data-family="[^"]*" data-category="[^"]*" data-region="(\w+)">', p.read_text()
        )
        for p in pages
    ]
    assert all(len(r) <= views.COMPARE_ROWS for r in rows)
    assert sum(len(r) for r in rows) == 60 * 24
    # A product's rows are never split between two pages.
    first = set(re.findall(r'href="products/(synthetic-\d+)\.html"', pages[0].read_text()))
    second = set(re.findall(r'href="products/(synthetic-\d+)\.html"', pages[1].read_text()))
    assert not first & second and len(first | second) == 60


def test_each_page_says_where_it_is_and_links_the_others(paged: BuildResult) -> None:
    html = (paged.path / "compare.page-2.html").read_text()
    assert "<title>Compare every model, plan and market (page 2 of 2) ·" in html
    assert '<a href="compare.html" rel="prev">previous</a>' in html
    assert '<span aria-current="page">2</span>' in html
    family = _pages(paged.path, "families/mini.html")
    assert len(family) == 3  # 60 models, 25 a page
    text = family[2].read_text()
    assert '<a href="mini.page-2.html" rel="prev">previous</a>' in text
    assert 'href="../products/synthetic-00059.html"' in text
    assert "<title>Mini family (page 3 of 3) ·" in text


def test_history_pages_keep_every_event_once(paged: BuildResult) -> None:
    pages = _pages(paged.path, "history.html")
    events = [
        e for p in pages for e in re.findall(r'<li class="event event-(\w+)">', p.read_text())
    ]
    assert len(pages) >= 2
    assert events.count("flyaway") >= 60


def test_a_catalog_of_one_page_has_no_pager(shipped: engine.Catalog, tmp_path: Path) -> None:
    site = build(shipped, tmp_path / "_site", on=BUILD_DAY).path
    assert 'class="pager"' not in (site / "compare.html").read_text()
    assert not list(site.rglob("*.page-*.html"))
