"""The site builder without a browser: pages, API, determinism, atomic publishing, inert text."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import jinja2
import jsonschema
import pytest
from click.testing import CliRunner

import engine
from engine.catalog.lookups import Catalog
from engine.cli import cli
from engine.site.builder import BuildResult, build, build_day, environment
from engine.site.presentation import web_link
from engine.site.publish import MARKER, Publisher, PublishError
from tests.sitekit import BUILD_DAY, ROOT, hostile_catalog

OPENAPI = json.loads((ROOT / "site" / "api" / "openapi.json").read_text())


@pytest.fixture(scope="session")
def built(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The shipped catalog's site, built once for the day BUILD_DAY."""
    return build(shipped, tmp_path_factory.mktemp("site") / "_site", on=BUILD_DAY)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def api_schema(name: str) -> dict[str, object]:
    """An OpenAPI component schema, with the document around it so its $refs resolve."""
    return {
        **OPENAPI,
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
    }


# -- what the pages show -------------------------------------------------------------------


def test_the_site_has_every_kind_of_page(built: BuildResult, shipped: Catalog) -> None:
    site = built.path
    expected = (
        ["index.html", "compare.html", "history.html", "fields.html", "404.html", "robots.txt"]
        + [f"families/{f}.html" for f in shipped.families]
        + [f"products/{p.id}.html" for p in shipped.products()]
        + [f"plans/{p}.html" for p in shipped.plans]
        + ["api/v1/index.json", "api/v1/openapi.json", "schema/product.schema.json"]
        + [f"api/v1/products/{p.id}.json" for p in shipped.products()]
        + [f"api/v1/plans/{p}.json" for p in shipped.plans]
        + ["static/style.css", "static/compare.js", "calculator/index.html", "static/rules.js"]
        + ["static/rules-data.js", "static/calculator.js"]
    )
    assert [name for name in expected if not (site / name).is_file()] == []
    assert built.pages == 7 + 1 + len(shipped.families) + len(shipped.products()) + len(
        shipped.plans
    )
    assert built.on == BUILD_DAY


def test_the_index_links_every_model(built: BuildResult, shipped: Catalog) -> None:
    html = (built.path / "index.html").read_text()
    for product in shipped.products():
        assert f'<a href="products/{product.id}.html">{product.name}</a>' in html


def test_a_product_page_shows_cover_plans_fees_rules_and_worth(built: BuildResult) -> None:
    html = (built.path / "products" / "mavic-3.html").read_text()
    # Terms of 2026-11-22 (Care Refresh 2.0): 2 replacements (1 flyaway) and 4 (2 flyaway).
    row_1y = re.search(r"1-Year</a></th>\s*<td[^>]*>(\d)</td>\s*<td[^>]*>(\d)</td>", html)
    row_2y = re.search(r"2-Year</a></th>\s*<td[^>]*>(\d)</td>\s*<td[^>]*>(\d)</td>", html)
    assert row_1y and row_1y.groups() == ("2", "1")
    assert row_2y and row_2y.groups() == ("4", "2")
    # A plan that cannot be bought says why, in words.
    assert "Not sold since 2023-07-13. Care Refresh+ is no longer sold" in html
    zenmuse = (built.path / "products" / "zenmuse-x7.html").read_text()
    assert "Its terms (Care Refresh 2.0) publish no allowance for gimbal cameras." in zenmuse
    # Each plan's latest published price per market, saying when it is of older terms.
    assert 'US$239.00 <span class="meta">United States, 2020 terms</span>' in html
    assert '1\u00a0929,00\u00a0zł <span class="meta">Poland</span>' in html
    # Fees in the market's own format, with source and checked date.
    assert "US$159.00" in html and "US$739.00" in html and "1\u00a0219,00\u00a0zł" in html
    assert (
        'href="https://advexure.com/collections/dji-care-refresh/products/dji-care-refresh-for-mavic-3"'
        in html
    )
    assert "~2022" in html
    assert '<span class="missing">not published</span>' in html
    # The purchase rules' reasons in order, the flyaway date, and the worth table's totals.
    assert html.index("Drones and gimbal cameras can be covered within 48 hours") < html.index(
        "Past the activation window, DJI first needs a video"
    )
    assert '<time datetime="2022-11-01">2022-11-01</time>' in html
    worth = html[html.index('id="worth-us"') :]
    # 2020 terms in the US: 239, then + 159, then + 199.
    assert worth.index("US$239.00") < worth.index("US$398.00") < worth.index("US$597.00")
    # A remote controller is never covered.
    assert '<li class="no">Remote controller' in html


