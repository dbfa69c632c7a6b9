"""Every invalid fixture catalog reports exactly its golden problems: file, line, column, code."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.catalog.loader import check
from engine.core.problems import CatalogError
from engine.validate.lints import LINTS

from .conftest import INVALID, MINIMAL

CASES = sorted(p for p in INVALID.iterdir() if p.is_dir())


def report_lines(root: Path) -> list[str]:
    report = check(root, use_cache=False)
    lines = []
    for p in report.problems:
        file = Path(p.file)
        rel = (
            file.relative_to(root.resolve())
            if file.is_absolute()
            else file.resolve().relative_to(root.resolve())
        )
        lines.append(f"{rel.as_posix()}:{p.line}:{p.column}: {p.severity.value}[{p.code}]")
    return lines


def test_the_minimal_fixture_is_clean() -> None:
    assert report_lines(MINIMAL) == []


def test_there_are_at_least_thirty_invalid_fixtures() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_invalid_fixture_matches_its_golden_report(
    case_dir: Path, make_catalog: Callable[[Path], Path]
) -> None:
    root = make_catalog(case_dir)
    lines = report_lines(root)
    golden = case_dir / "expected.txt"
    if os.environ.get("CARE_CATALOG_UPDATE_GOLDEN"):
        golden.write_text("\n".join(lines) + "\n")
    expected = golden.read_text().splitlines()
    assert lines == expected
    assert lines, "an invalid fixture must report at least one problem"


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_an_invalid_fixture_with_errors_never_loads(
    case_dir: Path, make_catalog: Callable[[Path], Path]
) -> None:
    import engine

    root = make_catalog(case_dir)
    expected = (case_dir / "expected.txt").read_text()
    if "error[" in expected:
        with pytest.raises(CatalogError) as caught:
            engine.load(root, use_cache=False)
        assert caught.value.errors
    else:
        assert engine.load(root, use_cache=False).products()


def test_every_lint_has_a_fixture_of_its_own() -> None:
    names = {c.name for c in CASES}
    for entry in LINTS:
        assert any(n.startswith(entry.name + "-") for n in names), (
            f"no fixture for lint {entry.name}"
        )


def test_the_synthetic_catalog_the_benchmarks_build_is_valid(tmp_path: Path) -> None:
    from .benchmarks.synth import make_catalog

    report = check(make_catalog(tmp_path / "catalog", 30), use_cache=False)
    assert report.errors == []
    assert report.catalog is not None and len(report.catalog.products()) == 30
