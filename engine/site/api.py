"""The site's static JSON API (``api/v1/``): an index, one document per product and per plan.

The shapes are those of ``engine.catalog.export`` (the CLI's ``--json``), described by the OpenAPI
document ``site/api/openapi.json``. Money is always ``{"amount": "199", "currency": "USD"}``;
locations are relative to the catalog folder, so the same catalog gives the same bytes anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from engine.catalog.export import plan_json, product_json
from engine.catalog.lookups import Catalog
from engine.model.entities import Plan, Product
from engine.rules.decision import Rule
from engine.site.presentation import catalog_file

if TYPE_CHECKING:
    from engine.site.views import SiteViews

VERSION = "v1"
PREFIX = f"api/{VERSION}"


def documents(
    views: SiteViews,
) -> Iterator[tuple[str, Callable[[], Any], tuple[str, ...] | None, tuple[str, ...]]]:
    """Every API document as (path in the site, a function making its JSON value, the products
    it shows: None for every product, as ``Page.shows``, and the kinds of share it uses)."""
    catalog, on = views.catalog, views.on
    yield f"{PREFIX}/index.json", partial(index, views), None, ("summary",)
    for i in views.ids:
        make = partial(product_doc, catalog, views.model, i, on)
        yield f"{PREFIX}/products/{i}.json", make, (i,), ()
    for plan in catalog.plans.values():
        yield f"{PREFIX}/plans/{plan.id}.json", partial(plan_doc, catalog, plan, on), (), ()


def product_doc(
    catalog: Catalog, model: Callable[[str], Product], product_id: str, on: dt.date
) -> dict[str, Any]:
    """A product's document: the shape of ``care-catalog show product --json``, plus its page
    (*model* finds the product: ``SiteViews.model``)."""
    product = model(product_id)
    doc = product_json(catalog, product, on=on, locate=catalog_file)
    doc["page"] = f"../../../products/{product.id}.html"
    return doc


def plan_doc(catalog: Catalog, plan: Plan, on: dt.date) -> dict[str, Any]:
    """A plan's document: every version with its decision rules, plus its page."""
    doc = plan_json(catalog, plan, on, locate=catalog_file)
    for version, data in zip(plan.versions, doc["versions"], strict=True):
        data["decisions"] = {
            name: [rule_json(catalog, rule) for rule in rules]
            for name, rules in version.decisions.items()
        }
    doc["page"] = f"../../../plans/{plan.id}.html"
    return doc


def index(views: SiteViews) -> dict[str, Any]:
    """The API's entry point: the catalog, and every product, plan, family, region and category."""
    catalog, on = views.catalog, views.on
    return {
        "api": VERSION,
        "openapi": "openapi.json",
        "catalog": {
            "title": catalog.title,
            "provider": catalog.provider,
            "description": catalog.description,
            "compiled": catalog.compiled,
            "default_region": catalog.default_region,
        },
        "on": on.isoformat(),
        "products": [_summary(views.share("summary", i)) for i in views.ids],
        "plans": [
            {"id": p.id, "name": p.name, "short_name": p.short_name, "url": f"plans/{p.id}.json"}
            for p in catalog.plans.values()
        ],
        "families": [
            {"id": f.id, "name": f.name, "category": f.category} for f in catalog.families.values()
        ],
        "categories": [{"id": c.id, "name": c.name} for c in catalog.categories.values()],
        "regions": [
            {
                "id": r.id,
                "name": r.name,
                "currency": r.currency,
                "locale": r.locale,
                "service_area": r.service_area,
            }
            for r in catalog.regions.values()
        ],
    }


def _summary(share: dict[str, Any]) -> dict[str, Any]:
    """A product's entry in the index: ``engine.catalog.export.product_summary_json``, its URL."""
    keys = ("id", "name", "family", "category", "offers", "flyaway_since")
    return {**{k: share[k] for k in keys}, "url": f"products/{share['id']}.json"}


def rule_json(catalog: Catalog, rule: Rule) -> dict[str, Any]:
    """A rule as data: its condition and values as written, outcome, reason, sources, location."""
    return {
        "id": rule.id,
        "when": rule.when.source,
        "outcome": rule.outcome,
        "because": rule.because,
        "values": {name: value.source for name, value in rule.values.items()},
        "sources": list(rule.sources),
        "defined_at": catalog_file(rule.location),
    }


def encode(value: Any) -> bytes:
    """The bytes of an API document: UTF-8, indented, a final newline, stable."""
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()
