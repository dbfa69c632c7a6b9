"""Each lint, run alone on the fixture that breaks it, reports its own problem and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.read.files import find_files
from engine.read.reader import read_bytes
from engine.validate.lints import LINTS, Sources, run_lints

from .conftest import INVALID, MINIMAL


def sources_of(root: Path) -> Sources:
    src = Sources()
    files, _, _ = find_files(root)
    for kind, path in files:
        doc, _ = read_bytes(str(path), path.read_bytes())
        if doc is None:
            continue
        if kind in ("family", "product", "plan", "rules", "cases"):
            src.table(kind)[path.stem] = doc
        else:
            setattr(src, kind, doc)
    return src


def test_the_registry_names_are_unique_and_described() -> None:
    names = [entry.name for entry in LINTS]
    assert len(names) == len(set(names))
    assert all(entry.description.endswith(".") for entry in LINTS)


def test_no_lint_complains_about_the_minimal_catalog() -> None:
    assert run_lints(sources_of(MINIMAL)) == []


@pytest.mark.parametrize("entry", LINTS, ids=[e.name for e in LINTS])
def test_each_lint_alone_finds_its_fixture(
    entry: object, make_catalog: Callable[[Path], Path]
) -> None:
    name = entry.name  # type: ignore[attr-defined]
    for case_dir in sorted(INVALID.glob(f"{name}-*")):
        root = make_catalog(case_dir)
        found = run_lints(sources_of(root), only=[name])
        expected = {
            line.split("[")[1].rstrip("]")
            for line in (case_dir / "expected.txt").read_text().split()
            if "[" in line
        }
        assert found, f"lint {name} found nothing in {case_dir.name}"
        assert {p.code for p in found} <= expected
