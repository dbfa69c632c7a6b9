"""Safe YAML reading that remembers where every value came from.

PyYAML composes the text into nodes (with the C parser where it is built); this module then
builds plain data from the nodes itself, so that it can:

* resolve scalars by the YAML 1.2 core schema (``no`` stays a string, ``2023-07-13`` stays an
  ISO string for the schema to check, ``1.5`` becomes an exact ``Decimal``);
* refuse every tag outside the core schema (``!!python/object`` and friends);
* report a duplicate key with the lines of both occurrences;
* bound alias expansion and nesting depth, so a hostile file cannot exhaust memory;
* record the line and column of every value and key, keyed by JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from engine.core.problems import JsonPath, Problem
from engine.read.document import Document, path_key
from engine.read.limits import MAX_DEPTH, MAX_NODES, MAX_NUMBER, MIN_PRECISION, flow_too_deep

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


# The implicit tags of the YAML 1.2 core schema, and the ``<<`` merge key, in one expression:
# PyYAML's resolver tries a list of expressions per scalar in Python, which costs more than
# parsing the file in C.
_PLAIN = re.compile(
    r"(?P<bool>true|True|TRUE|false|False|FALSE)"
    r"|(?P<int>[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))"
    r"|(?P<null>~|null|Null|NULL|)"
    r"|(?P<merge><<)"
)
_PLAIN_TAGS = {"bool": _BOOL, "int": _INT, "float": _FLOAT, "null": _NULL, "merge": _MERGE}


class _CoreResolver(BaseResolver):
    """Implicit tags of the YAML 1.2 core schema, and the ``<<`` merge key."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                match = _PLAIN.fullmatch(value)
                if match is not None:
                    return _PLAIN_TAGS[match.lastgroup or ""]
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    class _Loader(_Parser, _CoreResolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _CoreResolver.__init__(self)

    C_LOADER = True
except ImportError:  # pragma: no cover - only where libyaml is missing
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, Composer, _CoreResolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _CoreResolver.__init__(self)

    C_LOADER = False


class _Builder:
    """Turns composed nodes into plain data, recording positions and problems."""

    def __init__(self, file: str):
        self.file = file
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
                raise _Abort(
                    node, "alias-bomb", f"more than {MAX_NODES} values after alias expansion"
                )
            raise _Abort(node, "too-large", f"the file holds more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise _Abort(
                node, "too-deep", f"nesting deeper than {MAX_DEPTH} levels (recursive alias?)"
            )
        mark = node.start_mark
        style = getattr(node, "style", None) if isinstance(node, ScalarNode) else None
        self.positions.setdefault(path_key(path), (mark.line + 1, mark.column + 1, style))
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.fail(node, "unsafe-tag", f"tag '{_short(node.tag)}' is not allowed", path)
                return None
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                self.fail(node, "unsafe-tag", f"tag '{_short(node.tag)}' is not allowed", path)
                return None
            return self.mapping(node, path, depth)
        raise _Abort(node, "yaml-syntax", "unexpected YAML node")  # pragma: no cover

    def scalar(self, node: ScalarNode, path: JsonPath) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _INT:
            try:
                whole = int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)
            except ValueError:
                self.fail(node, "bad-number", f"'{text[:40]}' is not a usable integer", path)
                return None
            return self.in_range(node, whole, text, path)
        if tag == _FLOAT:
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
        self.fail(node, "unsafe-tag", f"tag '{_short(tag)}' is not allowed", path, hint)
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
            if key_node.tag == _MERGE:
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


class _Abort(Exception):
    def __init__(self, node: Node, code: str, message: str):
        super().__init__(message)
        self.node, self.code, self.message = node, code, message


def decode(file: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of *raw*, or a located problem where it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        head = raw[: exc.start]
        line = head.count(b"\n") + 1
        column = exc.start - (head.rfind(b"\n") + 1) + 1
        return None, [
            Problem(
                file, line, column, "not-utf8", f"byte 0x{raw[exc.start]:02x} is not UTF-8 text"
            )
        ]


def read_text(file: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse *text* as one YAML document; the data, or every problem found."""
    too_deep = flow_too_deep(text)
    if too_deep is not None:
        line, column = _offset_to_position(text, too_deep)
        message = f"brackets nested deeper than {MAX_DEPTH} levels"
        return None, [Problem(file, line, column, "too-deep", message)]
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(file, exc, text)]
    except yaml.reader.ReaderError as exc:
        line, column = _offset_to_position(text, exc.position)
        return None, [
            Problem(
                file,
                line,
                column,
                "bad-character",
                f"character {exc.character!r} is not allowed in YAML",
            )
        ]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML errors without a mark
        return None, [Problem(file, 1, 1, "yaml-syntax", str(exc))]
    except RecursionError:
        return None, [Problem(file, 1, 1, "too-deep", "the YAML is nested too deeply to read")]
    if node is None:
        return None, [Problem(file, 1, 1, "empty-file", "the file holds no YAML data")]
    builder = _Builder(file)
    try:
        data = builder.build(node, (), 0)
    except _Abort as abort:
        builder.fail(abort.node, abort.code, abort.message, ())
        return None, builder.problems
    if builder.problems:
        return None, builder.problems
    doc = Document(file, data, builder.positions, builder.key_positions, tuple(text.splitlines()))
    return doc, []


def _compose(text: str) -> Node | None:
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
    finally:
        loader.dispose()
    return node


def read_bytes(file: str, raw: bytes) -> tuple[Document | None, list[Problem]]:
    """Decode and parse one file's bytes."""
    text, problems = decode(file, raw)
    if text is None:
        return None, problems
    return read_text(file, text)


def _syntax_problem(file: str, exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    lines = text.splitlines()
    at = lines[line - 1][column - 1 : column] if 0 < line <= len(lines) else ""
    if at == "\t" or "'\\t'" in problem:
        return Problem(
            file,
            line,
            column,
            "yaml-tab",
            "a tab character cannot indent YAML",
            hint="indent with spaces",
        )
    context = f" {exc.context}" if exc.context else ""
    started = exc.context_mark
    if started is not None and exc.context and started.line + 1 != line:
        context += f" that starts on line {started.line + 1}"
    return Problem(file, line, column, "yaml-syntax", f"{problem}{context}".strip())


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _offset_to_position(text: str, offset: int) -> tuple[int, int]:
    head = text[:offset]
    return head.count("\n") + 1, offset - (head.rfind("\n") + 1) + 1


def walk(data: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """Every (path, value) pair in *data*, depth first."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, (*path, index))
