"""What changed between two catalogs, value by value, in the reader's words.

``changes(old, new)`` compares two loaded catalogs: models added and removed, a model's name,
family, covered components and flyaway list, each offer added or removed, and in an offer that
stays every price, fee, flyaway fee, source, checked date and flag that changed, from what to
what; plan versions added, removed or changed (allowances, term, warranty). An offer is the same
offer when its plan, market, terms version and seller are (the n-th of several alike is matched
with the n-th). Money is exact, and written in the market's money for the reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.catalog.lookups import Catalog
from engine.core.money import Money
from engine.model.entities import Offer, Plan, PlanVersion, Product


@dataclass(frozen=True)
class Change:
    """One value that changed: where (product, plan, market, terms), what, from what to what."""

    kind: str  # "added", "removed" or "changed"
    what: str
    product: str | None = None
    product_name: str | None = None
    plan: str | None = None
    plan_name: str | None = None
    region: str | None = None
    region_name: str | None = None
    terms: str | None = None
    old: Any = None
    new: Any = None
    old_text: str | None = None
    new_text: str | None = None
    source: str | None = None
    checked: str | None = None

    @property
    def where(self) -> str:
        """``Mini 3, 1-Year, Poland``: the product, plan and market the change is about."""
        return ", ".join(p for p in (self.product_name, self.plan_name, self.region_name) if p)

    def text(self) -> str:
        """The change in a sentence: ``Mini 3, 1-Year, Poland: flyaway fee 1 149,00 zł → 1 099,00 zł``."""
        head = f"{self.where}: " if self.where else ""
        if self.kind == "changed":
            return f"{head}{self.what} {self.old_text} → {self.new_text}"
        detail = self.new_text if self.kind == "added" else self.old_text
        return f"{head}{self.what} {self.kind}" + (f" ({detail})" if detail else "")

    def to_json(self) -> dict[str, Any]:
        """Every field, and the sentence."""
        return {
            "kind": self.kind,
            "what": self.what,
            "product": self.product,
            "plan": self.plan,
            "region": self.region,
            "terms": self.terms,
            "old": self.old,
            "new": self.new,
            "source": self.source,
            "checked": self.checked,
            "text": self.text(),
        }


def changes(old: Catalog, new: Catalog) -> list[Change]:
    """Every value-level change from *old* to *new*, by product (then plan and market), then plans."""
    found: list[Change] = []
    before = {p.id: p for p in old.products()}
    after = {p.id: p for p in new.products()}
    for pid in sorted(before.keys() | after.keys()):
        a, b = before.get(pid), after.get(pid)
        if a is None and b is not None:
            offers = f"{len(b.offers)} offer(s)" if b.offers else "no offers"
            found.append(Change("added", "model", pid, b.name, new_text=offers))
        elif b is None and a is not None:
            found.append(
                Change("removed", "model", pid, a.name, old_text=f"{len(a.offers)} offer(s)")
            )
        elif a is not None and b is not None:
            found.extend(_product(new, a, b))
    for plan_id in sorted(old.plans.keys() | new.plans.keys()):
        found.extend(_plan(old.plans.get(plan_id), new.plans.get(plan_id)))
    return found


def _product(cat: Catalog, a: Product, b: Product) -> Iterator[Change]:
    here = {"product": b.id, "product_name": b.name}
    for what, was, now in (
        ("name", a.name, b.name),
        ("family", a.family, b.family),
        ("components sent in", _listed(a.covered_components), _listed(b.covered_components)),
    ):
        if was != now:
            yield Change("changed", what, **here, old=was, new=now, old_text=was, new_text=now)
    flyaway_a = {e.start: e for e in a.flyaway}
    flyaway_b = {e.start: e for e in b.flyaway}
    for day in sorted(flyaway_a.keys() | flyaway_b.keys()):
        x, y = flyaway_a.get(day), flyaway_b.get(day)
        label = f"flyaway list entry of {day}"
        if x is None and y is not None:
            text = "listed" if y.eligible else "not listed"
            yield Change("added", label, **here, new=y.eligible, new_text=text, source=y.source)
        elif y is None and x is not None:
            text = "listed" if x.eligible else "not listed"
            yield Change("removed", label, **here, old=x.eligible, old_text=text, source=x.source)
        elif x is not None and y is not None and (x.eligible, x.bound) != (y.eligible, y.bound):
            yield Change(
                "changed", label, **here, old=x.eligible, new=y.eligible,
                old_text=_listing(x.eligible, x.bound), new_text=_listing(y.eligible, y.bound),
                source=y.source,
            )  # fmt: skip
    olds, news = _keyed(a.offers), _keyed(b.offers)
    for key in sorted(olds.keys() | news.keys()):
        old_offer, new_offer = olds.get(key), news.get(key)
        offer = new_offer or old_offer
        assert offer is not None
        region = cat.regions.get(offer.region)
        plan = cat.plans.get(offer.plan)
        where = {
            **here,
            "plan": offer.plan,
            "plan_name": plan.short_name if plan else offer.plan,
            "region": offer.region,
            "region_name": region.name if region else offer.region,
            "terms": offer.terms.isoformat() if offer.terms else None,
        }
        locale = region.locale if region else "en_001"
        if old_offer is None and new_offer is not None:
            yield Change(
                "added",
                "offer",
                **where,
                new_text=_summary(new_offer, locale),
                source=new_offer.source,
                checked=new_offer.checked,
            )
        elif new_offer is None and old_offer is not None:
            yield Change(
                "removed",
                "offer",
                **where,
                old_text=_summary(old_offer, locale),
                source=old_offer.source,
                checked=old_offer.checked,
            )
        elif old_offer is not None and new_offer is not None:
            yield from _offer(old_offer, new_offer, where, locale)


def _offer(x: Offer, y: Offer, where: dict[str, Any], locale: str) -> Iterator[Change]:
    about = {**where, "source": y.source, "checked": y.checked}

    def money(what: str, m: Money | None, n: Money | None) -> Iterator[Change]:
        if m != n:
            yield Change(
                "changed", what, **about, old=m.to_json() if m else None,
                new=n.to_json() if n else None, old_text=_money(m, locale), new_text=_money(n, locale),
            )  # fmt: skip

    yield from money("price", x.price, y.price)
    if x.flat_fee and y.flat_fee:
        yield from money(
            "fee of each replacement", x.fees[0] if x.fees else None, y.fees[0] if y.fees else None
        )
    elif x.flat_fee != y.flat_fee:
        yield Change(
            "changed", "fees", **about, old=[f.to_json() for f in x.fees], new=[f.to_json() for f in y.fees],
            old_text=_fees(x, locale), new_text=_fees(y, locale),
        )  # fmt: skip
    else:
        for number in range(1, max(len(x.fees), len(y.fees)) + 1):
            yield from money(
                f"fee of replacement {number}", _nth(x.fees, number), _nth(y.fees, number)
            )
    yield from money("flyaway fee", x.flyaway_fee, y.flyaway_fee)
    for what, m_text, n_text in (
        ("source", x.source, y.source),
        ("checked", x.checked, y.checked),
        ("confidence", x.confidence, y.confidence),
        ("partial fees", x.partial_fees, y.partial_fees),
        ("note", x.note, y.note),
    ):
        if m_text != n_text:
            yield Change(
                "changed", what, **about, old=m_text, new=n_text,
                old_text=str(m_text), new_text=str(n_text),
            )  # fmt: skip


def _plan(a: Plan | None, b: Plan | None) -> Iterator[Change]:
    plan = b or a
    assert plan is not None
    here = {"plan": plan.id, "plan_name": plan.name}
    if a is None or b is None:
        kind = "added" if a is None else "removed"
        text = f"{len(plan.versions)} version(s)"
        yield Change(
            kind,
            "plan",
            **here,
            new_text=text if a is None else None,
            old_text=text if b is None else None,
        )
        return
    versions_a = {v.start: v for v in a.versions}
    versions_b = {v.start: v for v in b.versions}
    for day in sorted(versions_a.keys() | versions_b.keys()):
        x, y = versions_a.get(day), versions_b.get(day)
        label = f"terms of {day}"
        if x is None and y is not None:
            yield Change("added", label, **here, new_text=_version(y), source=", ".join(y.sources))
        elif y is None and x is not None:
            yield Change("removed", label, **here, old_text=_version(x))
        elif x is not None and y is not None:
            if _version(x) != _version(y):
                yield Change(
                    "changed", label, **here, old_text=_version(x), new_text=_version(y),
                    source=", ".join(y.sources),
                )  # fmt: skip
            yield from _rules(x, y, here, label)


def _rules(x: PlanVersion, y: PlanVersion, here: dict[str, Any], label: str) -> Iterator[Change]:
    """Rules added, removed or rewritten (condition, outcome or reason) in one version's decisions."""
    for decision in sorted(x.decisions.keys() | y.decisions.keys()):
        was = {r.id: r for r in x.decisions.get(decision, ())}
        now = {r.id: r for r in y.decisions.get(decision, ())}
        for rule_id in sorted(was.keys() | now.keys()):
            a, b = was.get(rule_id), now.get(rule_id)
            what = f"{decision} rule '{rule_id}' ({label})"
            if a is None and b is not None:
                text = f"when {b.when.source}: {b.outcome}"
                yield Change("added", what, **here, new_text=text, source=str(b.location))
            elif b is None and a is not None:
                text = f"when {a.when.source}: {a.outcome}"
                yield Change("removed", what, **here, old_text=text)
            elif a is not None and b is not None:
                old = f"when {a.when.source}: {a.outcome}, because {a.because}"
                new = f"when {b.when.source}: {b.outcome}, because {b.because}"
                if old != new:
                    yield Change(
                        "changed", what, **here, old_text=old, new_text=new, source=str(b.location)
                    )


