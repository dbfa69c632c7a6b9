"""Shared fixtures: the shipped catalog, the minimal valid fixture, and overlay copies of it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import engine
from engine.catalog.lookups import Catalog

pytest_plugins = ["tests.browserkit"]
FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal"
INVALID = FIXTURES / "invalid"
ROOT = Path(__file__).parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """``-m fuzz`` is the long fuzzing run: thirty times the examples unless told otherwise."""
    if "fuzz" in (config.option.markexpr or "") and "not fuzz" not in config.option.markexpr:
        os.environ.setdefault("CARE_CATALOG_FUZZ_SCALE", "30")


@pytest.fixture(scope="session")
def shipped() -> Catalog:
    """The shipped DJI Care Refresh catalog."""
    return engine.load(ROOT / "catalog")


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid catalog."""
    target = tmp_path / "catalog"
    shutil.copytree(MINIMAL, target, ignore=shutil.ignore_patterns(".cache"))
    return target


def overlay(target: Path, case_dir: Path) -> None:
    """Apply an invalid fixture's files (and deletions) on top of a catalog copy."""
    for path in sorted(case_dir.rglob("*")):
        rel = path.relative_to(case_dir)
        if path.is_dir() or rel.name == "expected.txt":
            continue
        if rel.name == "delete.txt":
            for line in path.read_text().split():
                (target / line).unlink()
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)


@pytest.fixture
def make_catalog(tmp_path: Path) -> Callable[[Path], Path]:
    """Build a copy of the minimal catalog with an invalid fixture applied."""

    def build(case_dir: Path) -> Path:
        target = tmp_path / case_dir.name
        shutil.copytree(MINIMAL, target, ignore=shutil.ignore_patterns(".cache"))
        overlay(target, case_dir)
        return target

    return build
