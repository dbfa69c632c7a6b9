"""care-catalog: a declarative catalog of device protection plans, its lookups and its rules.

The public names below are imported on first use (PEP 562), so ``import engine`` itself costs
next to nothing; ``engine.load()`` then loads what lookups need, and never Jinja2 or jsonschema.
"""

from __future__ import annotations

from engine.core.version import __version__

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (a third of the cost)
if TYPE_CHECKING:
    from typing import Any

    from engine.catalog.loader import Report, check, load
    from engine.catalog.lookups import Catalog
    from engine.catalog.policy import Policy
    from engine.catalog.quotes import Quote
    from engine.core.money import Money
    from engine.core.problems import CatalogError, FactError, LookupProblem, Problem, Severity
    from engine.model.entities import Offer, Plan, PlanVersion, Product, Region, Terms
    from engine.rules.decision import Decision

# Each public name and the module it lives in.
_PUBLIC = {
    "Catalog": "engine.catalog.lookups",
    "CatalogError": "engine.core.problems",
    "Decision": "engine.rules.decision",
    "FactError": "engine.core.problems",
    "LookupProblem": "engine.core.problems",
    "Money": "engine.core.money",
    "Offer": "engine.model.entities",
    "Plan": "engine.model.entities",
    "PlanVersion": "engine.model.entities",
    "Policy": "engine.catalog.policy",
    "Problem": "engine.core.problems",
    "Product": "engine.model.entities",
    "Quote": "engine.catalog.quotes",
    "Region": "engine.model.entities",
    "Report": "engine.catalog.loader",
    "Severity": "engine.core.problems",
    "Terms": "engine.model.entities",
    "check": "engine.catalog.loader",
    "load": "engine.catalog.loader",
}

__all__ = [
    "Catalog",
    "CatalogError",
    "Decision",
    "FactError",
    "LookupProblem",
    "Money",
    "Offer",
    "Plan",
    "PlanVersion",
    "Policy",
    "Problem",
    "Product",
    "Quote",
    "Region",
    "Report",
    "Severity",
    "Terms",
    "__version__",
    "check",
    "load",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
