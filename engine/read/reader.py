"""Safe YAML reading that remembers where every value came from.

PyYAML composes the text into nodes (with the C parser where it is built), resolving plain
scalars here by one expression; ``engine.read.nodes`` then builds plain data from the nodes
itself, so that it can:

* resolve scalars by the YAML 1.2 core schema (``no`` stays a string, ``2023-07-13`` stays an
  ISO string for the schema to check, ``1.5`` becomes an exact ``Decimal``);
* refuse every tag outside the core schema (``!!python/object`` and friends);
* report a duplicate key with the lines of both occurrences;
* bound alias expansion and nesting depth, so a hostile file cannot exhaust memory;
* record the line and column of every value and key, keyed by JSON path (or, reading
  shallow, only of the values two levels deep, the rest worked out again when asked for).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from engine.core.problems import JsonPath, Problem
from engine.read.document import Document, Tables
from engine.read.limits import MAX_DEPTH, flow_too_deep
from engine.read.nodes import BOOL, FLOAT, INT, MAP, MERGE, NULL, SEQ, STR, Abort, Builder

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
_PLAIN_TAGS = {"bool": BOOL, "int": INT, "float": FLOAT, "null": NULL, "merge": MERGE}


class _CoreResolver(BaseResolver):
    """Implicit tags of the YAML 1.2 core schema, and the ``<<`` merge key."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                match = _PLAIN.fullmatch(value)
                if match is not None:
                    return _PLAIN_TAGS[match.lastgroup or ""]
            return STR
        return SEQ if kind is SequenceNode else MAP


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


def read_text(
    file: str, text: str, *, shallow: bool = False
) -> tuple[Document | None, list[Problem]]:
    """Parse *text* as one YAML document; the data, or every problem found.

    *shallow*: the document records only the positions of values at most two levels deep (what
    the model records); the others are worked out from *text* again the first time a problem
    needs one, which a valid file seldom does (a quarter of reading a catalog is positions).
    """
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
    builder = Builder(file, shallow)
    try:
        data = builder.build(node, (), 0)
    except Abort as abort:
        builder.fail(abort.node, abort.code, abort.message, ())
        return None, builder.problems
    if builder.problems:
        return None, builder.problems
    if shallow:
        return Document(file, data, near=builder.positions, load=lambda: tables(file, text)), []
    doc = Document(file, data, builder.positions, builder.key_positions, tuple(text.splitlines()))
    return doc, []


def tables(file: str, text: str) -> Tables:
    """Every position and key position of *text*, and its lines (empty if it does not read)."""
    doc, _ = read_text(file, text)
    if doc is None:
        return {}, {}, ()
    return doc.positions, doc.key_positions, doc.lines


def _compose(text: str) -> Node | None:
    loader = _Loader(text)
    try:
        node: Node | None = loader.get_single_node()
    finally:
        loader.dispose()
    return node


def read_bytes(
    file: str, raw: bytes, *, shallow: bool = False
) -> tuple[Document | None, list[Problem]]:
    """Decode and parse one file's bytes (*shallow* as for ``read_text``)."""
    text, problems = decode(file, raw)
    if text is None:
        return None, problems
    return read_text(file, text, shallow=shallow)


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
