"""Builds the frozen model from validated, linted documents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

from engine.catalog.lookups import Catalog
from engine.core.location import Location
from engine.core.money import Money
from engine.core.problems import Problem
from engine.model.entities import (
    Allowance,
    Category,
    Component,
    Family,
    FlyawayEntry,
    Incident,
    Offer,
    Plan,
    PlanVersion,
    Product,
    Region,
    UnitPrice,
)
from engine.read.document import Document
from engine.read.sources import Sources
from engine.rules.decision import Rule, compile_rules

_T = TypeVar("_T")


def _frozen(cls: type[_T], **fields: Any) -> _T:
    """``cls(**fields)`` for a frozen dataclass given every field, without its ``__init__``.

    A frozen dataclass sets each field through ``object.__setattr__``: 3 µs an offer, most of
    linking a large catalog. Filling the instance's dictionary makes the same value (equal,
    same hash) in a tenth of the time; ``tests/test_lookups.py`` checks the fields match.
    """
    made = object.__new__(cls)
    made.__dict__.update(fields)
    return made


def _location(doc: Document, path: tuple[str | int, ...] = ()) -> Location:
    return _frozen(Location, file=doc.catalog_file or doc.file, line=doc.line(path))


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class _Amounts(dict[tuple[str, str], Money]):
    """One Money per amount written and currency: a catalog repeats a few hundred amounts over
    thousands of offers, and Money is immutable, so they share it."""

    def __missing__(self, key: tuple[str, str]) -> Money:
        made = self[key] = Money.of(key[0], key[1])
        return made

    def of(self, amount: Any, currency: str) -> Money:
        """Money.of(amount, currency), shared; the written form (``100.50``) is kept."""
        return self[str(amount), currency]


def build_catalog(root: Path, src: Sources) -> tuple[Catalog, list[Problem]]:
    """The Catalog of *src*, and any problem found while linking it."""
    assert src.catalog and src.regions and src.components and src.incidents
    info: dict[str, Any] = src.catalog.data
    regions = {
        r["id"]: Region(
            id=r["id"],
            name=r["name"],
            currency=r["currency"],
            locale=r["locale"],
            service_area=r.get("service_area", r["id"]),
            sells_plans=r.get("sells_plans", True),
            note=r.get("note"),
            source=r.get("source"),
        )
        for r in src.regions.data["regions"]
    }
    categories = {
        c["id"]: Category(c["id"], c["name"], c.get("description")) for c in info["categories"]
    }
    components = {
        c["id"]: Component(c["id"], c["name"], c.get("description"), c.get("never_covered", False))
        for c in src.components.data["components"]
    }
    incidents = {
        i["id"]: Incident(i["id"], i["name"], i["kind"], i.get("description"))
        for i in src.incidents.data["incidents"]
    }
    families = {stem: _family(doc) for stem, doc in sorted(src.families.items())}
    rules = _RuleLists(src)
    plans = {stem: _plan(doc, rules) for stem, doc in sorted(src.plans.items())}
    amounts = _Amounts()
    products = {
        stem: _product(doc, families[doc.data["family"]], regions, amounts)
        for stem, doc in sorted(src.products.items())
    }
    catalog = Catalog(
        root=root,
        info=info,
        categories=categories,
        regions=regions,
        components=components,
        incidents=incidents,
        families=families,
        products=products,
        plans=plans,
    )
    return catalog, []


def _family(doc: Document) -> Family:
    d = doc.data
    covered = d.get("covered_components")
    return Family(
        id=d["id"],
        name=d["name"],
        category=d["category"],
        location=_location(doc),
        description=d.get("description"),
        covered_components=tuple(covered) if covered is not None else None,
        components_sources=tuple(d.get("components_sources", ())),
    )


class _RuleLists:
    """Compiles each rule list once, and resolves which list decides what for a plan version.

    Precedence for a version: its own ``decisions``, then its rule set, then the plan's own
    ``decisions``, then the plan's rule set.
    """

    def __init__(self, src: Sources):
        self.src = src
        self._compiled: dict[tuple[str, tuple[str | int, ...]], tuple[Rule, ...]] = {}

    def compiled(
        self, doc: Document, path: tuple[str | int, ...], decision: str, rules: list[Any]
    ) -> tuple[Rule, ...]:
        key = (doc.file, path)
        if key not in self._compiled:
            found, errors = compile_rules(decision, rules, lambda i: _location(doc, (*path, i)))
            assert not errors, "the rules lint reports expression errors before linking"
            self._compiled[key] = found
        return self._compiled[key]

    def own(
        self, doc: Document, path: tuple[str | int, ...], decisions: dict[str, Any]
    ) -> dict[str, tuple[Rule, ...]]:
        return {
            name: self.compiled(doc, (*path, name), name, rules)
            for name, rules in decisions.items()
        }

    def ruleset(self, ruleset_id: str | None) -> dict[str, tuple[Rule, ...]]:
        if ruleset_id is None:
            return {}
        doc = self.src.rulesets[ruleset_id]
        return self.own(doc, ("decisions",), doc.data["decisions"])

    def for_version(self, doc: Document, index: int) -> dict[str, tuple[Rule, ...]]:
        plan, version = doc.data, doc.data["versions"][index]
        layers = [
            self.ruleset(plan.get("rules")),
            self.own(doc, ("decisions",), plan.get("decisions", {})),
            self.ruleset(version.get("rules")),
            self.own(doc, ("versions", index, "decisions"), version.get("decisions", {})),
        ]
        merged: dict[str, tuple[Rule, ...]] = {}
        for layer in layers:
            merged.update(layer)
        return merged


def _plan(doc: Document, rules: _RuleLists) -> Plan:
    d = doc.data
    versions = tuple(
        PlanVersion(
            start=_day(v["from"]),
            label=v["label"],
            location=_location(doc, ("versions", index)),
            sources=tuple(v["sources"]),
            approximate=v.get("approximate"),
            sold=v.get("sold", True),
            term_months=v.get("term_months"),
            warranty_months=v.get("warranty_months"),
            fee_model=v.get("fee_model"),
            allowances={
                category: Allowance(a["replacements"], a.get("flyaway"))
                for category, a in v.get("allowances", {}).items()
            },
            changes=tuple(v.get("changes", ())),
            decisions=rules.for_version(doc, index),
        )
        for index, v in enumerate(d["versions"])
    )
    return Plan(
        id=d["id"],
        name=d["name"],
        short_name=d.get("short_name", d["name"]),
        location=_location(doc),
        versions=versions,
        description=d.get("description"),
        renews=tuple(d.get("renews", ())),
        rules=d.get("rules"),
    )


def _product(
    doc: Document, family: Family, regions: dict[str, Region], amounts: _Amounts
) -> Product:
    d = doc.data
    covered = d.get("covered_components")
    flyaway = tuple(
        FlyawayEntry(
            start=_day(e["from"] if "from" in e else e["known_by"]),
            eligible=e["eligible"],
            source=e["source"],
            approximate=e.get("approximate"),
            note=e.get("note"),
            bound="known_by" in e,
        )
        for e in d.get("flyaway", [])
    )
    offers = tuple(
        _offer(doc, index, o, regions, amounts) for index, o in enumerate(d.get("offers", []))
    )
    return Product(
        id=d["id"],
        name=d["name"],
        family=d["family"],
        category=family.category,
        location=_location(doc),
        description=d.get("description"),
        covered_components=tuple(covered) if covered is not None else None,
        components_sources=tuple(d.get("components_sources", ())),
        flyaway=flyaway,
        offers=offers,
        unit_prices=tuple(
            UnitPrice(
                region=u["region"],
                price=amounts.of(u["amount"], u.get("currency") or regions[u["region"]].currency),
                source=u["source"],
                checked=u["checked"],
                location=_location(doc, ("unit_prices", index)),
                edition=u.get("edition"),
                note=u.get("note"),
            )
            for index, u in enumerate(d.get("unit_prices", []))
        ),
    )


def _offer(
    doc: Document, index: int, o: dict[str, Any], regions: dict[str, Region], amounts: _Amounts
) -> Offer:
    currency = o.get("currency") or regions[o["region"]].currency

    def money(value: Any) -> Money | None:
        return None if value is None else amounts.of(value, currency)

    if "fee_each" in o:
        fees: tuple[Money, ...] = (amounts.of(o["fee_each"], currency),)
    else:
        fees = tuple(amounts.of(f, currency) for f in o.get("fees", ()))
    return _frozen(
        Offer,
        product=doc.data["id"],
        plan=o["plan"],
        region=o["region"],
        currency=currency,
        source=o["source"],
        checked=o["checked"],
        location=_location(doc, ("offers", index)),
        terms=_day(o["terms"]) if "terms" in o else None,
        price=money(o.get("price")),
        fees=fees,
        flat_fee="fee_each" in o,
        flyaway_fee=money(o.get("flyaway_fee")),
        partial_fees=o.get("partial_fees"),
        seller=o.get("seller"),
        confidence=o.get("confidence", "stated"),
        note=o.get("note"),
    )
