"""care-catalog: a declarative catalog of device protection plans, its lookups and its rules."""

from __future__ import annotations

__version__ = "0.1.0"

from engine.catalog import Catalog, Quote
from engine.decisions import Decision
from engine.loader import Report, check, load
from engine.model import Offer, Plan, PlanVersion, Product, Region, Terms
from engine.money import Money
from engine.policy import Policy
from engine.problems import CatalogError, FactError, LookupProblem, Problem, Severity

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
