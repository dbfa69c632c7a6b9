"""The lint registry: named checks with a description, run in the order they are registered."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.core.problems import Problem
from engine.read.document import Document
from engine.read.sources import Sources


@dataclass(frozen=True)
class Lint:
    """A named check with a description; ``check`` yields problems."""

    name: str
    description: str
    check: Callable[[Sources], Iterable[Problem]]


LINTS: list[Lint] = []


def lint(name: str, description: str) -> Callable[[Callable[[Sources], Iterable[Problem]]], Lint]:
    """Register a lint under *name*."""

    def register(check: Callable[[Sources], Iterable[Problem]]) -> Lint:
        entry = Lint(name, description, check)
        LINTS.append(entry)
        return entry

    return register


def run_lints(sources: Sources, only: Iterable[str] | None = None) -> list[Problem]:
    """Every problem every registered lint (or those named in *only*) finds."""
    wanted = set(only) if only is not None else None
    problems: list[Problem] = []
    for entry in LINTS:
        if wanted is None or entry.name in wanted:
            problems.extend(entry.check(sources))
    return problems


def priced(doc: Document) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """A product's offers and new-unit prices: (key, index, entry)."""
    for key in ("offers", "unit_prices"):
        for index, entry in enumerate(doc.data.get(key, [])):
            yield key, index, entry
