"""A pytest plugin: every scenario case in a catalog's ``cases/`` folder becomes a test item.

Enabled for this project in pyproject.toml (``-p engine.pytest_plugin``); another catalog's
repository can enable it the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.catalog.cases import Case, read_cases, run_case
from engine.catalog.loader import load
from engine.catalog.lookups import Catalog

_catalogs: dict[Path, Catalog] = {}


def _catalog_for(root: Path) -> Catalog:
    if root not in _catalogs:
        _catalogs[root] = load(root)
    return _catalogs[root]


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect ``<catalog>/cases/*.yaml`` where ``<catalog>/catalog.yaml`` exists."""
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "cases"
        and (file_path.parent.parent / "catalog.yaml").is_file()
    ):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    """A YAML file of scenario cases."""

    def collect(self) -> Iterator[pytest.Item]:
        for case in read_cases([self.path]):
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseItem(pytest.Item):
    """One scenario case."""

    def __init__(self, *, case: Case, **kwargs: Any):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        outcome = run_case(_catalog_for(self.path.parent.parent), self.case)
        if not outcome.passed:
            raise CaseFailure(outcome.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"case: {self.case.name}"


class CaseFailure(Exception):
    """A case whose answer differs from what it expects."""
