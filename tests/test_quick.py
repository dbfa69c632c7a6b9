"""The rebuild that reads only the edited models: it is taken when it can be, and its site is the
full build's, byte for byte; whenever it cannot be sure it gives way to the whole build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import engine
from engine.site import quick, state
from engine.site.builder import BuildResult, build
from engine.site.incremental import Keys, manifest_path
from engine.site.state import state_path
from engine.site.views import SiteViews
from tests.benchmarks.synth import SHIPPED
from tests.sitekit import BUILD_DAY
from tests.test_incremental import catalog, edit, files_of, run, same_as_full, small_pages

__all__ = ["catalog", "small_pages"]  # the fixtures, shared with the incremental tests


def first_build(root: Path, site: Path) -> Path:
    return build(engine.load(root), site, on=BUILD_DAY).path


def quick_rebuild(root: Path, site: Path) -> BuildResult | None:
    return quick.rebuild(root, site, BUILD_DAY, "")


def product_edits() -> Iterator[tuple[str, str, str, str]]:
    yield "a fee", "synthetic-00004", "fee_each: ", "fee_each: 1"
    yield "a flyaway fee", "synthetic-00010", "flyaway_fee: ", "flyaway_fee: 9"
    yield "a name", "synthetic-00003", "name: Synthetic 3", "name: A renamed model"
    yield "a market", "synthetic-00005", "region: jp", "region: us"
    yield "a checked date", "synthetic-00020", 'checked: "2024-03"', 'checked: "2019-01"'
    yield "a family", "synthetic-00006", "family: mini", "family: air"
    yield "a source", "synthetic-00001", "source: https://example.org/1/", "source: https://x.test/"
    yield (
        "a flyaway-list change",
        "synthetic-00008",
        "    source: https://example.org/flyaway\n",
        "    source: https://example.org/flyaway\n  - from: 2024-05-01\n    eligible: false\n"
        "    source: https://example.org/off\n",
    )
    yield (
        "an offer fewer",
        "synthetic-00009",
        "  - plan: care-refresh-2y\n    region: us\n",
        ("  - plan: care-refresh-2y\n    region: us\n    note: kept\n"),
    )


@pytest.mark.parametrize(
    ("what", "stem", "old", "new"), list(product_edits()), ids=[e[0] for e in product_edits()]
)
def test_an_edited_model_is_rebuilt_alone_and_the_site_is_the_full_builds(
    catalog: Path, tmp_path: Path, what: str, stem: str, old: str, new: str
) -> None:
    site = first_build(catalog, tmp_path / "_site")
    edit(catalog / "products" / f"{stem}.yaml", old, new)
    result = quick_rebuild(catalog, site)
    assert result is not None, what
    assert f"products/{stem}.html" in result.changed
    assert result.rendered < 30, result.rendered  # of some 90 files
    same_as_full(catalog, site)
    # Its state serves the next edit as well as a whole build's would.
    edit(catalog / "products" / "synthetic-00011.yaml", "fee_each: ", "fee_each: 2")
    assert quick_rebuild(catalog, site) is not None
    same_as_full(catalog, site)


def test_two_models_edited_at_once(catalog: Path, tmp_path: Path) -> None:
    site = first_build(catalog, tmp_path / "_site")
    edit(catalog / "products" / "synthetic-00002.yaml", "name: Synthetic 2", "name: Two")
    edit(catalog / "products" / "synthetic-00017.yaml", "fee_each: ", "fee_each: 3")
    result = quick_rebuild(catalog, site)
    assert result is not None
    assert {"products/synthetic-00002.html", "products/synthetic-00017.html"} <= set(result.changed)
    same_as_full(catalog, site)


def test_kept_compare_rows_of_another_width_are_made_again(catalog: Path, tmp_path: Path) -> None:
    site = first_build(catalog, tmp_path / "_site")
    cat = engine.load(catalog)
    keys = Keys(cat.inputs, BUILD_DAY.isoformat(), "", None)
    kept = state.kept(site, keys)
    assert kept.width is not None and len(kept.shares["compare"]) == 24
    same = SiteViews(cat, BUILD_DAY, kept=kept)
    same.share("compare", "synthetic-00001")
    assert ("compare", "synthetic-00001") not in same.shares.computed  # taken as kept
    other = SiteViews(cat, BUILD_DAY, kept=dataclasses.replace(kept, width=kept.width + 1))
    rows = other.share("compare", "synthetic-00001")
    assert ("compare", "synthetic-00001") in other.shares.computed  # made again
    assert rows == same.share("compare", "synthetic-00001")


def test_what_it_leaves_to_the_whole_build(catalog: Path, tmp_path: Path) -> None:
    site = first_build(catalog, tmp_path / "_site")
    assert quick_rebuild(catalog, site) is None  # nothing changed
    edit(catalog / "families" / "mini.yaml", "name: ", "name: Tiny ")
    assert quick_rebuild(catalog, site) is None  # a shared file
    first_build(catalog, site)
    shutil.copy(catalog / "products" / "synthetic-00002.yaml", catalog / "products" / "x-1.yaml")
    edit(catalog / "products" / "x-1.yaml", "id: synthetic-00002", "id: x-1")
    assert quick_rebuild(catalog, site) is None  # a model added
    (catalog / "products" / "x-1.yaml").unlink()
    edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: ", "fee_each: 1")
    assert quick.rebuild(catalog, site, dt.date(2027, 1, 1), "") is None  # another day
    state_path(site).write_bytes(b"damaged")
    assert quick_rebuild(catalog, site) is None
    state_path(site).unlink()
    assert quick_rebuild(catalog, site) is None
    first_build(catalog, site)  # writes a state again
    edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: 1", "fee_each: 2")
    assert quick_rebuild(catalog, site) is not None


def test_a_broken_edit_is_reported_by_the_whole_check_and_changes_nothing(
    catalog: Path, tmp_path: Path
) -> None:
    out = tmp_path / "_site"
    run("build", str(catalog), "--out", str(out), "--on", "2026-11-22")
    saved = [files_of(out), manifest_path(out).read_bytes(), state_path(out).read_bytes()]
    edit(catalog / "products" / "synthetic-00003.yaml", "fees: [", "fees: [oops, ")
    assert quick.rebuild(catalog, out, dt.date(2026, 11, 22), "") is None
    code, text = run("build", str(catalog), "--out", str(out), "--on", "2026-11-22")
    assert code == 1 and "synthetic-00003.yaml:" in text and "Traceback" not in text
    assert [files_of(out), manifest_path(out).read_bytes(), state_path(out).read_bytes()] == saved


def test_the_shipped_catalog_rebuilt_after_a_fee_edit(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(SHIPPED, root, ignore=shutil.ignore_patterns(".cache"))
    site = first_build(root, tmp_path / "_site")
    product = root / "products" / "mavic-3.yaml"
    text = product.read_text()
    fee = text.index("fees: [") + len("fees: [")
    product.write_text(text[:fee] + "1" + text[fee:])
    result = quick_rebuild(root, site)
    assert result is not None
    assert "products/mavic-3.html" in result.changed
    assert "static/rules-data.js" in result.changed
    same_as_full(root, site)


def test_the_state_grows_by_what_an_edit_changed_and_survives_a_torn_record(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = first_build(catalog, tmp_path / "_site")
    whole = state_path(site).stat().st_size
    edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: ", "fee_each: 1")
    assert quick_rebuild(catalog, site) is not None
    grown = state_path(site).stat().st_size
    assert whole < grown < whole + whole // 10  # one model's shares appended
    keys = Keys(engine.load(catalog).inputs, BUILD_DAY.isoformat(), "", None)
    assert state.kept(site, keys).records == 2
    with state_path(site).open("ab") as log:  # a build killed while appending
        log.write((10**6).to_bytes(8, "little") + b"torn")
    found = state.kept(site, keys)
    assert found.records == 2 and len(found.valid) == 24
    edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: 1", "fee_each: 2")
    assert quick_rebuild(catalog, site) is not None  # the log is written anew, torn tail gone
    assert state.kept(site, keys).records == 1
    same_as_full(catalog, site)
    monkeypatch.setattr(state, "MOST_RECORDS", 2)
    for fee in ("3", "4"):
        edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: 2", f"fee_each: 2{fee}")
        assert quick_rebuild(catalog, site) is not None
    assert state.kept(site, keys).records == 1  # a long log is written anew
    same_as_full(catalog, site)


def test_a_quick_rebuild_never_touches_the_published_files(catalog: Path, tmp_path: Path) -> None:
    # The new folder starts as hard links to the published files: a changed file is replaced
    # by a new one, never written through the link.
    site = first_build(catalog, tmp_path / "_site")
    before = files_of(site)
    held = tmp_path / "held"
    shutil.copytree(site, held, copy_function=os.link)  # the published inodes, held
    edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: ", "fee_each: 1")
    result = quick_rebuild(catalog, site)
    assert result is not None and result.changed
    assert files_of(held) == before
    kept = set(before) - set(result.changed)
    assert all(
        os.stat(site / p).st_ino == os.stat(held / p).st_ino
        for p in kept
        if p != ".care-catalog-site"
    )


def test_the_folder_swapped_out_starts_the_next_build(catalog: Path, tmp_path: Path) -> None:
    site = first_build(catalog, tmp_path / "_site")
    spare = tmp_path / "._site.spare"
    for n in range(3):
        edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: ", f"fee_each: {n}")
        held = tmp_path / f"held{n}"
        shutil.copytree(site, held, copy_function=os.link)
        before = files_of(held)
        assert quick_rebuild(catalog, site) is not None
        assert files_of(held) == before  # the published files were never written through
        same_as_full(catalog, site)
        assert spare.is_dir() and (tmp_path / "._site.spare.json").is_file()
    # A spare that is not the published folder's is not used, and the build is still right.
    (tmp_path / "._site.spare.json").write_text(
        '{"marker": [1, 2, 3], "changed": [], "removed": []}'
    )
    edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: ", "fee_each: 7")
    assert quick_rebuild(catalog, site) is not None
    same_as_full(catalog, site)
    # A file gone from the spare is made again: by the whole build, since it shows a model
    # the quick one does not read.
    (spare / "products" / "synthetic-00001.html").unlink()
    edit(catalog / "products" / "synthetic-00004.yaml", "fee_each: 7", "fee_each: 8")
    assert quick_rebuild(catalog, site) is None
    code, text = run("build", str(catalog), "--out", str(site), "--on", BUILD_DAY.isoformat())
    assert code == 0, text
    same_as_full(catalog, site)
