"""What each page of the website shows: plain, pre-formatted view data built from the catalog.

Everything a template prints is decided here (or by the engine underneath): which plans apply,
every amount already formatted in its market's money, every rule's reason. Templates only lay
it out. All views are computed for one day, ``on``, so a build is reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from engine.catalog import Catalog
from engine.decisions import Rule
from engine.model import Location, Offer, Plan, PlanVersion, Product, Region
from engine.money import Money
from engine.problems import FactError, LookupProblem

NOT_PUBLISHED = "not published"
FEE_MODELS = {
    "flat": "mostly the same for every replacement",
    "escalating": "rising with each replacement",
}


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, its template, its title and its view data."""

    path: str
    template: str
    title: str
    view: dict[str, Any]

    @property
    def root(self) -> str:
        """The relative link from this page to the site's root (``""`` or ``"../"``)."""
        return "../" * self.path.count("/")


def web_link(source: str) -> str | None:
    """*source* when it is an http(s) address a reader can follow, else None (shown as text)."""
    text = source.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and text == source:
        return text
    return None


def source_view(source: str) -> dict[str, Any]:
    """A source as a link (with its host as the label) or as plain text."""
    href = web_link(source)
    label = urlsplit(href).netloc.removeprefix("www.") if href else source
    return {"href": href, "label": label, "text": source}


def catalog_file(catalog: Catalog, location: Location) -> str:
    """*location* as ``products/mavic-3.yaml:12``: relative to the catalog, whatever the cwd."""
    path = Path(location.file).resolve()
    try:
        shown = path.relative_to(catalog.root.resolve()).as_posix()
    except ValueError:
        shown = path.name
    return f"{shown}:{location.line}"


