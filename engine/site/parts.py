"""The parts pages share: formatted money cells, fee cells, labels, and views of plans and rules.

Every page view (``SiteViews``, ``ProductPage``) builds on these, for one catalog and one day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.catalog.export import version_json
from engine.catalog.lookups import Catalog
from engine.core.dates import is_stale
from engine.core.money import Money
from engine.core.problems import LookupProblem
from engine.model.entities import Offer, Plan, PlanVersion, Product, Region, Terms
from engine.rules.decision import Rule
from engine.site.presentation import NOT_PUBLISHED, catalog_file, source_view

FEE_MODELS = {
    "flat": "mostly the same for every replacement",
    "escalating": "rising with each replacement",
}


class Parts:
    """Formatting and small views for the day *on*, shared by every page."""

    def __init__(self, catalog: Catalog, on: dt.date):
        self.catalog = catalog
        self.on = on
        self.default_region = catalog.region()

    # -- parts -----------------------------------------------------------------------------

    def stale(self, checked: str) -> bool:
        """Whether a value checked as *checked* is older than the catalog's freshness limit on
        the build day (False where the catalog sets none, or the text bounds no latest day)."""
        limit = self.catalog.stale_after
        return bool(limit and is_stale(checked, limit, self.on))

    def product_link(self, product: Product) -> dict[str, Any]:
        """A product's id, name and page."""
        return {"id": product.id, "name": product.name, "url": f"products/{product.id}.html"}

    def region_view(self, region: Region) -> dict[str, Any]:
        """A market's id, name and currency."""
        return {"id": region.id, "name": region.name, "currency": region.currency}

    def component_names(self, ids: tuple[str, ...] | None) -> list[dict[str, Any]] | None:
        """Component names and descriptions; None when the catalog does not publish them."""
        if ids is None:
            return None
        return [
            {
                "name": self.catalog.components[c].name,
                "description": self.catalog.components[c].description,
            }
            for c in ids
        ]

    def format(self, money: Money | None, region: Region) -> str:
        """*money* in the market's own format, or "not published"."""
        return money.format(region.locale) if money is not None else NOT_PUBLISHED

    def money_cell(self, money: Money | None, region: Region) -> dict[str, Any]:
        """A table cell: formatted text, a numeric sort key, and whether it is published."""
        return {
            "text": self.format(money, region),
            "sort": str(money.amount) if money is not None else "",
            "published": money is not None,
        }

    def fee_cells(self, offer: Offer, product: Product, width: int) -> list[dict[str, Any]]:
        """The fees of replacements 1..*width*; a dash past the count the offer's terms give."""
        region = self.catalog.region(offer.region)
        given = width
        if offer.terms is not None:
            version = self.catalog.plans[offer.plan].version_on(offer.terms)
            allowance = version.allowances.get(product.category) if version else None
            given = allowance.replacements if allowance else width
        cells = []
        for number in range(1, width + 1):
            if number > given:
                title = f"these terms give {given} replacement{'s' if given != 1 else ''}"
                cells.append({"text": "—", "sort": "", "published": True, "title": title})
            else:
                money = offer.fee_for_replacement(number)
                cells.append({**self.money_cell(money, region), "title": None})
        return cells

    def terms_label(self, offer: Offer) -> str:
        """The plan version an offer's amounts belong to, or that the source does not say."""
        if offer.terms is None:
            return "not stated"
        version = self.catalog.plans[offer.plan].version_on(offer.terms)
        return version.label if version else offer.terms.isoformat()

    def plan_summary(self, plan: Plan) -> dict[str, Any]:
        """A plan's name, description and allowances per category today."""
        version = plan.version_on(self.on)
        allowances = []
        if version is not None and version.sold:
            for category, allowance in sorted(version.allowances.items()):
                allowances.append(
                    {
                        "category": self.catalog.categories[category].name,
                        "replacements": allowance.replacements,
                        "flyaway": allowance.flyaway,
                    }
                )
        return {
            "id": plan.id,
            "name": plan.name,
            "short_name": plan.short_name,
            "description": plan.description,
            "sold": bool(version and version.sold),
            "label": version.label if version else None,
            "since": version.start.isoformat() if version else None,
            "term_months": version.term_months if version else None,
            "allowances": allowances,
        }

    def version_view(
        self, plan: Plan, version: PlanVersion, current: PlanVersion | None = None
    ) -> dict[str, Any]:
        """A version's dates, allowances, changes, sources and decision tables.

        Decisions whose rules are those of *current* are named in ``same_rules``, not repeated.
        """

        def key(rules: tuple[Rule, ...]) -> tuple[str, ...]:
            return tuple(str(r.location) for r in rules)

        same = {
            name
            for name, rules in version.decisions.items()
            if current is not None and key(current.decisions.get(name, ())) == key(rules)
        }
        return {
            **version_json(version),
            "fees": FEE_MODELS.get(version.fee_model or ""),
            "allowances": [
                {
                    "category": self.catalog.categories[c].name,
                    "replacements": a.replacements,
                    "flyaway": a.flyaway,
                }
                for c, a in sorted(version.allowances.items())
            ],
            "sources": [source_view(s) for s in version.sources],
            "decisions": [
                {"name": name, "rules": [self.rule_view(r) for r in rules]}
                for name, rules in version.decisions.items()
                if name not in same
            ],
            "same_rules": [name for name in version.decisions if name in same],
        }

    def rule_view(self, rule: Rule) -> dict[str, Any]:
        """A rule as a table row: when, outcome, because, its values and where it is written."""
        return {
            "id": rule.id,
            "when": rule.when.source,
            "outcome": rule.outcome,
            "because": rule.because,
            "computes": [{"name": n, "expression": v.source} for n, v in rule.values.items()],
            "sources": [source_view(s) for s in rule.sources],
            "defined_at": catalog_file(rule.location),
        }

    # -- helpers ---------------------------------------------------------------------------

    def sold(self, plan: Plan) -> bool:
        """Whether *plan* is sold on the build day."""
        version = plan.version_on(self.on)
        return bool(version and version.sold)

    def terms(self, plan: Plan, product: Product) -> Terms | None:
        """What *plan* gives *product* bought on the build day; None when it cannot be bought."""
        try:
            return self.catalog.terms(plan, product, self.on)
        except LookupProblem:
            return None
