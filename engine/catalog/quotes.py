"""A quoted fee or price with its provenance, and how the offer behind it is chosen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.core.money import Money
from engine.core.problems import LookupProblem
from engine.model.entities import Offer, Plan, PlanVersion, Product, Region


@dataclass(frozen=True)
class Quote:
    """A fee or price with the offer it comes from and the plan version it belongs to."""

    money: Money
    offer: Offer
    version: PlanVersion
    era_matched: bool

    def to_json(self, region: Region) -> dict[str, Any]:
        """A plain mapping: the money, its formatted form, and its provenance."""
        return {
            **self.money.to_json(),
            "formatted": self.money.format(region.locale),
            "terms": {"from": self.version.start.isoformat(), "label": self.version.label},
            "terms_stated_by_source": self.era_matched,
            "source": self.offer.source,
            "seller": self.offer.seller,
            "checked": self.offer.checked,
            "confidence": self.offer.confidence,
            "note": self.offer.note,
            "defined_at": str(self.offer.location),
        }


def best_quote(
    offers: Mapping[tuple[str, str, str], list[Offer]],
    product: Product,
    plan: Plan,
    region: Region,
    version: PlanVersion,
    pick: Any,
    what: str,
) -> Quote:
    """The offer to quote: one of the version in force, else one whose source states no terms;
    the first stated (not doubtful) one in the catalog's order. LookupProblem says what exists."""
    candidates = offers.get((product.id, plan.id, region.id), [])
    for era_matched in (True, False):
        ranked = [
            (offer.doubtful, index, offer)
            for index, offer in enumerate(candidates)
            if pick(offer) is not None
            and ((offer.terms == version.start) if era_matched else offer.terms is None)
        ]
        if ranked:
            offer = min(ranked, key=lambda r: (r[0], r[1]))[2]
            return Quote(pick(offer), offer, version, era_matched)
    where = f"'{product.id}' with '{plan.id}' in {region.name}"
    others = sorted({o.terms.isoformat() for o in candidates if o.terms and pick(o) is not None})
    tail = f"; published under the terms of {', '.join(others)} only" if others else ""
    raise LookupProblem(
        f"no published {what} for {where} under the terms of {version.start} ({version.label}){tail}"
    )