def test_claim_outcomes_on_a_product_page_come_from_the_rules(built: BuildResult) -> None:
    html = (built.path / "products" / "fpv.html").read_text()
    flyaway = html[html.index('<th scope="row">Flyaway</th>') :]
    flyaway = flyaway[: flyaway.index("</tr>")]
    assert "not covered" in flyaway
    assert "Flyaway cover applies only to drones on DJI" in flyaway


def test_a_plan_page_shows_terms_history_and_decision_tables(built: BuildResult) -> None:
    html = (built.path / "plans" / "care-refresh-2y.html").read_text()
    current = html[html.index('id="current-heading"') : html.index('id="history-heading"')]
    assert "Care Refresh 2.0" in current and "4 replacements, up to 2 flyaway" in current
    history = html[html.index('id="history-heading"') :]
    assert "3 replacements, up to 2 flyaway" in history
    assert "A 2-Year plan is introduced with three replacements" in history
    assert (
        "<code>category != &#34;handheld&#34; and activated_at != null and now - activated_at &lt;= 48h</code>"
        in html
    )
    assert "Purchase rules (Care Refresh 2.0), tried in order" in html
    assert "Claim rules (Care Refresh 2.0), tried in order" in html
    # Each version's tables are named by it, so no two regions of the page share a name.
    captions = re.findall(r"<caption id=\"[^\"]+\">([^<]+)</caption>", html)
    assert len(captions) == len(set(captions)) > 2
    # Earlier versions repeat only the rules that differ from the terms in force.
    one_year = (built.path / "plans" / "care-refresh-1y.html").read_text()
    earlier = one_year[one_year.index('id="history-heading"') :]
    assert earlier.count("Purchase and claim rules: the same as the terms in force.") == 2
    assert earlier.count('<table class="rules">') == 2  # the two older renewal rule sets


def test_the_compare_page_has_a_row_per_offer_and_per_model_without_one(
    built: BuildResult, shipped: Catalog
) -> None:
    html = (built.path / "compare.html").read_text()
    rows = re.findall(
        r'<tr data-family="([^"]*)" data-category="([^"]*)" data-region="([^"]*)">', html
    )
    offers = sum(len(p.offers) for p in shipped.products())
    bare = sum(1 for p in shipped.products() if not p.offers)
    assert len(rows) == offers + bare
    assert {r[2] for r in rows} - {""} == {o.region for p in shipped.products() for o in p.offers}
    # Readable without JavaScript: the controls are hidden unless scripts run (market.js marks
    # the page in its head, so they are laid out from the first paint), the table is all there.
    assert '<form id="filters" class="filters">' in html
    css = (built.path / "static" / "style.css").read_text()
    assert "html:not(.js) .filters { display: none; }" in css
    assert 'data-sort="159"' in html


def test_history_lists_every_plan_version_newest_first(
    built: BuildResult, shipped: Catalog
) -> None:
    html = (built.path / "history.html").read_text()
    dates = re.findall(r'<li class="event event-terms">\s*<p><time datetime="([\d-]+)"', html)
    versions = [v for p in shipped.plans.values() for v in p.versions]
    assert len(dates) == len(versions)
    assert dates == sorted(dates, reverse=True)


