"""Plain, stable JSON shapes of catalog objects, shared by the CLI's --json and the site's API.

Money is always ``{"amount": "199", "currency": "USD"}`` with the amount as an exact string;
dates are ISO strings; absent facts are ``null`` (never a guess).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from engine.catalog.lookups import Catalog
from engine.core.location import Location
from engine.core.money import Money
from engine.core.problems import LookupProblem
from engine.model.entities import Offer, Plan, PlanVersion, Product


def money_json(money: Money | None, locale: str | None = None) -> dict[str, str] | None:
    """Money as ``{"amount", "currency"}`` (plus ``formatted`` when a locale is given), or null."""
    if money is None:
        return None
    out = money.to_json()
    if locale:
        out["formatted"] = money.format(locale)
    return out


Locate = Callable[[Location], str]


def offer_json(catalog: Catalog, offer: Offer, locate: Locate = str) -> dict[str, Any]:
    """One offer with its amounts (formatted for its region) and provenance."""
    locale = catalog.region(offer.region).locale
    return {
        "plan": offer.plan,
        "region": offer.region,
        "currency": offer.currency,
        "terms": offer.terms.isoformat() if offer.terms else None,
        "price": money_json(offer.price, locale),
        "fees": [money_json(f, locale) for f in offer.fees],
        "fee_each": offer.flat_fee,
        "flyaway_fee": money_json(offer.flyaway_fee, locale),
        "partial_fees": offer.partial_fees,
        "seller": offer.seller,
        "source": offer.source,
        "checked": offer.checked,
        "confidence": offer.confidence,
        "note": offer.note,
        "defined_at": locate(offer.location),
    }


def version_json(
    version: PlanVersion, category: str | None = None, locate: Locate = str
) -> dict[str, Any]:
    """One plan version: dates, term, warranty, allowances per category, changes and sources."""
    allowances = {
        cat: {"replacements": a.replacements, "flyaway": a.flyaway}
        for cat, a in sorted(version.allowances.items())
        if category is None or cat == category
    }
    return {
        "from": version.start.isoformat(),
        "approximate": version.approximate,
        "label": version.label,
        "sold": version.sold,
        "term_months": version.term_months,
        "warranty_months": version.warranty_months,
        "fee_model": version.fee_model,
        "allowances": allowances,
        "changes": list(version.changes),
        "sources": list(version.sources),
        "defined_at": locate(version.location),
    }


def plan_json(
    catalog: Catalog, plan: Plan, on: dt.date | None = None, locate: Locate = str
) -> dict[str, Any]:
    """A plan with every version and the one in force on *on* (default: today)."""
    day = on or dt.date.today()
    current = plan.version_on(day)
    return {
        "id": plan.id,
        "name": plan.name,
        "short_name": plan.short_name,
        "description": plan.description,
        "renews": list(plan.renews),
        "on": day.isoformat(),
        "in_force": current.start.isoformat() if current else None,
        "versions": [version_json(v, locate=locate) for v in plan.versions],
        "defined_at": locate(plan.location),
    }


def product_json(
    catalog: Catalog,
    product: Product,
    region: str | None = None,
    on: dt.date | None = None,
    locate: Locate = str,
) -> dict[str, Any]:
    """A product: family, components, flyaway history, terms of every plan on *on*, and its offers."""
    day = on or dt.date.today()
    terms = {}
    for plan in catalog.plans.values():
        try:
            terms[plan.id] = catalog.terms(plan, product, day).to_json()
        except LookupProblem as problem:
            terms[plan.id] = {"unavailable": str(problem)}
    family = catalog.families[product.family]
    return {
        "id": product.id,
        "name": product.name,
        "family": {"id": family.id, "name": family.name},
        "category": product.category,
        "description": product.description,
        "covered_components": _list_or_none(catalog.covered_components(product)),
        "flyaway": [
            {
                "from": None if e.bound else e.start.isoformat(),
                "known_by": e.start.isoformat() if e.bound else None,
                "eligible": e.eligible,
                "approximate": e.approximate,
                "source": e.source,
                "note": e.note,
            }
            for e in product.flyaway
        ],
        "flyaway_eligible_on": product.flyaway_eligible_on(day),
        "on": day.isoformat(),
        "terms": terms,
        "offers": [offer_json(catalog, o, locate) for o in catalog.offers(product, region=region)],
        "unit_prices": [
            {
                "region": u.region,
                "price": money_json(u.price, catalog.region(u.region).locale),
                "edition": u.edition,
                "source": u.source,
                "checked": u.checked,
                "note": u.note,
                "defined_at": locate(u.location),
            }
            for u in product.unit_prices
            if region is None or u.region == region
        ],
        "defined_at": locate(product.location),
    }


def product_summary_json(catalog: Catalog, product: Product) -> dict[str, Any]:
    """The short form used in listings."""
    return {
        "id": product.id,
        "name": product.name,
        "family": product.family,
        "category": product.category,
        "offers": len(product.offers),
        "flyaway_since": product.flyaway_since.isoformat() if product.flyaway_since else None,
    }


def _list_or_none(values: tuple[str, ...] | None) -> list[str] | None:
    return list(values) if values is not None else None
