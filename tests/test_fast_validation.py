"""The fast validator (jsonschema-rs) accepts and rejects exactly what python-jsonschema does.

The loader trusts the fast one for the all-valid case and asks python-jsonschema to word the
problems of a document that fails; so the two must agree on every document, which these tests
check on every catalog and fixture file and on documents mutated at random.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.read.files import FOLDERS, SINGLE_FILES, find_files
from engine.read.reader import read_bytes
from engine.validate.schemas import SchemaSet

from .conftest import INVALID, MINIMAL, ROOT
from .fuzzing import budget

SCHEMAS = SchemaSet(ROOT / "schema")


def kind_of(relative: Path) -> str | None:
    """The file kind of a path inside a catalog folder."""
    if len(relative.parts) == 1:
        return SINGLE_FILES.get(relative.name)
    return FOLDERS.get(relative.parts[0])


def agree(data: Any, kind: str) -> None:
    slow = not any(True for _ in SCHEMAS.validator(kind).iter_errors(data))
    assert SCHEMAS.fast(kind).is_valid(data) is slow, (kind, data)


def documents() -> list[tuple[str, Any]]:
    found = []
    roots = [ROOT / "catalog", MINIMAL, *sorted(p for p in INVALID.iterdir() if p.is_dir())]
    for root in roots:
        for path in sorted(root.rglob("*.yaml")):
            kind = kind_of(path.relative_to(root))
            doc, _ = read_bytes(str(path), path.read_bytes())
            if kind is not None and doc is not None:
                found.append((kind, doc.data))
    return found


def test_the_fast_validator_agrees_on_every_catalog_and_fixture_file() -> None:
    found = documents()
    assert len(found) > 140 and {kind for kind, _ in found} == set(FOLDERS.values()) | set(
        SINGLE_FILES.values()
    )
    for kind, data in found:
        agree(data, kind)


VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    # The reader gives an integral number as an int, so a Decimal here is never integral.
    | st.decimals(min_value=-(10**9), max_value=10**10, places=3, allow_nan=False).filter(
        lambda d: d != d.to_integral_value()
    )
    | st.sampled_from(
        [
            *("2023-07-13", "2023-02-30", "0000-01-01", "2023-7-13", "2021-W01-1", "٢٠٢٣-٠٧-١٣"),
            *("USD", "usd", "mini-3", "Mini 3", "", "x" * 300, "https://example.org/a"),
        ]
    )
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["id", "name", "from", "known_by", "eligible", "source", "fees", "fee_each", "x"]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)
MINIMAL_FILES = find_files(MINIMAL)[0]


def paths_in(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_in(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_in(value, (*path, index))
    return found


@pytest.mark.fuzz
@settings(max_examples=budget(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_fast_validator_agrees_on_mutated_documents(data: st.DataObject) -> None:
    kind, path = data.draw(st.sampled_from(MINIMAL_FILES))
    doc, _ = read_bytes(str(path), path.read_bytes())
    assert doc is not None
    tree = doc.data
    where = data.draw(st.sampled_from(paths_in(tree)))
    value = data.draw(VALUES)
    if where:
        parent = tree
        for part in where[:-1]:
            parent = parent[part]
        parent[where[-1]] = value
    else:
        tree = value
    agree(tree, kind)


def test_a_decimal_and_an_integer_are_numbers_to_both() -> None:
    for value in (Decimal("289.50"), 289, Decimal("0.001")):
        agree(
            {"regions": [{"id": "us", "name": "x", "currency": "USD", "locale": value}]}, "regions"
        )
