"""What changed, for readers: the "What changed" page and the Atom feeds, from the catalog's git
history and from the changes the catalog dates itself."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

import engine
from engine.catalog.lookups import Catalog
from engine.cli import cli
from engine.site.builder import build
from tests.browserkit import DESKTOP, Visit
from tests.conftest import MINIMAL, ROOT
from tests.sitekit import git

DAY = dt.date(2026, 11, 22)


def parse(path: Path) -> Any:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog repository of two commits: the catalog, then one changed flyaway fee."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "catalog", root / "catalog", ignore=shutil.ignore_patterns(".cache"))
    git(root, "init", "-q")
    git(root, "add", "catalog")
    git(root, "commit", "-q", "-m", "The catalog")
    product = root / "catalog" / "products" / "mini-3.yaml"
    product.write_text(product.read_text().replace("flyaway_fee: 1149", "flyaway_fee: 1099", 1))
    git(root, "commit", "-q", "-am", "Mini 3: the new Polish flyaway fee")
    return root


@pytest.fixture(scope="module")
def repo_site(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(engine.load(repo / "catalog"), tmp_path_factory.mktemp("s") / "_site", on=DAY).path


def test_the_page_lists_each_commit_with_its_changes(repo_site: Path) -> None:
    html = (repo_site / "changes.html").read_text()
    assert html.index("Mini 3: the new Polish flyaway fee") < html.index("The catalog")
    section = html[html.index("Mini 3: the new Polish flyaway fee") :]
    assert "<h3>Mini 3, 1-Year, Poland</h3>" in section
    assert "flyaway fee 1\u00a0149,00\u00a0zł → 1\u00a0099,00\u00a0zł" in section
    assert "the first version of the catalog" in html.lower()


def test_the_catalog_feed_has_the_commits_and_the_dated_terms(repo_site: Path) -> None:
    feed = parse(repo_site / "feed.xml")
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Mini 3: the new Polish flyaway fee"
    assert "DJI Care Refresh (1-Year Plan): Care Refresh 2.0" in titles
    first = feed.entries[0]
    assert "1\u00a0099,00\u00a0zł" in first.summary and first.link.endswith(
        "changes.html#c-" + first.id[-40:][:7]
    )
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    assert feed.feed.updated == first.updated  # the newest entry, not the time of the build


def test_each_model_has_its_own_feed(repo_site: Path) -> None:
    mini = parse(repo_site / "feeds" / "products" / "mini-3.xml")
    assert mini.feed.title == "DJI Care Refresh: Mini 3"
    assert mini.entries[0].title == "Mini 3: the new Polish flyaway fee"
    assert any("flyaway list" in e.title for e in mini.entries)
    other = parse(repo_site / "feeds" / "products" / "mavic-3.xml")
    assert all("Polish flyaway fee" not in e.title for e in other.entries)
    product = (repo_site / "products" / "mini-3.html").read_text()
    assert (
        'type="application/atom+xml" title="Mini 3: what changed" href="../feeds/products/mini-3.xml"'
        in product
    )


def test_without_git_the_page_says_so_and_the_feed_has_the_dated_changes(
    shipped: Catalog, tmp_path: Path
) -> None:
    shutil.copytree(MINIMAL, tmp_path / "catalog", ignore=shutil.ignore_patterns(".cache"))
    site = build(engine.load(tmp_path / "catalog"), tmp_path / "_site", on=DAY).path
    assert "not in a git repository" in (site / "changes.html").read_text()
    feed = parse(site / "feed.xml")
    assert feed.entries and all(":commit:" not in e.id for e in feed.entries)


def test_a_new_commit_is_a_change_for_the_next_build(repo: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "_site")
    catalog = str(repo / "catalog")
    runner = CliRunner()
    then = time.time_ns() - 60 * 10**9
    for file in (repo / "catalog").rglob("*.yaml"):
        os.utime(file, ns=(then, then))  # edited well before the build, as usual
    assert runner.invoke(cli, ["build", catalog, "--out", out, "--on", "2026-11-22"]).exit_code == 0
    assert runner.invoke(
        cli, ["build", catalog, "--out", out, "--on", "2026-11-22"]
    ).output.startswith("up to date")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Nothing", "--", "catalog")
    product = repo / "catalog" / "products" / "mini-3.yaml"
    product.write_text(product.read_text().replace("flyaway_fee: 1099", "flyaway_fee: 1049", 1))
    git(repo, "commit", "-q", "-am", "Mini 3: lower again")
    result = runner.invoke(cli, ["build", catalog, "--out", out, "--on", "2026-11-22"])
    assert result.output.startswith("built"), result.output
    assert "Mini 3: lower again" in (tmp_path / "_site" / "changes.html").read_text()


def test_the_feeds_open_in_the_browser(browser: Any, site: Any) -> None:
    base, _ = site  # the shipped catalog's site, served
    visit = Visit(browser, base, DESKTOP)
    for path in ("feed.xml", "feeds/products/mini-3.xml"):
        response = visit.open(path)
        assert response.headers["content-type"].startswith(
            ("application/atom+xml", "application/xml", "text/xml")
        )
    visit.close()
    assert visit.problems == []