def _version(v: PlanVersion) -> str:
    allowances = "; ".join(
        f"{c}: {a.replacements} replacements"
        + (f" ({a.flyaway} flyaway)" if a.flyaway is not None else "")
        for c, a in sorted(v.allowances.items())
    )
    term = f"{v.term_months} months" if v.term_months is not None else "term not published"
    sold = "" if v.sold else ", not sold"
    return f"{v.label}: {term}{sold}; {allowances}" if allowances else f"{v.label}: {term}{sold}"


def _keyed(offers: tuple[Offer, ...]) -> dict[tuple[Any, ...], Offer]:
    seen: dict[tuple[Any, ...], int] = {}
    keyed = {}
    for offer in offers:
        base = (
            offer.plan,
            offer.region,
            offer.terms.isoformat() if offer.terms else "",
            offer.seller or "",
        )
        seen[base] = seen.get(base, 0) + 1
        keyed[(*base, seen[base])] = offer
    return keyed


def _nth(fees: tuple[Money, ...], number: int) -> Money | None:
    return fees[number - 1] if number <= len(fees) else None


def _money(money: Money | None, locale: str) -> str:
    return money.format(locale) if money is not None else "not published"


def _fees(offer: Offer, locale: str) -> str:
    if not offer.fees:
        return "no fees"
    if offer.flat_fee:
        return f"{_money(offer.fees[0], locale)} each"
    return ", ".join(_money(f, locale) for f in offer.fees)


def _summary(offer: Offer, locale: str) -> str:
    parts = []
    if offer.price is not None:
        parts.append(f"price {_money(offer.price, locale)}")
    if offer.fees:
        parts.append(f"fees {_fees(offer, locale)}")
    if offer.flyaway_fee is not None:
        parts.append(f"flyaway fee {_money(offer.flyaway_fee, locale)}")
    return ", ".join(parts) or "no amounts"


def _listed(components: tuple[str, ...] | None) -> str:
    return "not published" if components is None else ", ".join(components)


def _listing(eligible: bool, bound: bool) -> str:
    return ("listed" if eligible else "not listed") + (" (by that day)" if bound else "")
