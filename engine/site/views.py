"""What each page of the website shows: plain, pre-formatted view data built from the catalog.

Everything a template prints is decided here (or by the engine underneath): which plans apply,
every amount already formatted in its market's money, every rule's reason. Templates only lay
it out. All views are computed for one day, ``on``, so a build is reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from engine.core.resources import data_dir
from engine.model.entities import Plan, Product
from engine.site.parts import Parts
from engine.site.presentation import iso, source_view
from engine.site.product_page import ProductPage


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, its template, its title, how to make its view data.

    The view is made when the page is rendered, so pages can be rendered in separate processes.
    """

    path: str
    template: str
    title: str
    make_view: Callable[[], dict[str, Any]]

    @property
    def root(self) -> str:
        """The relative link from this page to the site's root (``""`` or ``"../"``)."""
        return "../" * self.path.count("/")


class SiteViews(Parts):
    """The view data of every page, computed for the day *on*."""

    # -- the pages -------------------------------------------------------------------------

    def pages(self) -> Iterator[Page]:
        """Every HTML page of the site, in a stable order."""
        cat = self.catalog
        yield Page("index.html", "index.html", cat.title, self.index)
        yield Page(
            "compare.html", "compare.html", "Compare every model, plan and market", self.compare
        )
        yield Page("history.html", "history.html", "How the terms changed", self.history)
        for family in cat.families.values():
            yield Page(
                f"families/{family.id}.html",
                "family.html",
                family.name,
                partial(self.family, family.id),
            )
        for product in cat.products():
            yield Page(
                f"products/{product.id}.html",
                "product.html",
                product.name,
                partial(self.product, product),
            )
        for plan in cat.plans.values():
            yield Page(f"plans/{plan.id}.html", "plan.html", plan.name, partial(self.plan, plan))
        yield Page("fields.html", "fields.html", "Catalog file reference", self.fields)
        yield Page("404.html", "404.html", "Page not found", dict)

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
            "markets": [
                {"id": r, "name": cat.regions[r].name}
                for r in sorted({o.region for o in offers}, key=lambda r: cat.regions[r].name)
            ],
            "counts": {
                "products": len(cat.products()),
                "families": len(cat.families),
                "offers": len(offers),
                "markets": len({o.region for o in offers}),
                "sources": len({o.source for o in offers}),
            },
        }

    def family(self, family_id: str) -> dict[str, Any]:
        """A family's models with each plan's replacements and a latest published price.

        The price is the default market's where it publishes one, else the first other market's
        (markets by name), under the newest terms that market prices.
        """
        cat = self.catalog
        family = cat.family(family_id)
        plans = [p for p in cat.plans.values() if self.sold(p)]
        product_page = ProductPage(self)
        rows = []
        for product in cat.products(family=family.id):
            cells = []
            for plan in plans:
                terms = self.terms(plan, product)
                prices = (
                    product_page.latest_prices(plan, product, terms.version.start) if terms else []
                )
                cells.append(
                    {
                        "replacements": terms.replacements if terms else None,
                        "flyaway": terms.flyaway_replacements if terms else None,
                        "price": prices[0] if prices else None,
                    }
                )
            rows.append(
                {
                    **self.product_link(product),
                    "cells": cells,
                    "flyaway_since": iso(product.flyaway_since),
                    "flyaway_since_exact": product.flyaway_since_exact,
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
        """Everything an owner of *product* asks: cover, plans, fees per market, rules, worth."""
        return ProductPage(self).view(product)

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
                self.version_view(plan, v, current)
                for v in reversed(plan.versions)
                if v is not current
            ],
        }

    def fields(self) -> dict[str, Any]:
        """Every catalog file kind with its fields, as the JSON Schemas describe them."""
        from engine.site.fields import field_reference

        return {"kinds": field_reference(data_dir("schema"))}

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
                            "fees": self.fee_cells(offer, product, width),
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
                if entry.bound:
                    listed = "on" if entry.eligible else "off"
                    title = f"{product.name} shown {listed} the flyaway list (changed on an unknown earlier day)"
                else:
                    listed = "added to" if entry.eligible else "removed from"
                    title = f"{product.name} {listed} the flyaway list"
                events.append(
                    {
                        "date": entry.start.isoformat(),
                        "approximate": entry.approximate,
                        "kind": "flyaway",
                        "title": title,
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