def test_the_404_page_links_from_the_site_root(built: BuildResult) -> None:
    html = (built.path / "404.html").read_text()
    assert 'href="/index.html"' in html  # without --base-url the site is taken to be at the root


def test_pages_request_nothing_from_elsewhere(built: BuildResult) -> None:
    for page in built.path.rglob("*.html"):
        html = page.read_text()
        for url in re.findall(r'(?:src|href)="([^"]*)"', html):
            if url.startswith(("https://", "http://")):
                # Only links a reader follows (sources) may point elsewhere, never a resource.
                assert re.search(rf'<a class="source" href="{re.escape(url)}"', html), (page, url)
        assert "Content-Security-Policy" in html


def test_sitemap_lists_every_page_under_the_base_url(shipped: Catalog, tmp_path: Path) -> None:
    result = build(shipped, tmp_path / "out", base_url="https://plans.example/care", on=BUILD_DAY)
    sitemap = (result.path / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locs) == result.pages - 1  # every page but the 404
    assert "https://plans.example/care/products/mavic-3.html" in locs
    index = (result.path / "index.html").read_text()
    assert '<link rel="canonical" href="https://plans.example/care/index.html">' in index
    assert '<meta property="og:url" content="https://plans.example/care/index.html">' in index
    robots = (result.path / "robots.txt").read_text()
    assert robots.endswith("Sitemap: https://plans.example/care/sitemap.xml\n")


def test_without_an_address_there_is_no_sitemap(
    built: BuildResult, shipped: Catalog, tmp_path: Path
) -> None:
    # The sitemap protocol wants absolute addresses; without --base-url there are none to give.
    assert not (built.path / "sitemap.xml").exists()
    assert (built.path / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    under = build(shipped, tmp_path / "out", base_url="/care/", on=BUILD_DAY)
    assert not (under.path / "sitemap.xml").exists()


def test_every_page_has_its_own_title_description_and_preview(built: BuildResult) -> None:
    pages = [p for p in sorted(built.path.rglob("*.html")) if p.name != "404.html"]
    titles, descriptions = {}, {}
    for page in pages:
        html = page.read_text()
        titles[page] = re.search(r"<title>([^<]+)</title>", html).group(1)  # type: ignore[union-attr]
        descriptions[page] = re.search(r'<meta name="description" content="([^"]+)">', html).group(
            1
        )  # type: ignore[union-attr]
        assert f'<meta property="og:title" content="{titles[page]}">' in html
        assert f'<meta property="og:description" content="{descriptions[page]}">' in html
    assert len(set(titles.values())) == len(pages)
    assert len(set(descriptions.values())) == len(pages)


def test_the_404_page_stands_alone_at_any_depth(
    built: BuildResult, shipped: Catalog, tmp_path: Path
) -> None:
    html = (built.path / "404.html").read_text()
    assert "static/" not in html and 'rel="stylesheet"' not in html
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)  # type: ignore[union-attr]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert (
        f"style-src 'self' 'sha256-{digest}'" in html
    )  # the inline style is allowed, nothing else
    assert '<meta name="robots" content="noindex">' in html
    under = build(shipped, tmp_path / "out", base_url="/care/", on=BUILD_DAY)
    assert 'href="/care/index.html"' in (under.path / "404.html").read_text()


# -- the API -------------------------------------------------------------------------------


def test_every_api_document_matches_the_openapi_schemas(built: BuildResult) -> None:
    jsonschema.Draft202012Validator.check_schema(api_schema("Index"))
    api = built.path / "api" / "v1"
    jsonschema.validate(json.loads((api / "index.json").read_text()), api_schema("Index"))
    for name, folder in (("Product", "products"), ("Plan", "plans")):
        for doc in sorted((api / folder).glob("*.json")):
            jsonschema.validate(json.loads(doc.read_text()), api_schema(name))


