"""The quote index: ``care-catalog quote`` answered without loading the catalog, exactly as the
library answers, and never from a catalog that changed since."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.catalog import quote_index
from engine.catalog.lookups import Catalog
from engine.cli.fast import _parse
from engine.core.problems import LookupProblem

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Catalog]:
    """A copy of the shipped catalog as ./catalog, loaded and indexed."""
    root = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", root, ignore=shutil.ignore_patterns(".cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(quote_index, "SETTLE_NS", 0)  # the copy was written a moment ago
    catalog = engine.load(root)
    quote_index.write(catalog, root)
    return root, catalog


def library_answer(catalog: Catalog, query: dict[str, Any]) -> dict[str, Any] | None:
    region = catalog.region(query["region"])
    try:
        if query["price"]:
            found = catalog.price_quote(query["product"], query["plan"], region.id, query["on"])
        else:
            found = catalog.fee_quote(
                query["product"],
                query["plan"],
                region.id,
                query["replacement"],
                query["flyaway"],
                query["on"],
            )
    except LookupProblem:
        return None
    return found.to_json(region)


def test_the_index_answers_every_quote_as_the_library_does(
    indexed: tuple[Path, Catalog],
) -> None:
    root, catalog = indexed
    index = quote_index.read(str(root))
    assert index is not None
    days: set[dt.date | None] = {None, dt.date(2015, 1, 1)}
    for plan in catalog.plans.values():
        for version in plan.versions:
            days |= {version.start, version.start - dt.timedelta(days=1)}
    answered = refused = 0
    for product in catalog.products():
        for plan in catalog.plans:
            regions: list[str | None] = [None, *sorted({o.region for o in product.offers})]
            for region in regions:
                for kind in [*range(1, 6), "flyaway", "price"]:
                    for day in days:
                        query = {
                            "product": product.id,
                            "plan": plan,
                            "region": region,
                            "replacement": kind if isinstance(kind, int) else 1,
                            "flyaway": kind == "flyaway",
                            "price": kind == "price",
                            "on": day,
                        }
                        expected = library_answer(catalog, query)
                        assert quote_index.quote(index, **query) == expected, query
                        answered += expected is not None
                        refused += expected is None
    # Both sides of the contract are exercised: many answers, and many the library refuses.
    assert answered > 300 and refused > 10_000, (answered, refused)


def test_unknown_ids_are_left_to_the_library(indexed: tuple[Path, Catalog]) -> None:
    root, _ = indexed
    index = quote_index.read(str(root))
    assert index is not None
    common = {"replacement": 1, "flyaway": False, "price": False, "on": dt.date(2024, 1, 1)}
    assert quote_index.quote(index, "mavic-9", "care-refresh-1y", "us", **common) is None
    assert quote_index.quote(index, "mavic-3", "care-refresh-9y", "us", **common) is None
    assert quote_index.quote(index, "mavic-3", "care-refresh-1y", "xx", **common) is None


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CARE_CATALOG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from engine.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


def printed(done: subprocess.CompletedProcess[str]) -> tuple[int, str, list[str]]:
    """Exit code, stdout, and stderr without the import-time lines."""
    said = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    return done.returncode, done.stdout, said


def imported(done: subprocess.CompletedProcess[str]) -> set[str]:
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize(
    "query",
    [
        [
            "mavic-3",
            "care-refresh-1y",
            "--region",
            "us",
            "--replacement",
            "2",
            "--on",
            "2022-06-01",
        ],
        ["mavic-3", "care-refresh-1y", "--region=us", "--replacement=2", "--on=2022-06-01"],
        ["mavic-3", "care-refresh-1y", "--on", "2022-06-01", "--json"],
        ["--region", "pl", "mini-3", "care-refresh-1y", "--flyaway", "--on", "2024-01-01"],
        ["mini-3", "care-refresh-1y", "--region", "pl", "--price", "--json", "--on", "2024-01-01"],
    ],
)
def test_the_command_prints_the_same_bytes_without_loading_the_catalog(
    indexed: tuple[Path, Catalog], query: list[str]
) -> None:
    root, _ = indexed
    quick = run("quote", *query, cwd=root.parent)
    full = run("-C", "catalog", "quote", *query, cwd=root.parent)
    assert quick.returncode == 0, quick.stderr
    assert printed(quick) == printed(full)
    # The quick answer imported neither Click nor the reader nor the model.
    assert {"click", "yaml", "engine.catalog.loader", "engine.model.entities"} & imported(
        quick
    ) == set()
    assert "engine.catalog.loader" in imported(full)


def test_what_the_index_cannot_answer_goes_to_the_full_command(
    indexed: tuple[Path, Catalog],
) -> None:
    root, _ = indexed
    for query in (
        ["mavic-9", "care-refresh-1y"],  # an unknown id: the library suggests the closest
        ["mavic-3", "care-refresh-1y", "--replacement", "0"],  # Click's range error
        ["mavic-3", "care-refresh-1y", "--on", "2024-02-30"],  # not a date
        ["mavic-3", "care-refresh-1y", "--help"],
    ):
        done = run("quote", *query, cwd=root.parent)
        assert "click" in imported(done), query
        assert printed(done) == printed(run("-C", "catalog", "quote", *query, cwd=root.parent))


def test_an_edited_catalog_is_not_answered_from_its_old_index(
    indexed: tuple[Path, Catalog],
) -> None:
    root, _ = indexed
    product = root / "products" / "mavic-3.yaml"
    text = product.read_bytes()
    stat = product.stat()
    product.write_bytes(text.replace(b"199", b"198", 1))
    assert quote_index.read(str(root)) is None
    # The old bytes and times restored: the change time still says the file was written.
    product.write_bytes(text)
    os.utime(product, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert quote_index.read(str(root)) is None


def test_a_new_file_or_folder_voids_the_index(indexed: tuple[Path, Catalog]) -> None:
    root, _ = indexed
    (root / "products" / "notes.txt").write_text("a stray file the reader refuses\n")
    assert quote_index.read(str(root)) is None
    (root / "products" / "notes.txt").unlink()
    assert quote_index.read(str(root)) is not None
    (root / "families" / "more").mkdir()
    assert quote_index.read(str(root)) is None


def test_a_catalog_written_a_moment_ago_is_not_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", root, ignore=shutil.ignore_patterns(".cache"))
    monkeypatch.setattr(quote_index, "SETTLE_NS", 60 * 10**9)
    quote_index.write(engine.load(root), root)
    assert quote_index.read(str(root)) is None


def test_a_damaged_index_is_a_miss(indexed: tuple[Path, Catalog]) -> None:
    root, _ = indexed
    entry = root / ".cache" / quote_index.NAME
    for damaged in (b"", b"\x00garbage", entry.read_bytes()[:100]):
        entry.write_bytes(damaged)
        assert quote_index.read(str(root)) is None


@pytest.mark.parametrize(
    ("args", "understood"),
    [
        (["a", "b"], True),
        (["a", "b", "--replacement", "+2"], True),  # int() reads it, as Click does
        (["a"], False),
        (["a", "b", "c"], False),
        (["a", "b", "--replacement"], False),
        (["a", "b", "--replacement", "x"], False),
        (["a", "b", "--on", "2024-1-1"], False),
        (["a", "b", "--json=1"], False),
        (["a", "b", "--"], False),
        (["a", "b", "-h"], False),
        (["a", "b", "--regio", "us"], False),
    ],
)
def test_only_command_lines_read_as_click_reads_them_are_taken(
    args: list[str], understood: bool
) -> None:
    assert (_parse(args) is not None) is understood
