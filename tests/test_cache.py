"""The document cache: an unchanged file is never parsed or validated twice."""

from __future__ import annotations

from pathlib import Path

import engine
from engine.catalog.loader import check


def test_a_second_check_reads_every_file_from_the_cache(minimal_copy: Path) -> None:
    first = check(minimal_copy)
    second = check(minimal_copy)
    assert first.cache_hits == 0
    assert second.cache_hits == first.files
    assert [p.id for p in second.catalog.products()] == [p.id for p in first.catalog.products()]  # type: ignore[union-attr]


def test_editing_one_file_rechecks_only_that_file(minimal_copy: Path) -> None:
    check(minimal_copy)
    path = minimal_copy / "products" / "mini-3.yaml"
    path.write_text(path.read_text().replace("price: 79", "price: 80"))
    report = check(minimal_copy)
    assert report.cache_hits == report.files - 1
    assert report.catalog is not None
    assert report.catalog.product("mini-3").offers[0].price.amount == 80  # type: ignore[union-attr]


def test_an_invalid_edit_is_caught_even_after_a_cached_run(minimal_copy: Path) -> None:
    check(minimal_copy)
    path = minimal_copy / "products" / "mini-3.yaml"
    path.write_text(path.read_text().replace("family: mini", "famly: mini"))
    assert [p.code for p in check(minimal_copy).errors] == ["unknown-key"]


def test_a_corrupt_cache_entry_is_a_miss(minimal_copy: Path) -> None:
    check(minimal_copy)
    for entry in (minimal_copy / ".cache").glob("*.json"):
        entry.write_text("{not json")
    report = check(minimal_copy)
    assert report.cache_hits == 0 and report.catalog is not None


def test_cached_values_keep_exact_decimals(minimal_copy: Path) -> None:
    check(minimal_copy)
    catalog = engine.load(minimal_copy)
    fee = catalog.product("mini-3").offers[1].fees[0]
    assert str(fee.amount) == "289.50"


def test_a_read_only_catalog_uses_the_user_cache(
    minimal_copy: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setattr("engine.read.cache.os.access", lambda path, mode: False)
    check(minimal_copy)
    assert list((tmp_path / "user-cache" / "care-catalog").rglob("*.json"))
    assert not (minimal_copy / ".cache").exists()


def test_a_cache_entry_of_another_shape_is_a_miss_not_a_crash(minimal_copy: Path) -> None:
    check(minimal_copy)
    entries = sorted((minimal_copy / ".cache").glob("*.json"))
    assert entries
    for wrong in ('{"data": 1}', "[]", '{"data": {}, "positions": [], "keys": {}, "lines": []}'):
        for entry in entries:
            entry.write_text(wrong)
        report = check(minimal_copy)
        assert report.errors == [] and report.cache_hits == 0
        assert report.catalog is not None and len(report.catalog.products()) == 2


def test_an_edited_entry_fails_its_digest(minimal_copy: Path) -> None:
    first = check(minimal_copy)
    edited = 0
    for entry in (minimal_copy / ".cache").glob("*.json"):
        digest, _, payload = entry.read_text().partition("\n")
        if "Mini 3" in payload:
            entry.write_text(digest + "\n" + payload.replace("Mini 3", "Mini 4"))
            edited += 1
    report = check(minimal_copy)
    assert edited >= 1 and report.cache_hits == first.files - edited
    assert report.catalog is not None and report.catalog.product("mini-3").name == "Mini 3"


def test_a_cached_file_locates_deep_problems_as_a_fresh_read_does(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "catalog"
    shutil.copytree(
        Path(__file__).resolve().parents[1] / "catalog",
        root,
        ignore=shutil.ignore_patterns(".cache"),
    )
    first = check(root)
    second = check(root)
    assert second.cache_hits == second.files
    # Stale-source warnings sit at an offer's 'checked' (three levels deep): their positions
    # are read from beside the cached entry only when a warning needs them.
    assert first.warnings and [p.format() for p in second.warnings] == [
        p.format() for p in first.warnings
    ]


def test_a_cached_document_whose_file_changed_since_is_located_at_its_top(
    minimal_copy: Path,
) -> None:
    from engine.read.cache import DocumentCache
    from engine.read.reader import read_bytes

    source = minimal_copy / "products" / "mini-3.yaml"
    raw = source.read_bytes()
    cache = DocumentCache(minimal_copy / ".cache", "")
    fresh, _ = read_bytes("mini-3.yaml", raw, shallow=True)
    assert fresh is not None
    cache.put(cache.key(raw), fresh)
    doc = cache.get(cache.key(raw), "mini-3.yaml", source)
    assert doc is not None and doc.mark(("offers", 0, "price")).line > 1
    again = cache.get(cache.key(raw), "mini-3.yaml", source)
    assert again is not None
    source.write_text(source.read_text().replace("price: 79", "price: 80"))
    # Its deeper positions are worked out from the file, which no longer has the cached bytes;
    # the shallow ones (what the model records) came with the entry.
    assert again.mark(("offers", 0, "price")) == again.mark(("offers", 0, "x", "y")).__class__(1, 1)
    assert again.line(("offers", 0)) == doc.line(("offers", 0)) > 1
