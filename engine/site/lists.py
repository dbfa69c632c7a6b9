"""The site's long lists: every offer side by side (compare) and every dated change (history).

Both grow with the catalog, so both are shown a page at a time (``engine.site.paging``).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from engine.core.dates import checked_bounds
from engine.model.entities import Offer, Product
from engine.site import paging
from engine.site.parts import Parts
from engine.site.presentation import source_view


class Lists(Parts):
    """The compare table and the history, for the day *on*."""

    @cached_property
    def _fee_width(self) -> int:
        """How many fee columns the compare table has: the longest fee list or allowance."""
        cat = self.catalog
        width = max(
            (len(o.fees) for p in cat.products() for o in p.offers if not o.flat_fee), default=1
        )
        return max(
            [width]
            + [
                a.replacements
                for plan in cat.plans.values()
                for v in plan.versions
                for a in v.allowances.values()
            ]
        )

    @cached_property
    def _offer_regions(self) -> list[str]:
        """The markets with an offer, by name."""
        cat = self.catalog
        return sorted(
            {o.region for p in cat.products() for o in p.offers},
            key=lambda r: cat.regions[r].name,
        )

    def compare(
        self, products: list[Product] | None = None, number: int = 1, total: int = 1
    ) -> dict[str, Any]:
        """One row per published offer (and per model without any) of *products* (one page of
        the catalog's), with filter and sort keys."""
        cat = self.catalog
        width = self._fee_width
        rows = []
        for product in cat.products() if products is None else products:
            base = {
                **self.product_link(product),
                "family": product.family,
                "family_name": cat.families[product.family].name,
                "category": product.category,
            }
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
        return {
            "rows": rows,
            "fee_numbers": list(range(1, width + 1)),
            "families": [{"id": f.id, "name": f.name} for f in cat.families.values()],
            "categories": [{"id": c.id, "name": c.name} for c in cat.categories.values()],
            "regions": [{"id": r, "name": cat.regions[r].name} for r in self._offer_regions],
            "pager": paging.pager("compare.html", number, total),
        }

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
        for product in cat.products():
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
        events.sort(key=lambda e: (e["date"], e["kind"], e["title"]), reverse=True)
        return events

    # -- freshness ---------------------------------------------------------------------------

    @cached_property
    def _checked_values(self) -> list[dict[str, Any]]:
        """Every published amount with its checked text, oldest first: undated ones first (their
        age is unknown), then by the latest day their text allows they were checked."""
        cat = self.catalog
        rows = []
        for product in cat.products():
            link = {"name": product.name, "url": f"../products/{product.id}.html"}
            entries: list[tuple[str, str, Any, str, str]] = [
                (cat.plans[o.plan].short_name, o.region, o, o.checked, o.source)
                for o in product.offers
            ]
            entries += [("new unit", u.region, u, u.checked, u.source) for u in product.unit_prices]
            for plan, region_id, item, checked, source in entries:
                earliest, latest = checked_bounds(checked)
                rows.append(
                    {
                        "product_id": product.id,
                        "product": link,
                        "plan": plan,
                        "region_id": region_id,
                        "item": item,  # its amounts are written when its page is
                        "checked": checked,
                        "source": source,
                        "undated": earliest is None and latest is None,
                        "_key": (
                            (latest or earliest or dt.date.min).isoformat(),
                            product.id,
                            plan,
                            region_id,
                        ),
                    }
                )
        rows.sort(key=lambda r: (not r["undated"], r.pop("_key")))
        return rows

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
        self, rows: list[dict[str, Any]] | None = None, number: int = 1, total: int = 1
    ) -> dict[str, Any]:
        """Every amount's checked date, oldest first, with the stale ones marked."""
        shown = []
        for row in self._checked_values if rows is None else rows:
            region = self.catalog.region(row["region_id"])
            shown.append(
                {
                    **row,
                    "region": region.name,
                    "amounts": self._amounts(row["item"], region),
                    "stale": self.stale(row["checked"]),
                    "source": source_view(row["source"]),
                }
            )
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
            "stale": sum(1 for r in every if self.stale(r["checked"])),
            "undated": sum(1 for r in every if r["undated"]),
            "total": len(every),
        }
