"""The catalog's frozen model: plain values built once from validated, linted documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.core.location import Location
from engine.core.money import Money
from engine.rules.decision import Rule


@dataclass(frozen=True)
class Category:
    """A product category; plan allowances are given per category."""

    id: str
    name: str
    description: str | None = None


@dataclass(frozen=True)
class Region:
    """A market: its currency and the locale its money is written in."""

    id: str
    name: str
    currency: str
    locale: str
    service_area: str
    sells_plans: bool = True
    note: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Component:
    """A part of a product that a plan may cover."""

    id: str
    name: str
    description: str | None = None
    never_covered: bool = False


@dataclass(frozen=True)
class Incident:
    """Something that can happen to a device; claim rules decide whether it is covered."""

    id: str
    name: str
    kind: str
    description: str | None = None


@dataclass(frozen=True)
class Family:
    """A product line with its category and default covered components."""

    id: str
    name: str
    category: str
    location: Location
    description: str | None = None
    covered_components: tuple[str, ...] | None = None
    components_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlyawayEntry:
    """From ``start`` on, whether a model is on the flyaway-eligible list.

    A ``bound`` entry (``known_by:`` in the catalog) says only that the list was so by ``start``:
    since when is not known, so between the previous entry and ``start`` the answer is unknown.
    """

    start: dt.date
    eligible: bool
    source: str
    approximate: str | None = None
    note: str | None = None
    bound: bool = False


@dataclass(frozen=True)
class Offer:
    """One published set of amounts for a product, plan and region, with its provenance."""

    product: str
    plan: str
    region: str
    currency: str
    source: str
    checked: str
    location: Location
    terms: dt.date | None = None
    price: Money | None = None
    fees: tuple[Money, ...] = ()
    flat_fee: bool = False
    flyaway_fee: Money | None = None
    partial_fees: str | None = None
    seller: str | None = None
    confidence: str = "stated"
    note: str | None = None

    @property
    def doubtful(self) -> bool:
        """True when the source's number, currency or plan is in question."""
        return self.confidence == "doubtful"

    def fee_for_replacement(self, number: int) -> Money | None:
        """The fee of replacement *number* (1-based), or None when this offer does not say."""
        if number < 1 or not self.fees:
            return None
        if self.flat_fee:
            return self.fees[0]
        return self.fees[number - 1] if number <= len(self.fees) else None


@dataclass(frozen=True)
class UnitPrice:
    """What a new unit of a product costs in a region, with its provenance."""

    region: str
    price: Money
    source: str
    checked: str
    location: Location
    edition: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Allowance:
    """Replacements over a term, and how many of them may be flyaway replacements."""

    replacements: int
    flyaway: int | None = None


@dataclass(frozen=True)
class PlanVersion:
    """A plan's terms from ``start`` on."""

    start: dt.date
    label: str
    location: Location
    sources: tuple[str, ...]
    approximate: str | None = None
    sold: bool = True
    term_months: int | None = None
    warranty_months: int | None = None
    fee_model: str | None = None
    allowances: Mapping[str, Allowance] = field(default_factory=dict)
    changes: tuple[str, ...] = ()
    decisions: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"PlanVersion({self.start.isoformat()}, {self.label!r})"


@dataclass(frozen=True)
class Plan:
    """A plan tier and its dated versions, oldest first."""

    id: str
    name: str
    short_name: str
    location: Location
    versions: tuple[PlanVersion, ...]
    description: str | None = None
    renews: tuple[str, ...] = ()
    rules: str | None = None

    @property
    def first_sold(self) -> dt.date:
        """The first day any version applies."""
        return self.versions[0].start

    def version_on(self, day: dt.date) -> PlanVersion | None:
        """The version in force on *day*: the latest whose start is not after it."""
        found = None
        for version in self.versions:
            if version.start <= day:
                found = version
        return found


@dataclass(frozen=True)
class Product:
    """A model: its family, covered components, flyaway eligibility and offers."""

    id: str
    name: str
    family: str
    category: str
    location: Location
    description: str | None = None
    covered_components: tuple[str, ...] | None = None
    components_sources: tuple[str, ...] = ()
    flyaway: tuple[FlyawayEntry, ...] = ()
    offers: tuple[Offer, ...] = ()
    unit_prices: tuple[UnitPrice, ...] = ()

    def flyaway_entry_on(self, day: dt.date) -> FlyawayEntry | None:
        """The flyaway entry in force on *day*, if any."""
        found = None
        for entry in self.flyaway:
            if entry.start <= day:
                found = entry
        return found

    def flyaway_eligible_on(self, day: dt.date) -> bool | None:
        """Whether the model is on the flyaway list on *day*; None when the sources cannot say.

        The sources cannot say when the next entry after *day* is only a bound (``known_by``)
        that changes the answer: the change happened on an unknown day up to that entry.
        """
        return None if self.flyaway_unknown_until(day) else self._listed(day)

    def flyaway_unknown_until(self, day: dt.date) -> dt.date | None:
        """The ``known_by`` date that leaves *day*'s listing unknown, or None when it is known."""
        listed = self._listed(day)
        following = next((e for e in self.flyaway if e.start > day), None)
        if following is not None and following.bound and following.eligible != listed:
            return following.start
        return None

    def _listed(self, day: dt.date) -> bool:
        entry = self.flyaway_entry_on(day)
        return bool(entry and entry.eligible)

    @property
    def flyaway_since(self) -> dt.date | None:
        """The first day the model is known to be on the flyaway list, if ever."""
        return next((e.start for e in self.flyaway if e.eligible), None)

    @property
    def flyaway_since_exact(self) -> bool:
        """Whether ``flyaway_since`` is the day it was added (not only a day it was listed by)."""
        return next((not e.bound for e in self.flyaway if e.eligible), False)


@dataclass(frozen=True)
class Terms:
    """What a plan gives a product bought on a date."""

    plan: str
    product: str
    version: PlanVersion
    replacements: int
    flyaway_replacements: int | None
    term_months: int | None
    warranty_months: int | None
    covered_components: tuple[str, ...] | None = field(repr=False)
    flyaway_eligible: bool | None

    def to_json(self) -> dict[str, object]:
        """A plain mapping of the terms."""
        return {
            "plan": self.plan,
            "product": self.product,
            "version": {"from": self.version.start.isoformat(), "label": self.version.label},
            "replacements": self.replacements,
            "flyaway_replacements": self.flyaway_replacements,
            "term_months": self.term_months,
            "warranty_months": self.warranty_months,
            "covered_components": list(self.covered_components)
            if self.covered_components is not None
            else None,
            "flyaway_eligible": self.flyaway_eligible,
        }