class SiteViews:
    """The view data of every page, computed for the day *on*."""

    def __init__(self, catalog: Catalog, on: dt.date):
        self.catalog = catalog
        self.on = on
        self.default_region = catalog.region()

    # -- the pages -------------------------------------------------------------------------

    def pages(self) -> Iterator[Page]:
        """Every HTML page of the site, in a stable order."""
        cat = self.catalog
        yield Page("index.html", "index.html", cat.title, self.index())
        yield Page(
            "compare.html", "compare.html", "Compare every model, plan and market", self.compare()
        )
        yield Page("history.html", "history.html", "How the terms changed", self.history())
        for family in cat.families.values():
            yield Page(
                f"families/{family.id}.html", "family.html", family.name, self.family(family.id)
            )
        for product in cat.products():
            yield Page(
                f"products/{product.id}.html", "product.html", product.name, self.product(product)
            )
        for plan in cat.plans.values():
            yield Page(f"plans/{plan.id}.html", "plan.html", plan.name, self.plan(plan))
        yield Page("404.html", "404.html", "Page not found", {})

    def common(self) -> dict[str, Any]:
        """What every page's frame shows: the catalog, its plans and the day of the figures."""
        cat = self.catalog
        return {
            "catalog": {
                "title": cat.title,
                "provider": cat.provider,
                "tagline": cat.site.get("tagline"),
                "compiled": cat.compiled,
            },
            "on": self.on.isoformat(),
            "nav_plans": [{"id": p.id, "name": p.short_name} for p in cat.plans.values()],
            "default_region": self.region_view(self.default_region),
        }

    def index(self) -> dict[str, Any]:
        """Every model by category and family, the plans' terms today, and the catalog's reach."""
        cat = self.catalog
        categories = []
        for category in cat.categories.values():
            families = [
                {
                    "id": f.id,
                    "name": f.name,
                    "products": [self.product_link(p) for p in cat.products(family=f.id)],
                }
                for f in cat.families.values()
                if f.category == category.id
            ]
            categories.append(
                {
                    "id": category.id,
                    "name": category.name,
                    "description": category.description,
                    "families": families,
                    "count": sum(len(f["products"]) for f in families),
                }
            )
        offers = [o for p in cat.products() for o in p.offers]
        return {
            "description": cat.description,
            "categories": categories,
            "plans": [self.plan_summary(plan) for plan in cat.plans.values()],
            "counts": {
                "products": len(cat.products()),
                "families": len(cat.families),
                "offers": len(offers),
                "markets": len({o.region for o in offers}),
                "sources": len({o.source for o in offers}),
            },
        }

    def family(self, family_id: str) -> dict[str, Any]:
        """A family's models with each plan's replacements and price in the default market."""
        cat = self.catalog
        family = cat.family(family_id)
        plans = [p for p in cat.plans.values() if self._sold(p)]
        rows = []
        for product in cat.products(family=family.id):
            cells = []
            for plan in plans:
                terms = self._terms(plan, product)
                price = self._price(product, plan)
                cells.append(
                    {
                        "replacements": terms.replacements if terms else None,
                        "flyaway": terms.flyaway_replacements if terms else None,
                        "price": self.money_cell(price, self.default_region),
                    }
                )
            rows.append(
                {
                    **self.product_link(product),
                    "cells": cells,
                    "flyaway_since": _iso(product.flyaway_since),
                    "offers": len(product.offers),
                }
            )
        return {
            "family": {
                "id": family.id,
                "name": family.name,
                "description": family.description,
                "category": cat.categories[family.category].name,
                "components": self.component_names(family.covered_components),
                "components_sources": [source_view(s) for s in family.components_sources],
            },
            "plans": [{"id": p.id, "name": p.short_name} for p in plans],
            "rows": rows,
        }

    def product(self, product: Product) -> dict[str, Any]:
        """Everything a owner of *product* asks: cover, plans, fees per market, rules, worth."""
        cat = self.catalog
        family = cat.families[product.family]
        components = cat.covered_components(product)
        return {
            "product": {
                "id": product.id,
                "name": product.name,
                "description": product.description,
                "family": {"id": family.id, "name": family.name},
                "category": cat.categories[product.category].name,
            },
            "components": self.component_names(components),
            "not_covered": [
                {"name": c.name, "description": c.description}
                for c in cat.components.values()
                if components is not None and c.id not in components
            ],
            "components_sources": [
                source_view(s) for s in (product.components_sources or family.components_sources)
            ],
            "incidents": self.incidents(product),
            "plans": [self.plan_terms(plan, product) for plan in cat.plans.values()],
            "fee_tables": [
                table for plan in cat.plans.values() if (table := self.fee_table(plan, product))
            ],
            "purchase": self.purchase_rules(),
            "flyaway": {
                "since": _iso(product.flyaway_since),
                "eligible_now": product.flyaway_eligible_on(self.on),
                "entries": [
                    {
                        "from": e.start.isoformat(),
                        "eligible": e.eligible,
                        "approximate": e.approximate,
                        "note": e.note,
                        "source": source_view(e.source),
                    }
                    for e in product.flyaway
                ],
            },
            "worth": self.worth(product),
        }

    def plan(self, plan: Plan) -> dict[str, Any]:
        """A plan's terms today, every version with its changes, and its decision tables."""
        current = plan.version_on(self.on)
        return {
            "plan": {
                "id": plan.id,
                "name": plan.name,
                "short_name": plan.short_name,
                "description": plan.description,
                "renews": [self.catalog.plans[r].name for r in plan.renews],
            },
            "current": self.version_view(plan, current) if current else None,
            "versions": [
                self.version_view(plan, v) for v in reversed(plan.versions) if v is not current
            ],
        }

    def compare(self) -> dict[str, Any]:
        """One row per published offer (and per model without any), with filter and sort keys."""
        cat = self.catalog
        width = max(
            (len(o.fees) for p in cat.products() for o in p.offers if not o.flat_fee), default=1
        )
        width = max(
            [width]
            + [
                a.replacements
                for plan in cat.plans.values()
                for v in plan.versions
                for a in v.allowances.values()
            ]
        )
        rows = []
        for product in cat.products():
            base = {
                **self.product_link(product),
                "family": product.family,
                "family_name": cat.families[product.family].name,
                "category": product.category,
            }
            if not product.offers:
                rows.append({**base, "offer": None})
            for offer in product.offers:
                region = cat.region(offer.region)
                rows.append(
                    {
                        **base,
                        "offer": {
                            "plan": cat.plans[offer.plan].short_name,
                            "plan_id": offer.plan,
                            "region": region.id,
                            "region_name": region.name,
                            "terms": self.terms_label(offer),
                            "price": self.money_cell(offer.price, region),
                            "fees": [
                                self.money_cell(offer.fee_for_replacement(n), region)
                                for n in range(1, width + 1)
                            ],
                            "flyaway": self.money_cell(offer.flyaway_fee, region),
                            "checked": offer.checked,
                            "source": source_view(offer.source),
                            "doubtful": offer.doubtful,
                        },
                    }
                )
        regions = sorted(
            {o.region for p in cat.products() for o in p.offers},
            key=lambda r: cat.regions[r].name,
        )
        return {
            "rows": rows,
            "fee_numbers": list(range(1, width + 1)),
            "families": [{"id": f.id, "name": f.name} for f in cat.families.values()],
            "categories": [{"id": c.id, "name": c.name} for c in cat.categories.values()],
            "regions": [{"id": r, "name": cat.regions[r].name} for r in regions],
        }

    def history(self) -> dict[str, Any]:
        """Every dated change, newest first: plan versions and flyaway-list changes."""
        cat = self.catalog
        events: list[dict[str, Any]] = []
        for plan in cat.plans.values():
            for version in plan.versions:
                events.append(
                    {
                        "date": version.start.isoformat(),
                        "approximate": version.approximate,
                        "kind": "terms",
                        "title": f"{plan.name}: {version.label}",
                        "link": f"plans/{plan.id}.html",
                        "changes": list(version.changes),
                        "sources": [source_view(s) for s in version.sources],
                    }
                )
        for product in cat.products():
            for entry in product.flyaway:
                listed = "added to" if entry.eligible else "removed from"
                events.append(
                    {
                        "date": entry.start.isoformat(),
                        "approximate": entry.approximate,
                        "kind": "flyaway",
                        "title": f"{product.name} {listed} the flyaway list",
                        "link": f"products/{product.id}.html",
                        "changes": [entry.note] if entry.note else [],
                        "sources": [source_view(entry.source)],
                    }
                )
        events.sort(key=lambda e: (e["date"], e["kind"], e["title"]), reverse=True)
        years: dict[str, list[dict[str, Any]]] = {}
        for event in events:
            years.setdefault(event["date"][:4], []).append(event)
        return {"years": [{"year": y, "events": e} for y, e in years.items()]}

    # -- parts -----------------------------------------------------------------------------

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

    def plan_terms(self, plan: Plan, product: Product) -> dict[str, Any]:
        """What *plan* gives *product* if bought on the build day, or why it cannot be."""
        view: dict[str, Any] = {"id": plan.id, "name": plan.short_name, "full_name": plan.name}
        try:
            terms = self.catalog.terms(plan, product, self.on)
        except LookupProblem as problem:
            return {**view, "available": False, "reason": _sentence(str(problem))}
        price = self._price(product, plan)
        return {
            **view,
            "available": True,
            "replacements": terms.replacements,
            "flyaway": terms.flyaway_replacements,
            "term_months": terms.term_months,
            "warranty_months": terms.warranty_months,
            "version": terms.version.label,
            "since": terms.version.start.isoformat(),
            "price": self.money_cell(price, self.default_region),
        }

    def fee_table(self, plan: Plan, product: Product) -> dict[str, Any] | None:
        """Every offer of *plan* for *product*, market by market, with its source."""
        offers = [o for o in product.offers if o.plan == plan.id]
        if not offers:
            return None
        counts = {
            v.start: a.replacements
            for v in plan.versions
            if (a := v.allowances.get(product.category)) is not None
        }
        width = max([*counts.values(), *(len(o.fees) for o in offers if not o.flat_fee), 1])
        rows = []
        for offer in sorted(
            offers, key=lambda o: (self.catalog.regions[o.region].name, o.terms or dt.date.min)
        ):
            region = self.catalog.region(offer.region)
            given = counts.get(offer.terms, width) if offer.terms else width
            fees = []
            for number in range(1, width + 1):
                if number > given:
                    fees.append(
                        {
                            "text": "—",
                            "published": True,
                            "title": f"these terms give {given} replacements",
                        }
                    )
                else:
                    fees.append(
                        {
                            **self.money_cell(offer.fee_for_replacement(number), region),
                            "title": None,
                        }
                    )
            rows.append(
                {
                    "region": region.name,
                    "currency": offer.currency,
                    "terms": self.terms_label(offer),
                    "price": self.money_cell(offer.price, region),
                    "fees": fees,
                    "flat": offer.flat_fee,
                    "flyaway": self.money_cell(offer.flyaway_fee, region),
                    "seller": offer.seller,
                    "source": source_view(offer.source),
                    "checked": offer.checked,
                    "doubtful": offer.doubtful,
                    "note": offer.note,
                    "partial": offer.partial_fees,
                }
            )
        return {
            "plan": {"id": plan.id, "name": plan.name, "short_name": plan.short_name},
            "numbers": list(range(1, width + 1)),
            "rows": rows,
        }

    def purchase_rules(self) -> list[dict[str, Any]]:
        """The purchase rules in force, in order; plans sharing the same rules are listed once."""
        groups: list[dict[str, Any]] = []
        seen: dict[tuple[str, ...], dict[str, Any]] = {}
        for plan in self.catalog.plans.values():
            version = plan.version_on(self.on)
            rules = version.decisions.get("purchase", ()) if version else ()
            if not rules:
                continue
            key = tuple(str(r.location) for r in rules)
            if key in seen:
                seen[key]["plans"].append(plan.short_name)
                continue
            group = {"plans": [plan.short_name], "rules": [self.rule_view(r) for r in rules]}
            seen[key] = group
            groups.append(group)
        return groups

    def incidents(self, product: Product) -> dict[str, Any] | None:
        """Each incident decided by the claim rules: a first claim on a plan bought today."""
        cat = self.catalog
        plan = next((p for p in cat.plans.values() if self._terms(p, product)), None)
        if plan is None:
            return None
        rows = []
        for incident in cat.incidents.values():
            try:
                decision = cat.decide(
                    "claim",
                    product=product.id,
                    plan=plan.id,
                    region=self.default_region.id,
                    policy_start=self.on,
                    incident=incident.id,
                    incident_on=self.on,
                    replacements_used=0,
                    flyaway_used=0,
                    rc_bound=True,
                )
            except (LookupProblem, FactError):
                continue
            fee = decision.values.get("fee")
            rows.append(
                {
                    "name": incident.name,
                    "kind": incident.kind,
                    "covered": decision.outcome != "not-covered",
                    "outcome": decision.outcome.replace("-", " "),
                    "because": decision.because,
                    "fee": self.format(fee, self.default_region)
                    if isinstance(fee, Money)
                    else None,
                }
            )
        return {"plan": plan.name, "region": self.default_region.name, "rows": rows}

    def worth(self, product: Product) -> list[dict[str, Any]]:
        """Total cost of each plan by number of incidents, per market where a price is known.

        Each plan's totals are those of the terms in force on the build day; where that market
        publishes no price under them, those of the latest terms it does publish a price for.
        """
        cat = self.catalog
        markets = []
        region_ids = sorted(
            {o.region for o in product.offers},
            key=lambda r: (r != cat.default_region, cat.regions[r].name),
        )
        for region_id in region_ids:
            region = cat.region(region_id)
            columns: list[dict[str, Any]] = []
            for plan in cat.plans.values():
                eras = sorted(
                    {
                        o.terms
                        for o in product.offers
                        if o.plan == plan.id and o.region == region_id and o.terms and o.price
                    },
                    reverse=True,
                )
                for day in [self.on, *(e for e in eras if e < self.on)]:
                    try:
                        totals = cat.total_costs(product, plan, region_id, day)
                    except LookupProblem:
                        continue
                    version = cat.version(plan, day)
                    columns.append(
                        {"plan": plan.short_name, "terms": version.label, "totals": totals}
                    )
                    break
            if not columns:
                continue
            most = max(len(c["totals"]) for c in columns)
            rows = [
                {
                    "incidents": n,
                    "cells": [
                        self.money_cell(c["totals"][n], region)
                        if n < len(c["totals"])
                        else {"text": "beyond the plan", "sort": "", "published": False}
                        for c in columns
                    ],
                }
                for n in range(most)
            ]
            markets.append(
                {
                    "region": region.name,
                    "id": region.id,
                    "plans": [{"name": c["plan"], "terms": c["terms"]} for c in columns],
                    "rows": rows,
                }
            )
        return markets

    def version_view(self, plan: Plan, version: PlanVersion) -> dict[str, Any]:
        """A version's dates, allowances, changes, sources and decision tables."""
        return {
            "from": version.start.isoformat(),
            "approximate": version.approximate,
            "label": version.label,
            "sold": version.sold,
            "term_months": version.term_months,
            "warranty_months": version.warranty_months,
            "fees": FEE_MODELS.get(version.fee_model or ""),
            "allowances": [
                {
                    "category": self.catalog.categories[c].name,
                    "replacements": a.replacements,
                    "flyaway": a.flyaway,
                }
                for c, a in sorted(version.allowances.items())
            ],
            "changes": list(version.changes),
            "sources": [source_view(s) for s in version.sources],
            "decisions": [
                {"name": name, "rules": [self.rule_view(r) for r in rules]}
                for name, rules in version.decisions.items()
            ],
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
            "defined_at": catalog_file(self.catalog, rule.location),
        }

    # -- helpers ---------------------------------------------------------------------------

    def _sold(self, plan: Plan) -> bool:
        version = plan.version_on(self.on)
        return bool(version and version.sold)

    def _terms(self, plan: Plan, product: Product) -> Any:
        try:
            return self.catalog.terms(plan, product, self.on)
        except LookupProblem:
            return None

    def _price(self, product: Product, plan: Plan) -> Money | None:
        try:
            return self.catalog.price(product, plan, self.default_region.id, self.on)
        except LookupProblem:
            return None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
