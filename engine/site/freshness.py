"""The freshness pages: every published amount with the day its source was last checked, oldest
first, over numbered pages; each model's rows are its share ``fresh``, their places in the
pages' order its share ``order`` (``engine.site.shares``)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from engine.core.dates import checked_bounds
from engine.model.entities import Offer, Product
from engine.site import paging
from engine.site.lists import Lists
from engine.site.presentation import source_view


class Freshness(Lists):
    """The freshness pages, for the day *on*."""

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
        return [self._fresh_row(product, n) for n in range(len(self._dated(product)))]

    def _fresh_row(self, product: Product, n: int) -> dict[str, Any]:
        """Row *n* of ``_fresh_rows``, made alone."""
        offers = product.offers
        item: Any
        if n < len(offers):
            item = offers[n]
            plan = self.catalog.plans[item.plan].short_name
        else:
            item = product.unit_prices[n - len(offers)]
            plan = "new unit"
        region_id, checked, source = item.region, item.checked, item.source
        earliest, latest = checked_bounds(checked)
        region = self.catalog.region(region_id)
        return {
            "product_id": product.id,
            "product": {"name": product.name, "url": f"../products/{product.id}.html"},
            "plan": plan,
            "region_id": region_id,
            "checked": checked,
            "source": source_view(source),
            "undated": earliest is None and latest is None,
            "region": region.name,
            "amounts": self._amounts(item, region),
            "stale": self.stale(checked),
        }

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
        # A page holds a row or two of a thousand models: a model read by this build gives its
        # row alone; another's rows come from its share, read once a page.
        found: dict[str, list[dict[str, Any]]] = {}
        shown = []
        for i, n, *_ in self._checked_values if rows is None else rows:
            if self.has(i):
                shown.append(self._fresh_row(self.catalog.product(i), n))
                continue
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
