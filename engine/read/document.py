"""A read catalog file: its plain data and the line and column of every value and key in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.core.problems import JsonPath, Problem


@dataclass(frozen=True)
class Mark:
    """Where a value starts: 1-based line and column, and its scalar style (``"``, ``|``, …)."""

    line: int
    column: int
    style: str | None = None


def path_key(path: JsonPath) -> str:
    """The key of a JSON path in a Document's position tables."""
    return "\x1f".join(map(str, path))


@dataclass
class Document:
    """One catalog file: its data and the position of every value and key in it.

    Positions are kept as ``path_key(path) -> (line, column[, style])`` so that a cached
    document decodes without a Python loop over its values.
    """

    file: str
    data: Any
    positions: dict[str, Any] = field(default_factory=dict)
    key_positions: dict[str, Any] = field(default_factory=dict)
    lines: tuple[str, ...] = ()
    # The file as the model names it, whatever the working directory: ``catalog/products/x.yaml``.
    catalog_file: str = ""

    def mark(self, path: JsonPath, *, key: bool = False) -> Mark:
        """The position of the value at *path* (or of its key), falling back to the nearest parent."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            found = table.get(path_key(probe))
            if found is None and key:
                found = self.positions.get(path_key(probe))
            if found is not None:
                return Mark(*found)
            probe = probe[:-1]
        root = self.positions.get("")
        return Mark(*root) if root is not None else Mark(1, 1)

    def problem(
        self, path: JsonPath, code: str, message: str, *, key: bool = False, **kw: Any
    ) -> Problem:
        """A problem located at the value (or key) at *path*."""
        m = self.mark(path, key=key)
        return Problem(self.file, m.line, m.column, code, message, path=tuple(path), **kw)

    def locate_in_string(self, path: JsonPath, offset: int) -> tuple[int, int]:
        """Line and column of character *offset* inside the string value at *path*.

        Walks the scalar's source lines: a plain or quoted scalar starts at its mark, a block
        scalar (``|`` or ``>``) on the next line; each further line adds its text without
        indentation plus one joining character (a newline, or the space folding makes).
        """
        m = self.mark(path)
        if not self.lines:
            return m.line, m.column + offset
        if m.style in ("|", ">"):
            line_no, remaining = m.line + 1, offset
        else:
            shift = 1 if m.style in ('"', "'") else 0
            first = self.lines[m.line - 1][m.column - 1 + shift :].rstrip()
            if offset <= len(first):
                return m.line, m.column + shift + offset
            line_no, remaining = m.line + 1, offset - len(first) - 1
        while line_no <= len(self.lines):
            text = self.lines[line_no - 1]
            content = text.strip()
            if content and remaining <= len(content):
                return line_no, len(text) - len(text.lstrip(" ")) + 1 + remaining
            remaining -= len(content) + 1 if content else 0
            line_no += 1
        return m.line, m.column

    def _value(self, path: JsonPath) -> Any:
        value = self.data
        for part in path:
            value = value[part]
        return value
