"""Site build speed on synthetic catalogs, as ratios against rendering the pages alone.

The floor is what no builder can avoid: rendering every product page's template from view data
computed beforehand. A build adds computing the views (lookups, decisions, formatting), the
other pages, the JSON API and the writes. Run ``pytest -m benchmark tests/benchmarks -s`` for the figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import os
import time

import pytest

import engine
from engine.site.build import BuildResult, build, environment, render
from engine.site.views import SiteViews

from .conftest import record
from .synth import make_catalog

pytestmark = pytest.mark.benchmark

SIZES = (100, 1000)
DAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, float]]:
    results: dict[int, dict[str, float]] = {}
    for size in SIZES:
        folder = tmp_path_factory.mktemp(f"build{size}")
        catalog = engine.load(make_catalog(folder / "catalog", size))
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

        cold = float("inf")
        for attempt in range(2):  # best of two builds into a new folder
            started = time.perf_counter()
            first: BuildResult = build(catalog, folder / f"fresh{attempt}", on=DAY)
            cold = min(cold, time.perf_counter() - started)
        build(catalog, folder / "site", on=DAY)
        started = time.perf_counter()
        again: BuildResult = build(catalog, folder / "site", on=DAY)
        rebuild = time.perf_counter() - started
        assert len(made) == size and first.pages == len(list(views.pages()))
        results[size] = {
            "floor": floor,
            "cold": cold,
            "rebuild": rebuild,
            "files": first.published.files,
            "rewritten": len(again.changed),
        }
        print(
            f"\n{size:>6} products, {os.cpu_count()} cores: render floor {floor * 1000:8.1f} ms | build {cold * 1000:8.1f} ms "
            f"({cold / floor:4.1f}x floor, {first.published.files} files) | unchanged rebuild "
            f"{rebuild * 1000:8.1f} ms, {len(again.changed)} files rewritten"
        )
    return record("build", results)


def test_a_build_stays_within_a_small_multiple_of_rendering(
    figures: dict[int, dict[str, float]],
) -> None:
    for size, f in figures.items():
        # ~2-3x normally; rendering every page twice or serialising per page would pass 12x.
        assert f["cold"] < f["floor"] * 12, (size, f)


def test_an_unchanged_rebuild_rewrites_no_file(figures: dict[int, dict[str, float]]) -> None:
    for size, f in figures.items():
        assert f["rewritten"] == 0, (size, f)


def test_build_time_grows_linearly_with_catalog_size(figures: dict[int, dict[str, float]]) -> None:
    for small, large in itertools.pairwise(sorted(figures)):
        growth = figures[large]["cold"] / figures[small]["cold"]
        # Linear growth with room for noise; quadratic would be (large / small) times more.
        assert growth < (large / small) * 3, (small, large, growth)
