"""care-catalog: a declarative catalog of device protection plans, its lookups and its rules."""

from __future__ import annotations

__version__ = "0.1.0"

from engine.catalog import Catalog, Quote  # noqa: E402
from engine.loader import Report, check, load  # noqa: E402
from engine.model import Offer, Plan, PlanVersion, Product, Region, Terms  # noqa: E402
from engine.money import Money  # noqa: E402
from engine.problems import CatalogError, LookupProblem, Problem, Severity  # noqa: E402

__all__ = [
    "Catalog",
    "CatalogError",
    "LookupProblem",
    "Money",
    "Offer",
    "Plan",
    "PlanVersion",
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