def test_the_api_gives_money_as_exact_strings_with_currency(built: BuildResult) -> None:
    doc = json.loads((built.path / "api" / "v1" / "products" / "mavic-3.json").read_text())
    us = next(o for o in doc["offers"] if o["region"] == "us" and o["plan"] == "care-refresh-1y")
    assert us["price"] == {"amount": "239", "currency": "USD", "formatted": "US$239.00"}
    assert [f["amount"] for f in us["fees"]] == ["159", "199"]
    assert us["defined_at"].startswith("products/mavic-3.yaml:")
    assert doc["terms"]["care-refresh-2y"]["replacements"] == 4
    plan = json.loads((built.path / "api" / "v1" / "plans" / "care-refresh-1y.json").read_text())
    rules = plan["versions"][-1]["decisions"]["purchase"]
    assert rules[-1]["outcome"] == "needs-video-verification"
    assert rules[-1]["defined_at"].startswith("rules/care-refresh.yaml:")


def test_the_openapi_document_lists_the_api_paths() -> None:
    assert sorted(OPENAPI["paths"]) == ["/index.json", "/plans/{id}.json", "/products/{id}.json"]
    assert OPENAPI["openapi"].startswith("3.1")


# -- determinism, incremental and atomic writes -------------------------------------------


def test_two_builds_give_the_same_bytes_from_anywhere(
    shipped: Catalog, built: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    again = build(engine.load(ROOT / "catalog"), tmp_path / "again", on=BUILD_DAY)
    assert files_of(again.path) == files_of(built.path)


def test_a_rebuild_rewrites_nothing_unchanged(shipped: Catalog, tmp_path: Path) -> None:
    first = build(shipped, tmp_path / "s", on=BUILD_DAY)
    inode = (first.path / "index.html").stat().st_ino
    second = build(shipped, tmp_path / "s", on=BUILD_DAY)
    assert second.changed == () and second.published.removed == ()
    assert (second.path / "index.html").stat().st_ino == inode
    assert not list(tmp_path.glob(".s.building-*"))


def test_changing_one_fee_changes_exactly_the_files_showing_it(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", catalog, ignore=shutil.ignore_patterns(".cache"))
    first = build(engine.load(catalog), tmp_path / "s", on=BUILD_DAY)
    before = files_of(first.path)
    product = catalog / "products" / "mavic-3.yaml"
    text = product.read_text()
    assert "fees: [159, 199]" in text
    product.write_text(text.replace("fees: [159, 199]", "fees: [159, 209]"))
    second = build(engine.load(catalog), tmp_path / "s", on=BUILD_DAY)
    after = files_of(second.path)
    differ = sorted(name for name in after if before.get(name) != after[name])
    # The page and API file of the product, the compare page, and the rules' data (the fees).
    expected = [
        "api/v1/products/mavic-3.json",
        "compare.html",
        "freshness/index.html",
        "products/mavic-3.html",
        "static/rules-data.js",
    ]
    assert differ == expected
    assert sorted(second.changed) == expected


def test_an_interrupted_build_leaves_the_previous_site(shipped: Catalog, tmp_path: Path) -> None:
    first = build(shipped, tmp_path / "s", on=BUILD_DAY)
    before = files_of(first.path)
    manifest = (tmp_path / ".s.manifest.json").read_bytes()
    kept = (tmp_path / ".s.state").read_bytes()

    def interrupt(done: int, total: int) -> None:
        if done == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(shipped, tmp_path / "s", on=BUILD_DAY.replace(year=2030), progress=interrupt)
    assert files_of(tmp_path / "s") == before
    assert (tmp_path / ".s.manifest.json").read_bytes() == manifest
    assert (tmp_path / ".s.state").read_bytes() == kept
    # The lock stays, empty; the manifest and build state still describe the site in place.
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".s.lock", ".s.manifest.json", ".s.state", "s"]


def test_a_folder_not_built_here_is_never_replaced(shipped: Catalog, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match="was not built by care-catalog"):
        build(shipped, tmp_path, on=BUILD_DAY)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_publisher_swaps_in_and_reports_removed_files(tmp_path: Path) -> None:
    target = tmp_path / "out"
    first = Publisher(target)
    first.write("a.txt", b"one")
    first.write("old/b.txt", b"two")
    first.commit()
    second = Publisher(target)
    second.write("a.txt", b"one")
    second.write("c.txt", b"three")
    done = second.commit()
    assert done.changed == ("c.txt",) and done.removed == ("old/b.txt",)
    assert sorted(files_of(target)) == [MARKER, "a.txt", "c.txt"]
    with pytest.raises(ValueError, match="not a path inside the site"):
        Publisher(target).write("../escape.txt", b"")


# -- text from the catalog is inert --------------------------------------------------------


def test_hostile_text_is_escaped_and_javascript_urls_are_not_links(tmp_path: Path) -> None:
    catalog = engine.load(hostile_catalog(tmp_path / "hostile"))
    result = build(catalog, tmp_path / "s", on=BUILD_DAY)
    for page in result.path.rglob("*.html"):
        html = page.read_text()
        assert "<script>window" not in html and "<img src=" not in html, page
        assert not re.search(r'href="\s*javascript:', html, re.IGNORECASE), page
        scripts = re.findall(r"<script[^>]*>", html)
        own = re.compile(
            r'<script src="(\.\./)*/?static/(compare|market|rules-data|rules|calculator)\.js"( defer)?>'
        )
        assert all(own.fullmatch(s) for s in scripts), (page, scripts)
    product = (result.path / "products" / "mini-3.html").read_text()
    assert "Mini 3 &lt;script&gt;window.__pwned = 1&lt;/script&gt;" in product
    assert '<span class="source">javascript:window.__pwned=3</span>' in product


@pytest.mark.parametrize(
    ("source", "link"),
    [
        ("https://www.dji.com/service", "https://www.dji.com/service"),
        ("HTTP://example.org/x", "HTTP://example.org/x"),
        ("javascript:alert(1)", None),
        (" https://example.org", None),
        ("data:text/html,hi", None),
        ("seed 000", None),
        ("https://", None),
    ],
)
def test_only_web_addresses_become_links(source: str, link: str | None) -> None:
    assert web_link(source) == link


def test_templates_are_strict_and_escaped() -> None:
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing }}").render()
    page = env.get_template("404.html")
    assert page.environment.is_async is False
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.get_template("sitemap.xml").render(urls=["/a?b=1&c=<2>"]).count("&amp;") == 1


