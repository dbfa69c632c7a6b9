"""The site's long lists: every offer side by side (compare) and every dated change (history).

Both grow with the catalog, so both are shown a page at a time (``engine.site.paging``). What a
list shows of each model is that model's share (``engine.site.shares``), so a list can be put
together from shares a previous build kept.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from engine.catalog.lookups import Catalog
from engine.core.dates import checked_bounds
from engine.core.problems import LookupProblem
from engine.model.entities import Offer, Product
from engine.site import paging
from engine.site.parts import Parts
from engine.site.presentation import iso, source_view
from engine.site.shares import NotRead, Shares
from engine.site.state import Kept


class Lists(Parts):
    """The compare table and the history, for the day *on*.

    *ids*: every model of the site, in order (default: the catalog's); *kept*: what previous
    builds left valid in the build state (``engine.site.state``), for models the catalog need
    not hold.
    """

    def __init__(
        self,
        catalog: Catalog,
        on: dt.date,
        *,
        ids: Iterable[str] | None = None,
        kept: Kept | None = None,
    ):
        super().__init__(catalog, on)
        self.ids = list(ids) if ids is not None else [p.id for p in catalog.products()]
        self.kept = kept or Kept()
        self.shares = Shares(self._share, self.kept.shares)

    def share(self, kind: str, product_id: str) -> Any:
        """The share *kind* (``engine.site.shares.KINDS``) of one model."""
        if kind == "compare":
            self._fee_width  # noqa: B018 -- kept rows of another width are dropped first
        return self.shares.get(kind, product_id)

    @property
    def fee_width(self) -> int:
        """How many fee columns the compare table has (its rows are made for this width)."""
        return self._fee_width

    def members(self, family_id: str) -> list[str]:
        """The ids of a family's models, in order."""
        return self._members.get(family_id, [])

    @cached_property
    def _members(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for i in self.ids:
            found.setdefault(self.share("summary", i)["family"], []).append(i)
        return found

    def model(self, product_id: str | Product) -> Product:
        """A model of the catalog; ``NotRead`` when this build did not read it."""
        try:
            return self.catalog.product(product_id)
        except LookupProblem:
            raise NotRead(str(product_id)) from None

    def _share(self, kind: str, product_id: str) -> Any:
        product = self.model(product_id)
        if kind == "summary":
            return self._summary(product)
        if kind == "events":
            return self._product_events(product)
        if kind == "compare":
            return self._compare_rows(product)
        if kind == "family":
            return self.family_row(product)  # type: ignore[attr-defined]
        if kind == "fresh":
            return self._fresh_rows(product)
        if kind == "order":
            return self._fresh_order(product)
        if kind == "rules":
            from engine.site.bundle import product_data

            return json.dumps(product_data(product), ensure_ascii=True, separators=(",", ":"))
        raise ValueError(f"no share {kind!r}")

    def _summary(self, product: Product) -> dict[str, Any]:
        offers = product.offers
        return {
            "id": product.id,
            "name": product.name,
            "family": product.family,
            "category": product.category,
            "offers": len(offers),
            "flyaway_since": iso(product.flyaway_since),
            "flyaway_since_exact": product.flyaway_since_exact,
            "regions": sorted({o.region for o in offers}),
            "sources": sorted({o.source for o in offers}),
            "fee_width": max((len(o.fees) for o in offers if not o.flat_fee), default=None),
        }

    @cached_property
    def _fee_width(self) -> int:
        """How many fee columns the compare table has: the longest fee list or allowance."""
        cat = self.catalog
        widths = [self.share("summary", i)["fee_width"] for i in self.ids]
        width = max((w for w in widths if w is not None), default=1)
        width = max(
            [width]
            + [
                a.replacements
                for plan in cat.plans.values()
                for v in plan.versions
                for a in v.allowances.values()
            ]
        )
        if width != self.kept.width:
            self.shares.forget("compare")  # its rows were made for another width
        return width

    @cached_property
    def _offer_regions(self) -> list[str]:
        """The markets with an offer, by name."""
        cat = self.catalog
        return sorted(
            {r for i in self.ids for r in self.share("summary", i)["regions"]},
            key=lambda r: cat.regions[r].name,
        )

    def compare(
        self, products: list[str] | None = None, number: int = 1, total: int = 1
    ) -> dict[str, Any]:
        """One row per published offer (and per model without any) of *products* (ids of one
        page of the catalog's), with filter and sort keys."""
        cat = self.catalog
        rows = [
            row
            for i in (self.ids if products is None else products)
            for row in self.share("compare", i)
        ]
        return {
            "rows": rows,
            "fee_numbers": list(range(1, self._fee_width + 1)),
            "families": [{"id": f.id, "name": f.name} for f in cat.families.values()],
            "categories": [{"id": c.id, "name": c.name} for c in cat.categories.values()],
            "regions": [{"id": r, "name": cat.regions[r].name} for r in self._offer_regions],
            "pager": paging.pager("compare.html", number, total),
        }

    def _compare_rows(self, product: Product) -> list[dict[str, Any]]:
        cat = self.catalog
        width = self._fee_width
        base = {
            **self.product_link(product),
            "family": product.family,
            "family_name": cat.families[product.family].name,
            "category": product.category,
        }
        rows: list[dict[str, Any]] = []
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
                        "stale": self.stale(offer.checked),
                        "source": source_view(offer.source),
                        "doubtful": offer.doubtful,
                    },
                }
            )
        return rows

    def history(
        self, events: list[dict[str, Any]] | None = None, number: int = 1, total: int = 1
    ) -> dict[str, Any]:
        """Dated changes, newest first, by year: *events* (one page of them), else all."""
        years: dict[str, list[dict[str, Any]]] = {}
        for event in self._events if events is None else events:
            years.setdefault(event["date"][:4], []).append(event)
        return {
            "years": [{"year": y, "events": e} for y, e in years.items()],
            "pager": paging.pager("history.html", number, total),
        }

    @cached_property
    def _events(self) -> list[dict[str, Any]]:
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
        for i in self.ids:
            events += self.share("events", i)
        events.sort(key=lambda e: (e["date"], e["kind"], e["title"]), reverse=True)
        return events

    def _product_events(self, product: Product) -> list[dict[str, Any]]:
        events = []
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
        return events

    # -- freshness ---------------------------------------------------------------------------

    @cached_property
    def _checked_values(self) -> list[tuple[str, int, str, bool, bool]]:
        """Every published amount, oldest first: undated ones first (their age is unknown), then
        by the latest day their text allows they were checked; each as (product id, its row in
        the product's share ``fresh``, checked text, stale, undated)."""
        found = [
            (key, i, n, checked, stale, undated)
            for i in self.ids
            for n, (key, checked, stale, undated) in enumerate(self.share("order", i))
        ]
        found.sort(key=lambda row: row[0])
        return [row[1:] for row in found]

    def _fresh_rows(self, product: Product) -> list[dict[str, Any]]:
        """A model's rows on the freshness pages (share ``fresh``; share ``order`` holds their
        places in the pages' order)."""
        cat = self.catalog
        link = {"name": product.name, "url": f"../products/{product.id}.html"}
        rows = []
        for plan, region_id, item, checked, source in self._dated(product):
            earliest, latest = checked_bounds(checked)
            region = cat.region(region_id)
            rows.append(
                {
                    "product_id": product.id,
                    "product": link,
                    "plan": plan,
                    "region_id": region_id,
                    "checked": checked,
                    "source": source_view(source),
                    "undated": earliest is None and latest is None,
                    "region": region.name,
                    "amounts": self._amounts(item, region),
                    "stale": self.stale(checked),
                }
            )
        return rows

    def _fresh_order(self, product: Product) -> list[tuple[str, str, bool, bool]]:
        order = []
        for plan, region_id, _, checked, _ in self._dated(product):
            earliest, latest = checked_bounds(checked)
            undated = earliest is None and latest is None
            # One text sorting as the tuple would: no part holds a character below NUL's.
            day = (latest or earliest or dt.date.min).isoformat()
            key = "\0".join(("1" if not undated else "0", day, product.id, plan, region_id))
            order.append((key, checked, self.stale(checked), undated))
        return order

    def _dated(self, product: Product) -> list[tuple[str, str, Any, str, str]]:
        """What the freshness pages list of a model: (plan, market, offer or unit price,
        checked text, source) of each published amount."""
        cat = self.catalog
        entries: list[tuple[str, str, Any, str, str]] = [
            (cat.plans[o.plan].short_name, o.region, o, o.checked, o.source) for o in product.offers
        ]
        entries += [("new unit", u.region, u, u.checked, u.source) for u in product.unit_prices]
        return entries

    def _amounts(self, item: Any, region: Any) -> str:
        if not isinstance(item, Offer):
            return f"price {self.format(item.price, region)}"
        parts = []
        if item.price is not None:
            parts.append(f"price {self.format(item.price, region)}")
        if item.fees:
            fees = ", ".join(self.format(f, region) for f in item.fees)
            parts.append(f"fees {fees}{' each' if item.flat_fee else ''}")
        if item.flyaway_fee is not None:
            parts.append(f"flyaway {self.format(item.flyaway_fee, region)}")
        return " · ".join(parts)

    def freshness(
        self,
        rows: list[tuple[str, int, str, bool, bool]] | None = None,
        number: int = 1,
        total: int = 1,
    ) -> dict[str, Any]:
        """Every amount's checked date (*rows*, one page of ``_checked_values``), oldest first,
        with the stale ones marked."""
        found: dict[str, list[dict[str, Any]]] = {}  # each model's rows, read once a page
        shown = []
        for i, n, *_ in self._checked_values if rows is None else rows:
            if i not in found:
                found[i] = self.share("fresh", i)
            shown.append(found[i][n])
        return {
            "rows": shown,
            "limit": self.catalog.stale_after,
            **self.freshness_counts,
            "pager": paging.pager("index.html", number, total),
        }

    @cached_property
    def freshness_counts(self) -> dict[str, int]:
        """How many amounts there are, how many are stale, how many undated."""
        every = self._checked_values
        return {
            "stale": sum(1 for r in every if r[3]),
            "undated": sum(1 for r in every if r[4]),
            "total": len(every),
        }
