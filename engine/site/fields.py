"""The catalog's field reference, read from the JSON Schemas: every field with its title,
description, type and example, as editors see them in their editor's tooltips."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine.validate.schemas import KINDS, SchemaSet

FILES = {
    "catalog": "catalog.yaml",
    "regions": "regions.yaml",
    "components": "components.yaml",
    "incidents": "incidents.yaml",
    "family": "families/<id>.yaml",
    "product": "products/<id>.yaml",
    "plan": "plans/<id>.yaml",
    "rules": "rules/<id>.yaml",
    "cases": "cases/<name>.yaml",
}


def field_reference(schema_dir: Path) -> list[dict[str, Any]]:
    """One entry per file kind: its file, title, description and flattened fields."""
    schemas = SchemaSet(schema_dir)
    kinds = []
    for kind in KINDS:
        schema = schemas.inlined(kind)
        kinds.append(
            {
                "kind": kind,
                "file": FILES.get(kind, kind),
                "schema": KINDS[kind],
                "title": schema.get("title", kind),
                "description": schema.get("description"),
                "fields": list(_top(schema)),
            }
        )
    return kinds


def _top(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A file's fields: of its mapping, or of each entry when the file is a list."""
    node, prefix = (schema["items"], "[]") if schema.get("type") == "array" else (schema, "")
    yield from _fields(node, prefix, set(node.get("required", ())), {})


def _fields(
    node: dict[str, Any], path: str, required: set[str], seen: dict[str, str]
) -> Iterator[dict[str, Any]]:
    for name, sub in node.get("properties", {}).items():
        where = f"{path}.{name}" if path else name
        yield _row(where, sub, name in required)
        yield from _below(sub, where, seen)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        where = f"{path}.<key>"
        yield _row(where, extra, False)
        yield from _below(extra, where, seen)
    for pattern, sub in node.get("patternProperties", {}).items():
        where = f"{path}.<{pattern}>"
        yield _row(where, sub, False)
        yield from _below(sub, where, seen)


def _below(node: dict[str, Any], path: str, seen: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The fields inside an object, or inside each item of a list of objects, described once."""
    item = node.get("items", node)
    if not isinstance(item, dict) or not any(
        k in item for k in ("properties", "additionalProperties", "patternProperties")
    ):
        return
    if item.get("additionalProperties") is False and not item.get("properties"):
        return
    inner = f"{path}[]" if "items" in node else path
    key = json.dumps(item, sort_keys=True)
    if key in seen:
        yield {
            "path": f"{inner}.…",
            "title": "",
            "description": f"The same fields as {seen[key]}.",
            "type": "",
            "example": None,
            "required": False,
        }
        return
    seen[key] = inner
    yield from _fields(item, inner, set(item.get("required", ())), seen)


def _row(path: str, node: dict[str, Any], required: bool) -> dict[str, Any]:
    examples = node.get("examples") or []
    example = examples[0] if examples else None
    return {
        "path": path,
        "title": node.get("title", ""),
        "description": node.get("description", ""),
        "type": _type(node),
        "example": json.dumps(example, ensure_ascii=False) if example is not None else None,
        "required": required,
    }


def _type(node: dict[str, Any]) -> str:
    if "const" in node:
        return json.dumps(node["const"])
    if "enum" in node:
        return " | ".join(json.dumps(v) for v in node["enum"])
    kind = node.get("type")
    if isinstance(kind, list):
        return " | ".join(kind)
    if kind == "array":
        items = node.get("items")
        inner = _type(items) if isinstance(items, dict) else ""
        return f"list of {inner}" if inner else "list"
    if kind == "string" and node.get("format") == "date":
        return "date"
    if kind:
        return str(kind)
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            return " | ".join(filter(None, (_type(n) for n in node[combinator])))
    return ""
