"""The Catalog: the frozen model with its indexes, and the lookups built on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from engine.catalog.evaluator import Evaluator
from engine.catalog.quotes import Quote, best_quote
from engine.core.money import Money
from engine.core.problems import LookupProblem, unknown_id
from engine.model.entities import (
    Category,
    Component,
    Family,
    Incident,
    Offer,
    Plan,
    PlanVersion,
    Product,
    Region,
    Terms,
)
from engine.rules.decision import Decision, Rule

if TYPE_CHECKING:
    from engine.catalog.policy import Policy

T = TypeVar("T")
_MEMO_SIZE = 100_000  # remembered quotes at the most; the memo starts again when full


class Catalog:
    """A loaded, valid catalog. Build it with ``engine.load()``."""

    def __init__(
        self,
        *,
        root: Path,
        info: Mapping[str, Any],
        categories: Mapping[str, Category],
        regions: Mapping[str, Region],
        components: Mapping[str, Component],
        incidents: Mapping[str, Incident],
        families: Mapping[str, Family],
        products: Mapping[str, Product],
        plans: Mapping[str, Plan],
    ):
        self.root = root
        self.title: str = info["title"]
        self.provider: str = info["provider"]
        self.description: str | None = info.get("description")
        self.default_region: str = info["default_region"]
        self.compiled: str | None = info.get("compiled")
        self.site: Mapping[str, Any] = info.get("site", {})
        self.stale_after: int | None = info.get("freshness", {}).get("stale_after_months")
        self.categories = dict(categories)
        self.regions = dict(regions)
        self.components = dict(components)
        self.incidents = dict(incidents)
        self.families = dict(families)
        self.plans = dict(plans)
        self._products = dict(products)
        self._offers_by_product_plan_region: dict[tuple[str, str, str], list[Offer]] = {}
        self._quotes: dict[tuple[Any, ...], Money] = {}
        self.inputs: dict[str, tuple[int, int, str]] = {}  # file: size, mtime ns, digest
        for product in self._products.values():
            for offer in product.offers:
                key = (product.id, offer.plan, offer.region)
                self._offers_by_product_plan_region.setdefault(key, []).append(offer)

    def __repr__(self) -> str:
        return f"<Catalog {self.title!r}: {len(self._products)} products, {len(self.plans)} plans>"

    # -- ids -------------------------------------------------------------------------------

    @staticmethod
    def _get(kind: str, table: Mapping[str, T], wanted: str | Any) -> T:
        key = wanted if isinstance(wanted, str) else getattr(wanted, "id", wanted)
        try:
            return table[key]
        except (KeyError, TypeError):
            raise unknown_id(kind, str(key), table) from None

    def product(self, product_id: str | Product) -> Product:
        """The product with this id; an unknown id raises LookupProblem naming the closest ids."""
        return self._get("product", self._products, product_id)

    def plan(self, plan_id: str | Plan) -> Plan:
        """The plan with this id."""
        return self._get("plan", self.plans, plan_id)

    def region(self, region_id: str | Region | None = None) -> Region:
        """The region with this id (default: the catalog's default region)."""
        return self._get("region", self.regions, region_id or self.default_region)

    def family(self, family_id: str | Family) -> Family:
        """The family with this id."""
        return self._get("family", self.families, family_id)

    def incident(self, incident_id: str | Incident) -> Incident:
        """The incident with this id."""
        return self._get("incident", self.incidents, incident_id)

    def products(self, family: str | None = None, category: str | None = None) -> list[Product]:
        """Every product, ordered by id; optionally only one family's or one category's."""
        if family is not None:
            self.family(family)
        if category is not None:
            self._get("category", self.categories, category)
        return [
            p
            for p in self._products.values()
            if (family is None or p.family == family)
            and (category is None or p.category == category)
        ]

    # -- terms -----------------------------------------------------------------------------
    def version(self, plan: str | Plan, on: dt.date | None = None) -> PlanVersion:
        """The plan version in force on *on* (default today); an error before the plan existed."""
        plan = self.plan(plan)
        day = on or dt.date.today()
        version = plan.version_on(day)
        if version is None:
            raise LookupProblem(
                f"plan '{plan.id}' did not exist on {day}; its first terms start {plan.first_sold}"
            )
        return version

    def covered_components(self, product: str | Product) -> tuple[str, ...] | None:
        """The components to send in for a replacement; None when not published."""
        product = self.product(product)
        if product.covered_components is not None:
            return product.covered_components
        return self.families[product.family].covered_components

    def terms(self, plan: str | Plan, product: str | Product, on: dt.date | None = None) -> Terms:
        """What *plan* gives *product* when bought on *on* (default today)."""
        plan, product = self.plan(plan), self.product(product)
        day = on or dt.date.today()
        version = self.version(plan, day)
        if not version.sold:
            raise LookupProblem(
                f"plan '{plan.id}' was not sold on {day} (withdrawn from {version.start})"
            )
        allowance = version.allowances.get(product.category)
        if allowance is None:
            raise LookupProblem(
                f"plan '{plan.id}' (terms of {version.start}) publishes no allowance for "
                f"{self.categories[product.category].name.lower()} such as '{product.id}'"
            )
        # Flyaway cover reached plans bought before a model was listed (DJI, January 2021), so a
        # model that is ever listed has the sub-allowance whatever the purchase date; a claim
        # checks the list on the day of the incident.
        flyaway = allowance.flyaway if product.flyaway_since is not None else 0
        eligible = product.flyaway_eligible_on(day)
        return Terms(
            plan=plan.id,
            product=product.id,
            version=version,
            replacements=allowance.replacements,
            flyaway_replacements=flyaway,
            term_months=version.term_months,
            warranty_months=version.warranty_months,
            covered_components=self.covered_components(product),
            flyaway_eligible=eligible,
        )

    # -- offers and quotes -----------------------------------------------------------------

    def offers(
        self,
        product: str | Product,
        region: str | None = None,
        on: dt.date | None = None,
        plan: str | None = None,
    ) -> list[Offer]:
        """The product's offers, optionally of one region and plan; with *on*, those of the terms then in force.

        Offers whose source does not establish their terms version are kept with *on* too.
        """
        product = self.product(product)
        if region is not None:
            self.region(region)
        if plan is not None:
            self.plan(plan)
        found = []
        for offer in product.offers:
            if region is not None and offer.region != region:
                continue
            if plan is not None and offer.plan != plan:
                continue
            if on is not None and offer.terms is not None:
                version = self.plans[offer.plan].version_on(on)
                if version is None or version.start != offer.terms:
                    continue
            found.append(offer)
        return found

    def fee_quote(
        self,
        product: str | Product,
        plan: str | Plan,
        region: str | None = None,
        replacement: int = 1,
        flyaway: bool = False,
        on: dt.date | None = None,
    ) -> Quote:
        """The fee of a replacement, with its offer; LookupProblem says what is missing when unpublished."""
        product, plan = self.product(product), self.plan(plan)
        reg = self.region(region)
        version = self.version(plan, on)
        allowance = version.allowances.get(product.category)
        if replacement < 1:
            raise LookupProblem("replacement numbers start at 1")
        if allowance is not None and replacement > allowance.replacements:
            raise LookupProblem(
                f"plan '{plan.id}' (terms of {version.start}) gives {allowance.replacements} "
                f"replacements; there is no replacement {replacement}"
            )
        what = "flyaway fee" if flyaway else f"fee for replacement {replacement}"

        def pick(offer: Offer) -> Money | None:
            return offer.flyaway_fee if flyaway else offer.fee_for_replacement(replacement)

        return best_quote(
            self._offers_by_product_plan_region, product, plan, reg, version, pick, what
        )

    def quote(
        self,
        product: str | Product,
        plan: str | Plan,
        region: str | None = None,
        replacement: int = 1,
        flyaway: bool = False,
        on: dt.date | None = None,
    ) -> Money:
        """The fee of replacement number *replacement* (or the flyaway fee) under the terms of *on*."""
        # A catalog never changes: an answer for ids and the terms in force on a day is
        # remembered, so another day under the same terms is a dict look-up too.
        known = on and isinstance(product, str) and isinstance(plan, str) and plan in self.plans
        terms = self.plans[plan].version_on(on) if known else None  # type: ignore[index,arg-type]
        key = (product, plan, region, replacement, flyaway, terms and terms.start)
        if terms is None or (found := self._quotes.get(key)) is None:
            found = self.fee_quote(product, plan, region, replacement, flyaway, on).money
            if terms is not None:
                self._quotes = {} if len(self._quotes) >= _MEMO_SIZE else self._quotes
                self._quotes[key] = found
        return found

    def price_quote(
        self,
        product: str | Product,
        plan: str | Plan,
        region: str | None = None,
        on: dt.date | None = None,
    ) -> Quote:
        """The plan's price, with its offer."""
        product, plan = self.product(product), self.plan(plan)
        reg = self.region(region)
        version = self.version(plan, on)
        return best_quote(
            self._offers_by_product_plan_region,
            product,
            plan,
            reg,
            version,
            lambda o: o.price,
            "plan price",
        )

    def price(
        self,
        product: str | Product,
        plan: str | Plan,
        region: str | None = None,
        on: dt.date | None = None,
    ) -> Money:
        """What the plan costs for the product in the region under the terms of *on*."""
        return self.price_quote(product, plan, region, on).money

    def total_costs(
        self,
        product: str | Product,
        plan: str | Plan,
        region: str | None = None,
        on: dt.date | None = None,
    ) -> list[Money | None]:
        """What the plan costs in all after 0, 1, 2 … replacements: its price plus each fee.

        Under the terms in force on *on*; one entry per replacement the terms give. An entry is
        None from the first fee that is not published (or not in the price's currency).
        LookupProblem when the plan cannot be bought then or its price is not published.
        """
        terms = self.terms(plan, product, on)
        totals: list[Money | None] = [self.price(product, plan, region, on)]
        for number in range(1, terms.replacements + 1):
            last = totals[-1]
            try:
                fee: Money | None = self.quote(product, plan, region, number, on=on)
            except LookupProblem:
                fee = None
            if last is None or fee is None or fee.currency != last.currency:
                totals.append(None)
            else:
                totals.append(last + fee)
        return totals

    # -- decisions -------------------------------------------------------------------------

    def decide(self, decision: str, **facts: Any) -> Decision:
        """Run a decision (purchase, claim, renewal) on *facts*; the Decision explains itself.

        The rules are those of the plan version in force on the claim's ``policy_start``, or on
        the day of ``now`` for a purchase or a renewal (what can be bought is decided by the
        terms of the day it is bought). A missing, unknown or malformed fact raises FactError.
        """
        evaluator: Evaluator = self.__dict__.setdefault("_evaluator", Evaluator(self))
        ctx = evaluator.context(decision, facts)
        plan = self.plans[ctx["plan"]["id"]]
        day: dt.date = ctx["policy_start"] if decision == "claim" else ctx["now"].date()
        version = plan.version_on(day)
        if version is None:
            raise LookupProblem(
                f"plan '{plan.id}' did not exist on {day}; its first terms start {plan.first_sold}"
            )
        rules = version.decisions.get(decision)
        if not rules:
            raise LookupProblem(
                f"plan '{plan.id}' has no {decision} rules under its terms of {version.start}"
            )
        return evaluator.run(decision, rules, ctx)

    def policy(
        self, product: str, plan: str, region: str | None = None, start: dt.date | None = None
    ) -> Policy:
        """A policy ledger for one unit, its first plan starting on *start* (default today)."""
        from engine.catalog.policy import Policy

        reg = self.region(region)
        return Policy.open(
            self, self.product(product).id, self.plan(plan).id, reg.id, start or dt.date.today()
        )

    def rules(self) -> list[tuple[str, str, Rule]]:
        """Every distinct rule in force somewhere: (plan id, decision, rule), in catalog order."""
        seen: set[str] = set()
        found = []
        for plan in self.plans.values():
            for version in plan.versions:
                for decision, rules in version.decisions.items():
                    for rule in rules:
                        where = str(rule.location)
                        if where not in seen:
                            seen.add(where)
                            found.append((plan.id, decision, rule))
        return found
