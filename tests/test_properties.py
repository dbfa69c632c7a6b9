"""Whatever the input, reading and checking report problems; they never crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.core.problems import CatalogError
from engine.read.reader import read_bytes, read_text

from .conftest import MINIMAL
from .fuzzing import budget

YAML_BITS = st.sampled_from(
    [
        "\n",
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!python/object ",
        "<<: ",
        "? ",
        "|",
        ">",
        "'",
        '"',
        "#",
        "\t",
        "  ",
        "---",
        "...",
        "%YAML 1.2",
        "1.5",
        ".nan",
        "2023-02-30",
        "id",
        "~",
        "\x00",
        "\ufeff",
    ]
)


@pytest.mark.fuzz
@settings(max_examples=budget(300), deadline=None)
@given(st.text())
def test_arbitrary_text_reads_or_reports(text: str) -> None:
    doc, problems = read_text("f.yaml", text)
    assert (doc is None) == bool(problems)
    for p in problems:
        assert p.line >= 1 and p.column >= 1 and p.code


@pytest.mark.fuzz
@settings(max_examples=budget(300), deadline=None)
@given(st.lists(YAML_BITS | st.text(max_size=5), max_size=40))
def test_yaml_shaped_noise_reads_or_reports(parts: list[str]) -> None:
    doc, problems = read_text("f.yaml", "".join(parts))
    assert (doc is None) == bool(problems)


@pytest.mark.fuzz
@settings(max_examples=budget(150), deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_read_or_report(raw: bytes) -> None:
    doc, problems = read_bytes("f.yaml", raw)
    assert (doc is None) == bool(problems)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, int, int, str]:
    files = sorted(str(p.relative_to(MINIMAL)) for p in MINIMAL.rglob("*.yaml"))
    name = draw(st.sampled_from(files))
    size = len((MINIMAL / name).read_text())
    start = draw(st.integers(0, size))
    length = draw(st.integers(0, 12))
    insert = draw(st.text(max_size=12) | YAML_BITS)
    return name, start, length, insert


@pytest.mark.fuzz
@settings(
    max_examples=budget(120),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(mutation())
def test_a_mutated_catalog_loads_or_raises_catalog_error(
    tmp_path: Path, change: tuple[str, int, int, str]
) -> None:
    name, start, length, insert = change
    target = tmp_path / "mutant"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(MINIMAL, target, ignore=shutil.ignore_patterns(".cache"))
    path = target / name
    text = path.read_text()
    path.write_text(text[:start] + insert + text[start + length :])
    try:
        catalog = engine.load(target, use_cache=False)
    except CatalogError as error:
        assert error.errors
        assert all(p.line >= 1 and p.column >= 1 for p in error.problems)
    else:
        assert catalog.products()
