"""What each page of the website shows: plain, pre-formatted view data built from the catalog.

Everything a template prints is decided here (or by the engine underneath): which plans apply,
every amount already formatted in its market's money, every rule's reason. Templates only lay
it out. All views are computed for one day, ``on``, so a build is reproducible.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from engine.core.resources import data_dir
from engine.model.entities import Plan, Product
from engine.site import paging
from engine.site.feeds import Feeds
from engine.site.presentation import iso, source_view
from engine.site.product_page import ProductPage


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, its template, its title, how to make its view data.

    The view is made when the page is rendered, so pages can be rendered in separate processes.
    *shows* names what of the catalog the page prints beyond its shared parts (plans, families,
    regions, settings): the ids of the products whose files it reads (None: every product), and
    *shape*, any other figure it depends on. A page of every model names instead the kinds of
    model shares it *uses* (``engine.site.shares``). An incremental build renders a page again
    only when one of these, or a shared part, changed.
    """

    path: str
    template: str
    title: str
    make_view: Callable[[], dict[str, Any]]
    shows: tuple[str, ...] | None = None
    shape: str = ""
    uses: tuple[str, ...] = ()

    @property
    def root(self) -> str:
        """The relative link from this page to the site's root (``""`` or ``"../"``)."""
        return "../" * self.path.count("/")


# The most a page of a long list holds: compare rows, history events, family models.
COMPARE_ROWS = 1000
HISTORY_EVENTS = 500
FAMILY_ROWS = 500
FRESHNESS_ROWS = 1000


