"""Scenario cases: YAML files that state what the catalog must answer, and their runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from engine.catalog.lookups import Catalog
from engine.core.problems import CatalogError, LookupProblem, Problem
from engine.core.resources import data_dir
from engine.read.files import display_path
from engine.read.reader import read_bytes
from engine.validate.schemas import SchemaSet


@dataclass(frozen=True)
class Case:
    """One case: what to ask, what to expect, and where it is written."""

    name: str
    kind: str
    query: Mapping[str, Any]
    expect: Mapping[str, Any]
    file: str
    line: int

    @property
    def where(self) -> str:
        """``file:line`` of the case."""
        return f"{self.file}:{self.line}"


@dataclass
class Outcome:
    """The result of running one case."""

    case: Case
    passed: bool
    mismatches: list[str] = field(default_factory=list)
    actual: Any = None
    decided_by: str | None = None

    def report(self) -> str:
        """Expected vs actual, and what decided, for a failing case."""
        lines = [f"{self.case.where}: FAIL {self.case.name}"]
        lines += [f"    {m}" for m in self.mismatches]
        if self.decided_by:
            lines.append(f"    decided by: {self.decided_by}")
        return "\n".join(lines)


def case_files(paths: Iterable[str | Path] = ()) -> list[Path]:
    """The case files named (folders expand to their *.yaml), default the shipped catalog's cases/."""
    chosen = [Path(p) for p in paths] or [data_dir("catalog") / "cases"]
    files: list[Path] = []
    for path in chosen:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


def read_cases(files: Iterable[Path]) -> list[Case]:
    """Every case of *files*; raises CatalogError with every problem (syntax, unknown keys, …)."""
    schemas = SchemaSet(data_dir("schema"))
    cases: list[Case] = []
    problems: list[Problem] = []
    for file in files:
        shown = display_path(file)
        try:
            raw = file.read_bytes()
        except OSError as exc:
            problems.append(
                Problem(shown, 1, 1, "unreadable", f"cannot read the file: {exc.strerror}")
            )
            continue
        doc, found = read_bytes(shown, raw)
        if doc is None:
            problems.extend(found)
            continue
        found = schemas.check(doc, "cases")
        if found:
            problems.extend(found)
            continue
        for index, entry in enumerate(doc.data):
            kind = next(k for k in ("decide", "quote", "terms") if k in entry)
            query = (
                entry[kind]
                if kind != "decide"
                else {"decision": entry["decide"], **entry.get("facts", {})}
            )
            cases.append(
                Case(entry["name"], kind, query, entry["expect"], shown, doc.mark((index,)).line)
            )
    if problems:
        raise CatalogError(problems)
    return cases


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def answer(catalog: Catalog, case: Case) -> tuple[Any, str | None]:
    """What the catalog answers to *case*, as plain data, and what decided it."""
    q = case.query
    if case.kind == "terms":
        terms = catalog.terms(q["plan"], q["product"], _date(q["on"]))
        return terms.to_json(), str(terms.version.location)
    if case.kind == "quote":
        on = _date(q.get("on"))
        if q.get("price"):
            quote = catalog.price_quote(q["product"], q["plan"], q["region"], on)
        else:
            quote = catalog.fee_quote(
                q["product"],
                q["plan"],
                q["region"],
                q.get("replacement", 1),
                q.get("flyaway", False),
                on,
            )
        return quote.to_json(catalog.region(q["region"])), str(quote.offer.location)
    decide = getattr(catalog, "decide", None)
    if decide is None:
        raise LookupProblem("this catalog cannot make decisions")
    facts = {k: v for k, v in q.items() if k != "decision"}
    decision = decide(q["decision"], **facts)
    return decision.to_json(), f"{decision.rule} ({decision.location})"


def run_case(catalog: Catalog, case: Case) -> Outcome:
    """Run one case and compare only the keys its ``expect`` names."""
    expected_error = case.expect.get("error") if set(case.expect) == {"error"} else None
    try:
        actual, decided_by = answer(catalog, case)
    except LookupProblem as problem:
        if expected_error is not None and str(expected_error).lower() in str(problem).lower():
            return Outcome(case, True, actual={"error": str(problem)})
        want = f"an error containing {expected_error!r}" if expected_error else "an answer"
        return Outcome(
            case, False, [f"expected {want}, got error: {problem}"], {"error": str(problem)}
        )
    if expected_error is not None:
        return Outcome(
            case, False, [f"expected an error containing {expected_error!r}, got {actual}"], actual
        )
    mismatches = list(compare(case.expect, actual))
    return Outcome(case, not mismatches, mismatches, actual, decided_by)


def compare(expected: Any, actual: Any, path: str = "") -> Iterator[str]:
    """Mismatches between *expected* and the matching part of *actual*; numbers compare by value."""
    here = path or "answer"
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            yield f"{here}: expected a mapping, got {actual!r}"
            return
        for key, value in expected.items():
            if key not in actual:
                yield f"{here}.{key}: expected {value!r}, but the answer has no '{key}'"
            else:
                yield from compare(value, actual[key], f"{path}.{key}" if path else key)
        return
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f"{here}: expected {len(expected)} items {expected!r}, got {len(actual)} {actual!r}"
            return
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            yield from compare(e, a, f"{path}[{index}]")
        return
    if (
        _number(expected) is not None
        and _number(actual) is not None
        and not isinstance(expected, bool)
    ):
        if _number(expected) != _number(actual):
            yield f"{here}: expected {expected}, got {actual}"
        return
    if isinstance(expected, str) and isinstance(actual, str):
        # Locales put non-breaking spaces in money ("289,00\u00a0zł"); a case may type a plain one.
        if _spaces(expected) != _spaces(actual):
            yield f"{here}: expected {expected!r}, got {actual!r}"
        return
    if expected != actual:
        yield f"{here}: expected {expected!r}, got {actual!r}"


def _spaces(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None
