"""Incremental builds: only what an edit touches is rendered, and the site is the full build's, byte for byte."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import cli
from engine.site import views
from engine.site.builder import BuildResult, build
from engine.site.incremental import manifest_path, read
from tests.benchmarks.synth import make_catalog
from tests.sitekit import BUILD_DAY


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists cut small, so that edits move products between compare and family pages."""
    monkeypatch.setattr(views, "COMPARE_ROWS", 100)
    monkeypatch.setattr(views, "FAMILY_ROWS", 7)
    monkeypatch.setattr(views, "FRESHNESS_ROWS", 100)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return make_catalog(tmp_path / "catalog", 24)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def same_as_full(root: Path, site: Path, day: dt.date = BUILD_DAY) -> None:
    full = build(engine.load(root), site.parent / "full", on=day, incremental=False).path
    assert files_of(site) == files_of(full)
    shutil.rmtree(full)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def rebuild(root: Path, site: Path, day: dt.date = BUILD_DAY) -> BuildResult:
    return build(engine.load(root), site, on=day)


def test_an_unchanged_catalog_renders_nothing(catalog: Path, tmp_path: Path) -> None:
    first = rebuild(catalog, tmp_path / "_site")
    assert first.rendered == len(read(first.path)["outputs"])
    again = rebuild(catalog, tmp_path / "_site")
    assert (again.rendered, again.changed, again.published.removed) == (0, (), ())
    same_as_full(catalog, again.path)


def test_one_edited_fee_renders_only_the_pages_that_show_it(catalog: Path, tmp_path: Path) -> None:
    site = rebuild(catalog, tmp_path / "_site").path
    edit(catalog / "products" / "synthetic-00010.yaml", "flyaway_fee: ", "flyaway_fee: 9")
    result = rebuild(catalog, site)
    # Its page and API file; the compare and family pages holding it; the lists of every product
    # (index, history, freshness, API index, the catalog's feed); the plan pages and plan
    # documents (which count every model).
    changed = set(result.changed)
    assert {"products/synthetic-00010.html", "api/v1/products/synthetic-00010.json"} <= changed
    assert not any(re.search(r"synthetic-000(0\d|1[1-9]|2\d)", path) for path in changed)
    assert result.rendered <= 20, result.rendered
    same_as_full(catalog, site)


def edits() -> Iterator[tuple[str, str, str, str]]:
    yield (
        "rename a model",
        "products/synthetic-00003.yaml",
        "name: Synthetic 3",
        "name: A renamed model",
    )
    yield "a fee", "products/synthetic-00004.yaml", "fee_each: ", "fee_each: 1"
    yield "a new market", "products/synthetic-00005.yaml", "region: jp", "region: us"
    yield (
        "a checked date",
        "products/synthetic-00020.yaml",
        'checked: "2024-03"',
        'checked: "2019-01"',
    )
    yield "a family's name", "families/mini.yaml", "name: ", "name: Tiny "
    yield "a region's name", "regions.yaml", "name: ", "name: The "


@pytest.mark.parametrize(("what", "file", "old", "new"), list(edits()), ids=[e[0] for e in edits()])
def test_after_any_edit_the_site_is_the_full_builds(
    catalog: Path, tmp_path: Path, what: str, file: str, old: str, new: str
) -> None:
    site = rebuild(catalog, tmp_path / "_site").path
    edit(catalog / file, old, new)
    result = rebuild(catalog, site)
    assert result.changed
    same_as_full(catalog, site)


def test_added_and_removed_products_and_another_day(catalog: Path, tmp_path: Path) -> None:
    site = rebuild(catalog, tmp_path / "_site").path
    shutil.copy(
        catalog / "products" / "synthetic-00002.yaml", catalog / "products" / "synthetic-00999.yaml"
    )
    edit(
        catalog / "products" / "synthetic-00999.yaml", "id: synthetic-00002", "id: synthetic-00999"
    )
    (catalog / "products" / "synthetic-00007.yaml").unlink()
    result = rebuild(catalog, site)
    assert "products/synthetic-00007.html" in result.published.removed
    assert "products/synthetic-00999.html" in result.changed
    same_as_full(catalog, site)
    later = rebuild(catalog, site, dt.date(2027, 1, 1))
    assert later.rendered == len(read(site)["outputs"])  # every page shows the day
    same_as_full(catalog, site, dt.date(2027, 1, 1))


def test_a_file_deleted_from_the_site_is_rendered_again(catalog: Path, tmp_path: Path) -> None:
    site = rebuild(catalog, tmp_path / "_site").path
    (site / "products" / "synthetic-00001.html").unlink()
    result = rebuild(catalog, site)
    assert result.rendered == 1
    same_as_full(catalog, site)


# -- the command line: nothing read when nothing changed, a broken edit changes nothing ---------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_the_command_does_nothing_when_nothing_changed(catalog: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "_site")
    code, text = run("build", str(catalog), "--out", out, "--on", "2026-11-22")
    assert code == 0 and "built" in text
    old = os.stat(catalog / "products" / "synthetic-00000.yaml").st_mtime_ns - 10**10
    for file in catalog.rglob("*.yaml"):
        os.utime(file, ns=(old, old))  # as if edited long before the build
    run("build", str(catalog), "--out", out, "--on", "2026-11-22")
    code, text = run("build", str(catalog), "--out", out, "--on", "2026-11-22")
    assert code == 0 and text.startswith("up to date: nothing in"), text
    # Anything that could change the site makes it build again.
    code, text = run("build", str(catalog), "--out", out, "--on", "2026-11-23")
    assert text.startswith("built"), text
    code, text = run(
        "build", str(catalog), "--out", out, "--on", "2026-11-23", "--base-url", "https://x.test/"
    )
    assert text.startswith("built"), text
    edit(
        catalog / "products" / "synthetic-00003.yaml", "name: Synthetic 3", "name: Synthetic three"
    )
    code, text = run(
        "build", str(catalog), "--out", out, "--on", "2026-11-23", "--base-url", "https://x.test/"
    )
    changed, files = re.search(r"\((\d+) files, (\d+) changed", text).group(2, 1)  # type: ignore[union-attr]
    assert text.startswith("built") and 0 < int(changed) < int(files) // 2, text
    assert (
        "Synthetic three" in (tmp_path / "_site" / "products" / "synthetic-00003.html").read_text()
    )


def test_a_broken_edit_leaves_the_site_and_its_manifest_as_they_were(
    catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "_site"
    run("build", str(catalog), "--out", str(out), "--on", "2026-11-22")
    before, manifest = files_of(out), manifest_path(out).read_bytes()
    edit(catalog / "products" / "synthetic-00003.yaml", "fees: [", "fees: [oops, ")
    code, text = run("build", str(catalog), "--out", str(out), "--on", "2026-11-22")
    assert code == 1 and "synthetic-00003.yaml:" in text
    assert files_of(out) == before and manifest_path(out).read_bytes() == manifest


def test_full_renders_everything(catalog: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "_site")
    run("build", str(catalog), "--out", out, "--on", "2026-11-22")
    code, text = run("build", str(catalog), "--out", out, "--on", "2026-11-22", "--full")
    assert code == 0 and text.startswith("built") and "0 changed" in text