# -- the build day and the CLI -------------------------------------------------------------


def test_the_build_day_comes_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_day().isoformat() == "2023-11-14"
    assert build_day(BUILD_DAY) == BUILD_DAY
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        build_day()


def test_cli_build_prints_pages_time_and_path(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "--out", str(out), "--on", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert re.match(
        r"built 84 pages from catalog/ \(\d+ files, \d+ changed, 0 removed\) for 2026-11-22 in [\d.]+ s\n",
        result.output,
    )
    assert f"open {out / 'index.html'}" in result.output


def test_cli_build_refuses_bad_input_without_a_traceback(
    tmp_path: Path, minimal_copy: Path
) -> None:
    runner = CliRunner()
    bad_url = runner.invoke(
        cli, ["build", "--out", str(tmp_path / "a"), "--base-url", "javascript:x"]
    )
    assert bad_url.exit_code == 2 and "not an http(s) address" in bad_url.output
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("x")
    taken = runner.invoke(cli, ["build", "--out", str(tmp_path / "mine")])
    assert taken.exit_code == 1 and "was not built by care-catalog" in taken.output
    assert (tmp_path / "mine" / "keep.txt").read_text() == "x"
    # A broken catalog never writes a site, nor touches the previous one.
    good = runner.invoke(cli, ["build", str(minimal_copy), "--out", str(tmp_path / "s")])
    assert good.exit_code == 0, good.output
    before = files_of(tmp_path / "s")
    (minimal_copy / "products" / "mini-3.yaml").write_text("id: mini-3\nname: [unclosed\n")
    broken = runner.invoke(cli, ["build", str(minimal_copy), "--out", str(tmp_path / "s")])
    assert broken.exit_code == 1
    assert (
        "products/mini-3.yaml:3:1: error[yaml-syntax]" in broken.output
        and "Traceback" not in broken.output
    )
    assert files_of(tmp_path / "s") == before


def test_source_date_epoch_makes_the_cli_build_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minimal_copy: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runner = CliRunner()
    for name in ("a", "b"):
        result = runner.invoke(cli, ["build", str(minimal_copy), "--out", str(tmp_path / name)])
        assert result.exit_code == 0 and "for 2023-11-14" in result.output
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert os.path.exists(tmp_path / "a" / "index.html")


def test_rendering_in_parallel_gives_the_same_bytes(
    shipped: Catalog, built: BuildResult, tmp_path: Path
) -> None:
    forked = build(shipped, tmp_path / "forked", on=BUILD_DAY, workers=2)
    assert files_of(forked.path) == files_of(built.path)
    assert forked.pages == built.pages


def test_the_preview_server_serves_pages_and_the_404_page(built: BuildResult) -> None:
    import urllib.error
    import urllib.request

    from tests.sitekit import served

    with served(built.path) as base:
        with urllib.request.urlopen(base + "products/mavic-3.html") as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert b"<h1>Mavic 3</h1>" in response.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "products/nothing.html")
        assert missing.value.code == 404
        assert b"<h1>Page not found</h1>" in missing.value.read()


