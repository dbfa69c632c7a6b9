"""Composed YAML nodes to plain data: scalars resolved by the core schema, unsafe tags,
duplicate keys and merges, the bounds on size and depth, and the position of every value."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.core.problems import JsonPath, Problem
from engine.read.document import path_key
from engine.read.limits import MAX_DEPTH, MAX_NODES, MAX_NUMBER, MIN_PRECISION

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
MERGE = "tag:yaml.org,2002:merge"


class Builder:
    """Turns composed nodes into plain data, recording positions and problems."""

    def __init__(self, file: str, shallow: bool = False):
        self.file = file
        # Shallow: record the positions of values at most two levels deep, and no key's.
        self.shallow = shallow
        self.positions: dict[str, Any] = {}
        self.key_positions: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.visited: set[int] = set()
        self.aliased = False

    def fail(
        self, node: Node, code: str, message: str, path: JsonPath, hint: str | None = None
    ) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.file, mark.line + 1, mark.column + 1, code, message, path=path, hint=hint)
        )

    def build(self, node: Node, path: JsonPath, depth: int) -> Any:
        self.count += 1
        if not isinstance(node, ScalarNode):
            # An alias composes to the node it names: meeting a collection twice means one.
            self.aliased = self.aliased or id(node) in self.visited
            self.visited.add(id(node))
        if self.count > MAX_NODES:
            if self.aliased:
                raise Abort(
                    node, "alias-bomb", f"more than {MAX_NODES} values after alias expansion"
                )
            raise Abort(node, "too-large", f"the file holds more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise Abort(
                node, "too-deep", f"nesting deeper than {MAX_DEPTH} levels (recursive alias?)"
            )
        if not self.shallow or len(path) <= 2:
            mark = node.start_mark
            style = getattr(node, "style", None) if isinstance(node, ScalarNode) else None
            self.positions.setdefault(path_key(path), (mark.line + 1, mark.column + 1, style))
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != SEQ:
                self.fail(node, "unsafe-tag", f"tag '{short_tag(node.tag)}' is not allowed", path)
                return None
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != MAP:
                self.fail(node, "unsafe-tag", f"tag '{short_tag(node.tag)}' is not allowed", path)
                return None
            return self.mapping(node, path, depth)
        raise Abort(node, "yaml-syntax", "unexpected YAML node")  # pragma: no cover

    def scalar(self, node: ScalarNode, path: JsonPath) -> Any:
        tag, text = node.tag, node.value
        if tag == STR:
            return text
        if tag == NULL:
            return None
        if tag == BOOL:
            return text.lower() == "true"
        if tag == INT:
            try:
                whole = int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)
            except ValueError:
                self.fail(node, "bad-number", f"'{text[:40]}' is not a usable integer", path)
                return None
            return self.in_range(node, whole, text, path)
        if tag == FLOAT:
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                self.fail(node, "bad-number", f"'{text[:40]}' is not a finite number", path)
                return None
            number = self.in_range(node, number, text, path)
            if number is not None and number == number.to_integral_value():
                # 2.0 is the integer 2 (as JSON Schema says), to every validator alike.
                return int(number)
            return number
        hint = "catalog files use plain YAML data only" if "python" in tag else None
        self.fail(node, "unsafe-tag", f"tag '{short_tag(tag)}' is not allowed", path, hint)
        return None

    def in_range(self, node: ScalarNode, number: Any, text: str, path: JsonPath) -> Any:
        """*number*, or None with a problem when it is out of the catalog's range."""
        if number and (
            abs(number) >= MAX_NUMBER
            or (isinstance(number, Decimal) and number.as_tuple().exponent < MIN_PRECISION)  # type: ignore[operator]
        ):
            self.fail(
                node,
                "number-out-of-range",
                f"'{text[:40]}' is out of range: numbers in a catalog are below 10^15 and "
                "have at most 12 decimal places",
                path,
            )
            return None
        return number

    def mapping(self, node: MappingNode, path: JsonPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merged.update(self.merge(value_node, path, depth))
                continue
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, "bad-key", "a key must be a plain string", path)
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                self.fail(
                    key_node,
                    "duplicate-key",
                    f"duplicate key '{key}' (first on line {seen[key]}, again on line {line})",
                    (*path, key),
                )
                continue
            seen[key] = line
            if not self.shallow:
                self.key_positions[path_key((*path, key))] = (line, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def merge(self, node: Node, path: JsonPath, depth: int) -> dict[str, Any]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        out: dict[str, Any] = {}
        for source in reversed(sources):
            if not isinstance(source, MappingNode):
                self.fail(source, "bad-merge", "'<<' merges mappings only", path)
                continue
            out.update(self.mapping(source, path, depth + 1))
        return out


class Abort(Exception):
    """A file that cannot be read on: too large, too deep, or not YAML data."""

    def __init__(self, node: Node, code: str, message: str):
        super().__init__(message)
        self.node, self.code, self.message = node, code, message


def short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")
