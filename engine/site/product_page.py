"""The view data of a product page: cover, plans side by side, fees per market, rules, worth.

Built on the catalog's lookups and decisions (``terms``, ``offers``, ``total_costs``,
``decide("claim", ...)``); every amount is formatted here, in its market's money.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.core.money import Money
from engine.core.problems import FactError, LookupProblem
from engine.model.entities import Offer, Plan, Product
from engine.site.parts import Parts
from engine.site.presentation import iso, sentence, source_view


class ProductPage:
    """Everything an owner of a product asks, for the build day of *views*."""

    def __init__(self, views: Parts):
        self.views = views
        self.catalog = views.catalog
        self.on = views.on
        self.default_region = views.default_region

    def view(self, product: Product) -> dict[str, Any]:
        """Everything an owner of *product* asks: cover, plans, fees per market, rules, worth."""
        cat = self.catalog
        family = cat.families[product.family]
        components = cat.covered_components(product)
        markets = self.markets(product)
        return {
            "product": {
                "id": product.id,
                "name": product.name,
                "description": product.description,
                "family": {"id": family.id, "name": family.name},
                "category": cat.categories[product.category].name,
            },
            "components": self.views.component_names(components),
            "not_covered": [
                {"name": c.name, "description": c.description}
                for c in cat.components.values()
                if components is not None and c.id not in components
            ],
            "components_sources": [
                source_view(s) for s in (product.components_sources or family.components_sources)
            ],
            "markets": [{"id": r, "name": cat.regions[r].name} for r in markets],
            "incidents": [
                table
                for r in markets or [self.default_region.id]
                if (table := self.incidents(product, r))
            ],
            "plans": [self.plan_terms(plan, product) for plan in cat.plans.values()],
            "fee_tables": [
                table for plan in cat.plans.values() if (table := self.fee_table(plan, product))
            ],
            "purchase": self.purchase_rules(),
            "flyaway": {
                "since": iso(product.flyaway_since),
                "since_exact": product.flyaway_since_exact,
                "eligible_now": product.flyaway_eligible_on(self.on),
                "entries": [
                    {
                        "from": e.start.isoformat(),
                        "bound": e.bound,
                        "eligible": e.eligible,
                        "approximate": e.approximate,
                        "note": e.note,
                        "source": source_view(e.source),
                    }
                    for e in product.flyaway
                ],
            },
            "worth": self.worth(product),
            "has_unit_price": bool(product.unit_prices),
        }

    def plan_terms(self, plan: Plan, product: Product) -> dict[str, Any]:
        """What *plan* gives *product* if bought on the build day, or why it cannot be."""
        view: dict[str, Any] = {"id": plan.id, "name": plan.short_name, "full_name": plan.name}
        version = plan.version_on(self.on)
        if version is None:
            return {**view, "available": False, "reason": f"Not sold yet on {self.on}."}
        if not version.sold:
            why = f" {version.changes[0]}" if version.changes else ""
            reason = f"Not sold since {version.start.isoformat()}.{why}"
            return {**view, "available": False, "reason": reason}
        if product.category not in version.allowances:
            kind = self.catalog.categories[product.category].name.lower()
            reason = f"Its terms ({version.label}) publish no allowance for {kind}."
            return {**view, "available": False, "reason": reason}
        try:
            terms = self.catalog.terms(plan, product, self.on)
        except LookupProblem as problem:
            return {**view, "available": False, "reason": sentence(str(problem))}
        return {
            **view,
            "available": True,
            "replacements": terms.replacements,
            "flyaway": terms.flyaway_replacements,
            "term_months": terms.term_months,
            "warranty_months": terms.warranty_months,
            "version": terms.version.label,
            "since": terms.version.start.isoformat(),
            "prices": self.latest_prices(plan, product, terms.version.start),
        }

    def latest_prices(self, plan: Plan, product: Product, current: dt.date) -> list[dict[str, Any]]:
        """Per market, the plan's price under the latest terms that market publishes one for.

        Offers of the terms in force come first, then offers whose source does not state their
        terms (taken as in force), then earlier terms, the newest first.
        """
        best: dict[str, tuple[Offer, Money]] = {}
        for offer in product.offers:
            if offer.plan != plan.id or offer.price is None:
                continue
            held = best.get(offer.region)
            if held is None or _recency(offer, current) > _recency(held[0], current):
                best[offer.region] = (offer, offer.price)
        prices = []
        for region_id, (offer, price) in best.items():
            region = self.catalog.region(region_id)
            stated = offer.terms is not None and offer.terms != current
            prices.append(
                {
                    "text": price.format(region.locale),
                    "region": region.name,
                    "terms": self.views.terms_label(offer) if stated else None,
                    "default": region_id == self.catalog.default_region,
                }
            )
        prices.sort(key=lambda p: (not p["default"], p["region"]))
        return prices

    def fee_table(self, plan: Plan, product: Product) -> dict[str, Any] | None:
        """Every offer of *plan* for *product*, market by market, with its source."""
        offers = [o for o in product.offers if o.plan == plan.id]
        if not offers:
            return None
        width = max(
            [
                a.replacements
                for v in plan.versions
                if (a := v.allowances.get(product.category)) is not None
            ]
            + [len(o.fees) for o in offers if not o.flat_fee],
            default=1,
        )
        rows = []
        for offer in sorted(
            offers, key=lambda o: (self.catalog.regions[o.region].name, o.terms or dt.date.min)
        ):
            region = self.catalog.region(offer.region)
            rows.append(
                {
                    "region": region.name,
                    "region_id": region.id,
                    "currency": offer.currency,
                    "terms": self.views.terms_label(offer),
                    "price": self.views.money_cell(offer.price, region),
                    "fees": self.views.fee_cells(offer, product, width),
                    "flat": offer.flat_fee,
                    "flyaway": self.views.money_cell(offer.flyaway_fee, region),
                    "seller": offer.seller,
                    "source": source_view(offer.source),
                    "checked": offer.checked,
                    "stale": self.views.stale(offer.checked),
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
            group = {"plans": [plan.short_name], "rules": [self.views.rule_view(r) for r in rules]}
            seen[key] = group
            groups.append(group)
        return groups

    def markets(self, product: Product) -> list[str]:
        """The markets *product* has amounts for; the first has the most recent amounts.

        Recency: the latest checked date of its offers, then the newest terms they state; ties go
        to the catalog's default region.
        """
        cat = self.catalog
        newest: dict[str, tuple[str, dt.date]] = {}
        for offer in product.offers:
            key = (_checked_key(offer.checked), offer.terms or dt.date.min)
            newest[offer.region] = max(newest.get(offer.region, key), key)
        by_name = sorted(newest, key=lambda r: cat.regions[r].name)
        if not by_name:
            return []
        first = max(by_name, key=lambda r: (newest[r], r == cat.default_region))
        return [first, *(r for r in by_name if r != first)]

    def incidents(self, product: Product, region_id: str) -> dict[str, Any] | None:
        """Each incident decided by the claim rules: a first claim in *region_id* on a plan bought
        on the build day, or, where that market prices only earlier terms, on the first day of
        the newest terms it prices."""
        cat = self.catalog
        plan = next((p for p in cat.plans.values() if self.views.terms(p, product)), None)
        if plan is None:
            return None
        region = cat.region(region_id)
        current = cat.version(plan, self.on).start
        eras = {
            o.terms or current
            for o in product.offers
            if o.plan == plan.id and o.region == region_id and (o.fees or o.flyaway_fee)
        }
        day = self.on if current in eras or not eras else max(eras)
        rows = []
        for incident in cat.incidents.values():
            try:
                decision = cat.decide(
                    "claim",
                    product=product.id,
                    plan=plan.id,
                    region=region_id,
                    policy_start=day,
                    incident=incident.id,
                    incident_on=day,
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
                    "covered": decision.outcome in ("replacement", "flyaway-replacement"),
                    "unknown": decision.outcome == "unknown",
                    "outcome": decision.outcome.replace("-", " "),
                    "because": decision.because,
                    "fee": self.views.format(fee, region) if isinstance(fee, Money) else None,
                }
            )
        return {
            "id": region.id,
            "plan": plan.name,
            "region": region.name,
            "day": day.isoformat(),
            "terms": cat.version(plan, day).label,
            "rows": rows,
        }

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
            unit = next((u for u in product.unit_prices if u.region == region_id), None)
            rows = []
            for n in range(most):
                cells = [
                    self.views.money_cell(c["totals"][n], region)
                    if n < len(c["totals"])
                    else {"text": "beyond the plan", "sort": "", "published": False}
                    for c in columns
                ]
                if unit is not None:
                    # Without a plan, each incident costs a new unit.
                    cells.append(
                        self.views.money_cell(
                            Money(unit.price.amount * n, unit.price.currency), region
                        )
                    )
                rows.append({"incidents": n, "cells": cells})
            markets.append(
                {
                    "region": region.name,
                    "id": region.id,
                    "plans": [{"name": c["plan"], "terms": c["terms"]} for c in columns],
                    "unit": {
                        "price": unit.price.format(region.locale),
                        "edition": unit.edition,
                        "source": source_view(unit.source),
                        "checked": unit.checked,
                    }
                    if unit is not None
                    else None,
                    "rows": rows,
                }
            )
        return markets


def _checked_key(checked: str) -> str:
    """A sortable form of a ``checked`` text (``2023``, ``>=2023-07``, ``~2022``, ``undated``)."""
    digits = "".join(ch for ch in checked if ch.isdigit() or ch == "-").strip("-")
    return digits[:10]


def _recency(offer: Offer, current: dt.date) -> tuple[bool, bool, dt.date]:
    """Higher is more recent: the terms in force, then stated terms by date, then unstated."""
    in_force = offer.terms is None or offer.terms == current
    return (offer.terms == current, in_force, offer.terms or dt.date.min)
