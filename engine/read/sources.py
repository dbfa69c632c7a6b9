"""The documents of one catalog, by kind: what the lints check and the linker builds from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.read.document import Document


@dataclass
class Sources:
    """The validated documents of one catalog, by kind (families, products and plans by file stem)."""

    catalog: Document | None = None
    regions: Document | None = None
    components: Document | None = None
    incidents: Document | None = None
    families: dict[str, Document] = field(default_factory=dict)
    products: dict[str, Document] = field(default_factory=dict)
    plans: dict[str, Document] = field(default_factory=dict)
    rulesets: dict[str, Document] = field(default_factory=dict)
    cases: dict[str, Document] = field(default_factory=dict)
    broken: set[tuple[str, str]] = field(default_factory=set)
    # (kind, stem) of files known valid but not read this time (a rebuild reads only changed models)
    elsewhere: set[tuple[str, str]] = field(default_factory=set)

    def table(self, kind: str) -> dict[str, Document]:
        """The documents of one per-file kind (family, product, plan, rules, cases) by file stem."""
        return {
            "family": self.families,
            "product": self.products,
            "plan": self.plans,
            "rules": self.rulesets,
            "cases": self.cases,
        }[kind]

    def exists(self, kind: str, stem: str) -> bool:
        """Whether a file of *kind* (family, product, plan) has this id, valid or not.

        A file that failed to read or validate has already been reported; naming it elsewhere is
        not a second mistake.
        """
        if stem in self.table(kind) or (kind, stem) in self.elsewhere:
            return True
        return {(kind, stem), (kind, "*")} & self.broken != set()

    def vocabulary(self, name: str) -> dict[str, dict[str, Any]]:
        """The entries of a vocabulary list (regions, components, incidents) by id."""
        doc = getattr(self, name)
        return {e["id"]: e for e in doc.data[name]} if doc else {}

    @property
    def categories(self) -> dict[str, dict[str, Any]]:
        """The categories of catalog.yaml by id."""
        return {c["id"]: c for c in self.catalog.data["categories"]} if self.catalog else {}

    def plan_versions(self, plan_id: str) -> list[dict[str, Any]]:
        """The versions of a plan, as written."""
        doc = self.plans.get(plan_id)
        return list(doc.data["versions"]) if doc else []

    def product_category(self, product: Document) -> str | None:
        """The category of a product, through its family."""
        family = self.families.get(product.data["family"])
        return family.data["category"] if family else None
