"""Load speed as ratios on synthetic catalogs of growing size, against floors measured in the same run.

Floors: parsing every file with PyYAML's C loader (nothing less can read the catalog), and for
warm loads, reading the bytes of every file (the cache must still hash them). Run with
``pytest -m benchmark tests/benchmarks -s`` to see the figures; CARE_CATALOG_BENCH_SIZES=100,1000,10000 adds sizes.
"""

from __future__ import annotations

import gc
import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from engine.catalog.loader import check

from .conftest import record
from .synth import make_catalog

pytestmark = pytest.mark.benchmark

SIZES = [int(s) for s in os.environ.get("CARE_CATALOG_BENCH_SIZES", "100,1000").split(",")]


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def parse_floor(root: Path) -> None:
    for path in sorted(root.rglob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def read_floor(root: Path) -> None:
    for path in sorted(root.rglob("*.yaml")):
        path.read_bytes()


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, float]]:
    results: dict[int, dict[str, float]] = {}
    for size in SIZES:
        root = make_catalog(tmp_path_factory.mktemp(f"synth{size}") / "catalog", size)
        runs = 3 if size <= 1000 else 1
        floor = best_of(runs, lambda root=root: parse_floor(root))
        cold = best_of(1, lambda root=root: check(root, use_cache=False))
        check(root)  # fill the cache
        warm = best_of(runs, lambda root=root: check(root))
        touched = root / "products" / "synthetic-00000.yaml"
        counter = [0]

        def edit_one(
            touched: Path = touched, root: Path = root, counter: list[int] = counter
        ) -> None:
            counter[0] += 1
            touched.write_text(
                touched.read_text().replace(
                    "name: Synthetic 0", f"name: Synthetic 0.{counter[0]}", 1
                )
            )
            check(root)

        incremental = best_of(runs, edit_one)
        read = best_of(runs, lambda root=root: read_floor(root))
        report = check(root)
        assert report.catalog is not None and len(report.catalog.products()) == size
        results[size] = {
            "parse_floor": floor,
            "read_floor": read,
            "cold": cold,
            "warm": warm,
            "incremental": incremental,
        }
        print(
            f"\n{size:>6} products: C-parse floor {floor * 1000:8.1f} ms | cold load {cold * 1000:8.1f} ms "
            f"({cold / floor:4.1f}x floor) | warm {warm * 1000:8.1f} ms ({warm / floor:4.2f}x floor) | "
            f"one file edited {incremental * 1000:8.1f} ms ({incremental / warm:4.2f}x warm)"
        )
    return record("load", results)


def test_a_warm_load_costs_less_than_parsing_the_catalog(
    figures: dict[int, dict[str, float]],
) -> None:
    for size, f in figures.items():
        # ~0.5x normally; a cache that stopped working costs ~4x.
        assert f["warm"] < f["parse_floor"] * 2, (size, f)


def test_a_cold_load_stays_within_a_small_multiple_of_parsing(
    figures: dict[int, dict[str, float]],
) -> None:
    for size, f in figures.items():
        # ~3-4x normally; the pure-Python YAML parser alone would cost ~7x more.
        assert f["cold"] < f["parse_floor"] * 12, (size, f)


def test_editing_one_file_costs_about_a_warm_load(figures: dict[int, dict[str, float]]) -> None:
    for size, f in figures.items():
        # Re-checking every file instead of one would cost a cold load (~7x warm).
        assert f["incremental"] < f["warm"] * 3 + 0.05, (size, f)


def test_load_time_grows_linearly_with_catalog_size(figures: dict[int, dict[str, float]]) -> None:
    sizes = sorted(figures)
    for small, large in itertools.pairwise(sizes):
        growth = figures[large]["warm"] / figures[small]["warm"]
        # Linear growth with room for noise; quadratic would be (large / small) times more.
        assert growth < (large / small) * 3, (small, large, growth)
