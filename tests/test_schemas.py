"""The JSON Schemas: valid Draft 2020-12, self-documenting, and wired to every catalog file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.read.reader import read_text
from engine.validate.schemas import KINDS, SchemaSet

from .conftest import ROOT

SCHEMA_DIR = ROOT / "schema"
SCHEMAS = sorted(SCHEMA_DIR.glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_schema_is_valid_against_the_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            if sub is not True:  # named in a branch (oneOf, not), documented where defined
                yield f"{path}.{name}", sub
        for key, sub in node.items():
            yield from properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            yield from properties(sub, f"{path}[{index}]")


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_property_has_a_title_and_a_description(path: Path) -> None:
    schema = json.loads(path.read_text())
    missing = [
        name for name, sub in properties(schema) if not ("title" in sub and "description" in sub)
    ]
    assert missing == []


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_object_refuses_unknown_keys(path: Path) -> None:
    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield node
            for sub in node.values():
                yield from objects(sub)
        elif isinstance(node, list):
            for sub in node:
                yield from objects(sub)

    assert all(
        o.get("additionalProperties") is False for o in objects(json.loads(path.read_text()))
    )


def test_every_file_kind_has_a_schema() -> None:
    assert {p.name for p in SCHEMAS} >= set(KINDS.values())


def catalog_files() -> list[Path]:
    return sorted((ROOT / "catalog").rglob("*.yaml"))


@pytest.mark.parametrize("path", catalog_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_files_carry_a_modeline_to_their_schema(path: Path) -> None:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target.is_file() and target.parent == SCHEMA_DIR.resolve()


@pytest.mark.parametrize(
    ("day", "valid"),
    [("2024-02-29", True), ("2023-02-29", False), ("2023-02-30", False), ("2023-2-3", False)],
)
def test_impossible_dates_are_rejected_by_the_schema(day: str, valid: bool) -> None:
    text = f"id: p\nname: P\nversions:\n  - from: {day}\n    label: L\n    sources: [https://example.org]\n"
    doc, _ = read_text("plans/p.yaml", text)
    assert doc is not None
    problems = SchemaSet(SCHEMA_DIR).check(doc, "plan")
    assert (problems == []) is valid
    if not valid:
        assert (problems[0].line, problems[0].column) == (4, 11)


def test_a_typo_gets_one_error_with_a_suggestion() -> None:
    doc, _ = read_text("products/x.yaml", "id: x\nname: X\nfamly: mini\n")
    assert doc is not None
    problems = SchemaSet(SCHEMA_DIR).check(doc, "product")
    assert [p.format() for p in problems] == [
        "products/x.yaml:3:1: error[unknown-key]: unknown key 'famly' (did you mean 'family'?) (at $.famly)"
    ]
