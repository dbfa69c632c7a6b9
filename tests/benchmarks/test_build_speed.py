"""Site build speed on synthetic catalogs: against rendering alone, against Hugo, and rebuilds.

- render floor: rendering every product page's template from view data computed beforehand, in
  one process (what no builder using these templates can avoid);
- build: ``care-catalog build --full`` into a new folder, end to end in its own process (catalog
  read from a warm document cache, views, every page and API file, publishing), and its peak RSS;
- Hugo: Debian's ``hugo`` building the same product pages (``hugo_site.py``) into a new folder
  (cold) and again into the same one (warm), when it is installed; and again with the other two
  files our build writes per model (its API document and feed), from the same data;
- no-op rebuild: the command again with nothing changed; one-edit rebuild: after one product
  file's fee changed (both with the catalog's files older than the last build, as after an edit).

``python -m pytest -m benchmark tests/benchmarks -s`` prints and records the figures; set
``CARE_CATALOG_BENCH_SIZES=1000,10000`` for the sizes of the README's table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import engine
from engine.site.builder import environment, render
from engine.site.views import SiteViews

from . import hugo_site
from .conftest import record
from .synth import make_catalog

pytestmark = pytest.mark.benchmark

SIZES = [int(s) for s in os.environ.get("CARE_CATALOG_BENCH_SIZES", "100,1000").split(",")]
DAY = dt.date(2026, 11, 22)


# Runs the command given after it and prints its peak RSS (KB, the largest of its processes).
# A process started straight from this test's (large) process would count the pages it shared
# with it before exec as its own; one started from this small one does not.
PEAK = (
    "import resource, subprocess, sys; "
    "code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)


def command(*args: str) -> tuple[float, float, str]:
    """Run ``care-catalog ARGS`` in a new process: wall seconds, its peak RSS in MB, its output."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    return seconds, int(done.stderr.splitlines()[-1]) / 1024, done.stdout


def age(root: Path) -> None:
    """Date every catalog file a minute back, as files edited before the last build are."""
    then = time.time_ns() - 60 * 10**9
    for path in root.rglob("*.yaml"):
        os.utime(path, ns=(then, then))


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, float]]:
    results: dict[int, dict[str, float]] = {}
    for size in SIZES:
        folder = tmp_path_factory.mktemp(f"build{size}")
        root = make_catalog(folder / "catalog", size)
        catalog = engine.load(root)  # fills the document cache, as a previous check would
        views = SiteViews(catalog, DAY)
        common = views.common()
        made = [
            dataclasses.replace(p, make_view=functools.partial(dict, p.make_view()))
            for p in views.pages()
            if p.template == "product.html"
        ]
        env = environment()
        started = time.perf_counter()
        for page in made:
            render(env, page, common, "")
        floor = time.perf_counter() - started
        del made

        day = ["--on", DAY.isoformat()]
        cold, rss, _ = command("build", str(root), "--out", str(folder / "fresh"), "--full", *day)
        site = str(folder / "site")
        command("build", str(root), "--out", site, *day)
        age(root)
        command("build", str(root), "--out", site, *day)  # the manifest now post-dates every file
        noop, _, said = command("build", str(root), "--out", site, *day)
        assert said.startswith("up to date"), said
        product = root / "products" / "synthetic-00000.yaml"
        product.write_text(product.read_text().replace("flyaway_fee: ", "flyaway_fee: 1", 1))
        edit, _, said = command("build", str(root), "--out", site, *day)
        assert "1 removed" not in said and "0 changed" not in said, said
        entry = {
            "floor": floor,
            "cold": cold,
            "rss_mb": rss,
            "noop": noop,
            "edit": edit,
            "files": sum(1 for p in (folder / "fresh").rglob("*") if p.is_file()),
            "largest_page_mb": max(p.stat().st_size for p in (folder / "fresh").rglob("*.html"))
            / 1e6,
        }
        if hugo_site.hugo():
            project = hugo_site.write_site(catalog, views, folder / "hugo")
            entry["hugo_cold"] = hugo_site.build_seconds(project, folder / "hugo-public")
            entry["hugo_warm"] = hugo_site.build_seconds(project, folder / "hugo-public")
            # The three files our build writes per model: page, API document, feed.
            project = hugo_site.write_site(catalog, views, folder / "hugo-all", documents=True)
            entry["hugo_all_cold"] = hugo_site.build_seconds(project, folder / "hugo-all-public")
            entry["hugo_all_warm"] = hugo_site.build_seconds(project, folder / "hugo-all-public")
            entry["hugo_files"] = sum(
                1 for p in (folder / "hugo-all-public").rglob("*") if p.is_file()
            )
        results[size] = entry
        hugo = (
            f" | Hugo, pages only: {entry['hugo_cold']:.2f} s cold, {entry['hugo_warm']:.2f} s warm "
            f"(build {cold / entry['hugo_cold']:.2f}x) | Hugo, page + API + feed per model "
            f"({entry['hugo_files']} files): {entry['hugo_all_cold']:.2f} s cold, "
            f"{entry['hugo_all_warm']:.2f} s warm (build {cold / entry['hugo_all_cold']:.2f}x)"
            if "hugo_cold" in entry
            else " | Hugo not installed"
        )
        print(
            f"\n{size:>6} products: render floor {floor:.2f} s | build {cold:.2f} s "
            f"({cold / floor:.1f}x floor, {entry['files']} files, peak {rss:.0f} MB, largest page "
            f"{entry['largest_page_mb']:.2f} MB){hugo} | no-op rebuild {noop:.2f} s | "
            f"one-edit rebuild {edit:.2f} s"
        )
    return record("build", results)


def test_a_build_stays_within_a_small_multiple_of_rendering(
    figures: dict[int, dict[str, float]],
) -> None:
    for size, f in figures.items():
        # ~2-3x normally (plus start-up at small sizes); rendering every page twice or
        # serialising per page would pass 12x.
        assert f["cold"] < f["floor"] * 12 + 2, (size, f)


def test_a_no_op_rebuild_reads_no_catalog(figures: dict[int, dict[str, float]]) -> None:
    for size, f in figures.items():
        # A start-up and a stat per file; loading the catalog would cost about a warm check.
        assert f["noop"] < 0.3 + size / 10_000, (size, f)


def test_an_edit_rebuilds_far_less_than_everything(figures: dict[int, dict[str, float]]) -> None:
    for size, f in figures.items():
        if size >= 1000:
            # Re-rendering every page would cost about a whole build.
            assert f["edit"] < f["cold"] * 0.7, (size, f)


def test_build_time_grows_linearly_with_catalog_size(figures: dict[int, dict[str, float]]) -> None:
    for small, large in itertools.pairwise(sorted(figures)):
        growth = figures[large]["cold"] / figures[small]["cold"]
        # Linear growth with room for noise; quadratic would be (large / small) times more.
        assert growth < (large / small) * 3, (small, large, growth)
