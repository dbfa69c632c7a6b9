"""care-catalog: a declarative catalog of device protection plans, its lookups and its rules."""

from __future__ import annotations

from engine.catalog.loader import Report, check, load
from engine.catalog.lookups import Catalog
from engine.catalog.policy import Policy
from engine.catalog.quotes import Quote
from engine.core.money import Money
from engine.core.problems import CatalogError, FactError, LookupProblem, Problem, Severity
from engine.core.version import __version__
from engine.model.entities import Offer, Plan, PlanVersion, Product, Region, Terms
from engine.rules.decision import Decision

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
