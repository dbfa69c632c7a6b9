"""A read catalog file: its plain data and the line and column of every value and key in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


Tables = tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]


def _near(positions: dict[str, Any]) -> dict[str, Any]:
    """The positions of values at most two levels deep (``offers/3``): what the model records."""
    return {k: v for k, v in positions.items() if k.count("\x1f") <= 1}


class Document:
    """One catalog file: its data and the position of every value and key in it.

    Positions are kept as ``path_key(path) -> (line, column[, style])`` so that a cached
    document decodes without a Python loop over its values. A cached document may hold only the
    positions at most two levels deep and a way to *load* the rest: most valid files are never
    asked for a deeper one, so their full tables are never decoded or kept.
    """

    __slots__ = ("_load", "_near", "_tables", "catalog_file", "data", "file")

    def __init__(
        self,
        file: str,
        data: Any,
        positions: dict[str, Any] | None = None,
        key_positions: dict[str, Any] | None = None,
        lines: tuple[str, ...] = (),
        catalog_file: str = "",
        *,
        near: dict[str, Any] | None = None,
        load: Callable[[], Tables] | None = None,
    ) -> None:
        self.file = file
        self.data = data
        # The file as the model names it, whatever the working directory: ``catalog/products/x.yaml``.
        self.catalog_file = catalog_file
        self._tables: Tables | None = (
            None if load is not None else (positions or {}, key_positions or {}, lines)
        )
        self._load = load
        self._near = near

    def _full(self) -> Tables:
        if self._tables is None:
            assert self._load is not None
            self._tables, self._load = self._load(), None
        return self._tables

    @property
    def positions(self) -> dict[str, Any]:
        """``path_key(path) -> (line, column[, style])`` of every value."""
        return self._full()[0]

    @property
    def key_positions(self) -> dict[str, Any]:
        """``path_key(path) -> (line, column)`` of every mapping key."""
        return self._full()[1]

    @property
    def lines(self) -> tuple[str, ...]:
        """The file's source lines."""
        return self._full()[2]

    @property
    def near_positions(self) -> dict[str, Any]:
        """The positions of values at most two levels deep."""
        if self._near is None:
            self._near = _near(self.positions)
        return self._near

    def mark(self, path: JsonPath, *, key: bool = False) -> Mark:
        """The position of the value at *path* (or of its key), falling back to the nearest parent."""
        if not key and len(path) <= 2 and self._near is not None:
            table = self._near  # every parent of a shallow path is shallow too
        else:
            table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            found = table.get(path_key(probe))
            if found is None and key:
                found = self.positions.get(path_key(probe))
            if found is not None:
                return Mark(*found)
            probe = probe[:-1]
        root = table.get("") if table is self._near else self.positions.get("")
        return Mark(*root) if root is not None else Mark(1, 1)

    def line(self, path: JsonPath) -> int:
        """The line of the value at *path* (or of its nearest parent): ``mark(path).line``."""
        if len(path) <= 2 and self._near is not None:
            found = self._near.get(path_key(path))
            if found is not None:
                return found[0]  # type: ignore[no-any-return]
        return self.mark(path).line

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
