"""Problems found in a catalog, and the one error that carries them."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

JsonPath = tuple[str | int, ...]


class Severity(enum.Enum):
    """How bad a problem is: errors block loading, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: where it is, what it is, and how to fix it."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)
    path: JsonPath = field(default=(), compare=False)
    hint: str | None = field(default=None, compare=False)

    @property
    def json_path(self) -> str:
        """The JSON path of the value at fault, e.g. ``$.offers[2].fees[1]``."""
        return format_json_path(self.path)

    def format(self) -> str:
        """``file:line:col: error[code]: message`` (plus the JSON path and hint when known)."""
        text = f"{self.file}:{self.line}:{self.column}: {self.severity.value}[{self.code}]: {self.message}"
        if self.path:
            text += f" (at {self.json_path})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict[str, object]:
        """A plain mapping for ``--format json`` output."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": self.json_path,
            "hint": self.hint,
        }


class CatalogError(Exception):
    """Raised when a catalog cannot be used; holds every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        errors = self.errors
        first = errors[0].format() if errors else "no problems recorded"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Only the problems of severity error."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Only the problems of severity warning."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


class LookupProblem(KeyError):
    """An id or a number the catalog does not have; the message says what is missing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnknownId(LookupProblem):
    """An id the catalog does not have (a caller's mistake, not a gap in the catalog)."""


class FactError(LookupProblem):
    """A decision's facts are missing, unknown or of the wrong form (a caller's mistake)."""


def format_json_path(path: Iterable[str | int]) -> str:
    """Render a path tuple as ``$.a[0].b``."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest of *choices* to *word*, or None when nothing is close."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    best = suggest(word, choices)
    return f" (did you mean '{best}'?)" if best else ""


def unknown_id(kind: str, wanted: str, known: Iterable[str]) -> UnknownId:
    """The error for an id the catalog does not know, with the closest ids."""
    known = sorted(known)
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    tail = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    shown = ", ".join(known[:_LISTED]) + (
        f" … ({len(known)} in all)" if len(known) > _LISTED else ""
    )
    return UnknownId(f"unknown {kind} '{wanted}'{tail}\n  {kind}s: {shown}")


# An unknown id lists the valid ones, up to this many (every id of the shipped catalog fits).
_LISTED = 80