def test_the_field_reference_documents_every_schema_property(built: BuildResult) -> None:
    html = (built.path / "fields.html").read_text()
    product = json.loads((ROOT / "schema" / "product.schema.json").read_text())
    for name, field in product["properties"].items():
        assert f"<code>{name}</code>" in html, name
        assert field["description"].replace("'", "&#39;") in html, name
    assert (
        "<code>offers[].fees</code>" in html
        and "<code>versions[].allowances.&lt;key&gt;.flyaway</code>" in html
    )
    assert '<code>[].expect</code> <span class="flag">required</span>' in html


def test_a_missing_browser_fails_where_it_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.sitekit import missing

    monkeypatch.setenv("CARE_CATALOG_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="Chromium is not available"):
        missing("Chromium", "install it")
    monkeypatch.delenv("CARE_CATALOG_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception, match="Chromium is not available"):
        missing("Chromium", "install it")


def test_the_worth_table_weighs_plans_against_a_new_unit_where_one_is_priced(
    minimal_copy: Path, tmp_path: Path
) -> None:
    catalog = engine.load(minimal_copy)
    result = build(catalog, tmp_path / "s", on=dt.date(2022, 6, 1))
    html = (result.path / "products" / "mini-3.html").read_text()
    worth = html[html.index('id="worth-us"') :]
    assert "No plan: a new unit each time" in worth
    # 1-Year plan 2020 terms: 79, 79 + 49 = 128, 128 + 69 = 197; no plan: 0, 469, 938.
    rows = re.findall(r'<tr><th scope="row">(\d)</th>(.*?)</tr>', worth)
    cells = {n: re.findall(r'<td class="num">([^<]*)</td>', rest) for n, rest in rows}
    assert cells["0"][0] == "US$79.00" and cells["0"][-1] == "US$0.00"
    assert cells["1"][0] == "US$128.00" and cells["1"][-1] == "US$469.00"
    assert cells["2"][0] == "US$197.00" and cells["2"][-1] == "US$938.00"
    assert "A new Mini 3 (aircraft with remote controller) costs US$469.00" in worth
    doc = json.loads((result.path / "api" / "v1" / "products" / "mini-3.json").read_text())
    assert doc["unit_prices"][0]["price"] == {
        "amount": "469",
        "currency": "USD",
        "formatted": "US$469.00",
    }
    jsonschema.validate(doc, api_schema("Product"))


def test_every_local_link_and_resource_of_every_page_exists(built: BuildResult) -> None:
    broken = []
    for page in sorted(built.path.rglob("*.html")):
        if (
            page.name == "404.html"
        ):  # its links start from the site root; the browser test follows them
            continue
        for url in re.findall(r'(?:src|href)="([^"#?]*)[^"]*"', page.read_text()):
            if not url or url.startswith(("http://", "https://", "data:")):
                continue
            if not (page.parent / url).resolve().is_file():
                broken.append(f"{page.relative_to(built.path)} -> {url}")
    assert broken == []
    product = (built.path / "products" / "mavic-3.html").read_text()
    assert (
        '<link rel="alternate" type="application/json" href="../api/v1/products/mavic-3.json">'
        in product
    )


def _lines(stream: Any) -> queue.Queue[str]:
    """The lines of a child's output, read by a thread, so a test can wait with a time limit."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], text: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} within {seconds} s")


def test_serve_rebuilds_when_the_catalog_changes(minimal_copy: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "engine", "serve", str(minimal_copy)]
    command += ["--out", str(tmp_path / "s"), "--port", "0", "--on", "2022-06-01"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = _lines(server.stdout), _lines(server.stderr)
        serving = _wait_for(out, "rebuilding when")
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", serving)
        assert match, serving
        page = match.group(1) + "products/mini-3.html"
        assert "US$49.00" in urllib.request.urlopen(page).read().decode()
        product = minimal_copy / "products" / "mini-3.yaml"
        product.write_text(product.read_text().replace("fees: [49, 69]", "fees: [59, 69]"))
        assert _wait_for(out, "rebuilt:").startswith(
            "rebuilt: 5 files changed, 0 removed"
        )  # page, API, compare, freshness, rules data
        html = urllib.request.urlopen(page).read().decode()
        assert "US$59.00" in html and "US$49.00" not in html
        # A broken edit is reported; the last good site stays served.
        product.write_text("id: mini-3\nname: [\n")
        assert "error[yaml-syntax]" in _wait_for(err, "products/mini-3.yaml:")
        _wait_for(err, "not rebuilt: fix the catalog")
        assert "US$59.00" in urllib.request.urlopen(page).read().decode()
    finally:
        server.terminate()
        server.wait(10)


def test_the_catalog_watcher_sees_edits_additions_and_removals_but_not_the_cache(
    minimal_copy: Path,
) -> None:
    from engine.site.serve import CatalogWatcher

    watcher = CatalogWatcher(minimal_copy)
    assert not watcher.changed()
    (minimal_copy / ".cache").mkdir(exist_ok=True)
    (minimal_copy / ".cache" / "entry.json").write_text("{}")
    assert not watcher.changed()
    (minimal_copy / "products" / "new.yaml").write_text("id: new\n")
    assert watcher.changed() and not watcher.changed()
    (minimal_copy / "products" / "new.yaml").unlink()
    assert watcher.changed()


def test_a_family_page_lists_its_models_with_terms_and_a_latest_price(built: BuildResult) -> None:
    html = (built.path / "families" / "mavic-3.html").read_text()
    row = html[html.index('<a href="../products/mavic-3.html">Mavic 3</a>') :]
    row = row[: row.index("</tr>")]
    assert '2 (1 flyaway)<br>US$239.00 <span class="meta">United States, 2020 terms</span>' in row
    assert '4 (2 flyaway)<br>1\u00a0929,00\u00a0zł <span class="meta">Poland</span>' in row
    assert html.count('<th scope="row"><a href="../products/') == 5
