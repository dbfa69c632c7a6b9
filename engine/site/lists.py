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
from engine.core.problems import LookupProblem
from engine.model.entities import Product
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

    def has(self, product_id: str) -> bool:
        """Whether this build read the model *product_id*."""
        return product_id in self._read

    @cached_property
    def _read(self) -> set[str]:
        return {p.id for p in self.catalog.products()}

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
            return self._fresh_rows(product)  # type: ignore[attr-defined]
        if kind == "order":
            return self._fresh_order(product)  # type: ignore[attr-defined]
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