class SiteViews(Feeds):
    """The view data of every page, computed for the day *on*."""

    # -- the pages -------------------------------------------------------------------------

    def pages(self) -> Iterator[Page]:
        """Every HTML page of the site, in a stable order."""
        cat = self.catalog
        share = self.share
        yield Page("index.html", "index.html", cat.title, self.index, uses=("summary",))
        compare = paging.groups(self.ids, COMPARE_ROWS, lambda i: share("summary", i)["offers"])
        shape = f"{len(compare)} {self._fee_width} {' '.join(self._offer_regions)}"
        for number, group in enumerate(compare, 1):
            yield Page(
                paging.path("compare.html", number),
                "compare.html",
                paging.title("Compare every model, plan and market", number, len(compare)),
                partial(self.compare, group, number, len(compare)),
                tuple(group),
                shape,
            )
        yield Page("changes.html", "changes.html", "What changed", self.whats_new, uses=("events",))
        history = paging.groups(self._events, HISTORY_EVENTS)
        for number, events in enumerate(history, 1):
            yield Page(
                paging.path("history.html", number),
                "history.html",
                paging.title("How the terms changed", number, len(history)),
                partial(self.history, events, number, len(history)),
                uses=("events",),
            )
        for family in cat.families.values():
            members = paging.groups(self.members(family.id), FAMILY_ROWS)
            for number, group in enumerate(members, 1):
                yield Page(
                    paging.path(f"families/{family.id}.html", number),
                    "family.html",
                    paging.title(f"{family.name} family", number, len(members)),
                    partial(self.family, family.id, group, number, len(members)),
                    tuple(group),
                    str(len(members)),
                )
        for i in self.ids:
            yield Page(
                f"products/{i}.html",
                "product.html",
                share("summary", i)["name"],
                partial(self.product, i),
                (i,),
            )
        for plan in cat.plans.values():
            page = partial(self.plan, plan)
            yield Page(f"plans/{plan.id}.html", "plan.html", plan.name, page, ())
        fresh = paging.groups(self._checked_values, FRESHNESS_ROWS)
        summary = self.freshness_counts
        counts = f"{len(fresh)} {summary['stale']} {summary['undated']} {summary['total']}"
        for number, rows in enumerate(fresh, 1):
            # The rows' order and the counts come from every model: the shape holds the counts
            # and the page's first and last rows, so a page changes when its place does.
            ends = " ".join(f"{r[0]}/{r[2]}" for r in rows[:1] + rows[-1:])
            yield Page(
                paging.path("freshness/index.html", number),
                "freshness.html",
                paging.title("How fresh every amount is", number, len(fresh)),
                partial(self.freshness, rows, number, len(fresh)),
                tuple(sorted({r[0] for r in rows})),
                f"{counts} {ends}",
            )
        yield Page(
            "calculator/index.html",
            "calculator.html",
            "What would my claim cost? Claim calculator",
            self.calculator,
            uses=("summary",),
        )
        yield Page("fields.html", "fields.html", "Catalog file reference", self.fields, ())
        yield Page("404.html", "404.html", "Page not found", self.not_found, ())

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
                    "products": [self._link(i) for i in self.members(f.id)],
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
        summaries = [self.share("summary", i) for i in self.ids]
        markets = {r for s in summaries for r in s["regions"]}
        return {
            "description": cat.description,
            "categories": categories,
            "plans": [self.plan_summary(plan) for plan in cat.plans.values()],
            "markets": [
                {"id": r, "name": cat.regions[r].name}
                for r in sorted(markets, key=lambda r: cat.regions[r].name)
            ],
            "counts": {
                "products": len(summaries),
                "families": len(cat.families),
                "offers": sum(s["offers"] for s in summaries),
                "markets": len(markets),
                "sources": len({u for s in summaries for u in s["sources"]}),
            },
        }

    def _link(self, product_id: str) -> dict[str, Any]:
        summary = self.share("summary", product_id)
        return {"id": product_id, "name": summary["name"], "url": f"products/{product_id}.html"}

    def family(
        self,
        family_id: str,
        members: list[str] | None = None,
        number: int = 1,
        total: int = 1,
    ) -> dict[str, Any]:
        """A family's models (*members*, ids of one page of them) with each plan's replacements
        and a latest published price."""
        cat = self.catalog
        family = cat.family(family_id)
        plans = [p for p in cat.plans.values() if self.sold(p)]
        if members is None:
            members = self.members(family.id)
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
            "rows": [self.share("family", i) for i in members],
            "pager": paging.pager(f"{family.id}.html", number, total),
        }

    def family_row(self, product: Product) -> dict[str, Any]:
        """A model's row on its family's page: each plan's replacements and a latest price.

        The price is the default market's where it publishes one, else the first other market's
        (markets by name), under the newest terms that market prices.
        """
        plans = [p for p in self.catalog.plans.values() if self.sold(p)]
        product_page = ProductPage(self)
        cells = []
        for plan in plans:
            terms = self.terms(plan, product)
            prices = product_page.latest_prices(plan, product, terms.version.start) if terms else []
            cells.append(
                {
                    "replacements": terms.replacements if terms else None,
                    "flyaway": terms.flyaway_replacements if terms else None,
                    "price": prices[0] if prices else None,
                }
            )
        return {
            **self.product_link(product),
            "cells": cells,
            "flyaway_since": iso(product.flyaway_since),
            "flyaway_since_exact": product.flyaway_since_exact,
            "offers": len(product.offers),
        }

    def product(self, product: Product | str) -> dict[str, Any]:
        """Everything an owner of *product* asks: cover, plans, fees per market, rules, worth.

        Its freshness rows (share ``fresh``) are made here too, once: the freshness pages
        read single rows of a model the build read, and the build state keeps them all."""
        model = self.model(product)
        self.share("fresh", model.id)
        return ProductPage(self).view(model)

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

    def calculator(self) -> dict[str, Any]:
        """The choices of the claim calculator, which runs the claim rules in the browser."""
        cat = self.catalog
        return {
            "families": [
                {
                    "name": f.name,
                    "products": [
                        {"id": i, "name": self.share("summary", i)["name"]}
                        for i in self.members(f.id)
                    ],
                }
                for f in cat.families.values()
                if self.members(f.id)
            ],
            "plans": [{"id": p.id, "name": p.name} for p in cat.plans.values()],
            "regions": sorted(
                ({"id": r.id, "name": r.name} for r in cat.regions.values()),
                key=lambda r: r["name"],
            ),
            "incidents": [{"id": i.id, "name": i.name} for i in cat.incidents.values()],
            "default_region": self.default_region.id,
        }

    def not_found(self) -> dict[str, Any]:
        """The page for a missing address: its style inline (allowed by its hash), since it is
        served at any depth and cannot link the site's files relatively."""
        css = (data_dir("site") / "static" / "style.css").read_text("utf-8")
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        return {"inline_css": css, "style_hash": f"sha256-{digest}"}

    def fields(self) -> dict[str, Any]:
        """Every catalog file kind with its fields, as the JSON Schemas describe them."""
        from engine.site.fields import field_reference

        return {"kinds": field_reference(data_dir("schema"))}
