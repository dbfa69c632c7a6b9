"""A policy ledger: one unit's cover followed through claims and renewals.

What DJI's status page shows an owner: replacements and flyaway replacements left, when cover
ends (by date, or earlier when the replacements are used up), and when the warranty ends.
Each claim and renewal is a decision of the catalog's rules; the ledger only keeps the counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.core.dates import term_end
from engine.core.problems import LookupProblem
from engine.model.entities import PlanVersion, Terms
from engine.rules.decision import Decision


class Catalog(Protocol):
    """What the ledger asks of the catalog (``engine.Catalog`` is one): decisions and terms."""

    def decide(self, decision: str, **facts: Any) -> Decision: ...

    def terms(self, plan: Any, product: Any, on: dt.date | None = None) -> Terms: ...

    def version(self, plan: Any, on: dt.date | None = None) -> PlanVersion: ...


@dataclass
class Period:
    """One plan's stretch of cover within a policy (the first plan, or a renewal)."""

    plan: str
    start: dt.date
    end: dt.date
    replacements: int
    flyaway: int | None
    warranty_end: dt.date | None
    used: int = 0
    flyaway_used: int = 0


@dataclass
class Policy:
    """A unit's cover: its periods and every decision taken on it, in order."""

    catalog: Catalog
    product: str
    region: str
    periods: list[Period]
    events: list[tuple[dt.date, Decision]] = field(default_factory=list)

    @classmethod
    def open(cls, catalog: Catalog, product: str, plan: str, region: str, start: dt.date) -> Policy:
        """A policy whose first plan starts on *start*, with the terms in force that day."""
        return cls(catalog, product, region, [_period(catalog, plan, product, start)])

    @property
    def current(self) -> Period:
        """The latest period of cover."""
        return self.periods[-1]

    def period_on(self, day: dt.date) -> Period | None:
        """The period covering *day*, if any."""
        return next((p for p in self.periods if p.start <= day <= p.end), None)

    @property
    def covered_months(self) -> int:
        """Months of cover bought so far."""
        total = 0
        for period in self.periods:
            version = self.catalog.version(period.plan, period.start)
            total += version.term_months or 0
        return total

    def replacements_left(self, on: dt.date | None = None) -> int:
        """Replacements left in the period covering *on* (default: the current period)."""
        period = self.period_on(on) if on else self.current
        return 0 if period is None else period.replacements - period.used

    def flyaway_left(self, on: dt.date | None = None) -> int | None:
        """Flyaway replacements left (None where the plan does not publish them)."""
        period = self.period_on(on) if on else self.current
        if period is None:
            return 0
        if period.flyaway is None:
            return None
        return max(0, min(period.flyaway - period.flyaway_used, period.replacements - period.used))

    @property
    def cover_end(self) -> dt.date:
        """The last day of cover by date."""
        return self.current.end

    @property
    def warranty_end(self) -> dt.date | None:
        """The last day of the official warranty the plans give, if they give one."""
        ends = [p.warranty_end for p in self.periods if p.warranty_end]
        return max(ends) if ends else None

    def status(self, on: dt.date) -> dict[str, Any]:
        """What an owner's status page shows on *on*."""
        period = self.period_on(on)
        if period is None:
            state = "not-started" if on < self.periods[0].start else "expired"
        elif period.used >= period.replacements:
            state = "used-up"
        else:
            state = "active"
        return {
            "on": on.isoformat(),
            "state": state,
            "plan": period.plan if period else None,
            "replacements_left": self.replacements_left(on) if period else 0,
            "flyaway_left": self.flyaway_left(on) if period else 0,
            "cover_end": self.cover_end.isoformat(),
            "warranty_end": self.warranty_end.isoformat() if self.warranty_end else None,
            "covered_months": self.covered_months,
        }

    def ending(self, on: dt.date) -> dict[str, Any]:
        """How the policy ends, seen on *on*: used up on the day of its last replacement, or
        when its cover's term runs out (with the warranty's end)."""
        period = self.current
        if period.used >= period.replacements:
            used_up = max(
                (d for d, x in self.events if x.outcome in ("replacement", "flyaway-replacement")),
                default=period.start,
            )
            text = f"used up on {used_up} (every replacement of the {period.plan} taken)"
            return {"reason": "used-up", "on": used_up.isoformat(), "text": text}
        status = self.status(on)
        text = f"cover ends on {status['cover_end']} with {status['replacements_left']} replacement(s) left"
        if status["warranty_end"]:
            text += f"; warranty ends on {status['warranty_end']}"
        return {"reason": "term", "on": status["cover_end"], "text": text}

    def claim(
        self,
        incident: str,
        on: dt.date,
        *,
        rc_bound: bool = True,
        service_region: str | None = None,
    ) -> Decision:
        """Decide a claim for an incident on *on*; a replacement is counted against its period."""
        period = self.period_on(on) or (self.current if on > self.current.end else self.periods[0])
        decision = self.catalog.decide(
            "claim",
            product=self.product,
            plan=period.plan,
            region=self.region,
            service_region=service_region or self.region,
            policy_start=period.start,
            incident=incident,
            incident_on=on,
            replacements_used=period.used,
            flyaway_used=period.flyaway_used,
            rc_bound=rc_bound,
        )
        if decision.outcome in ("replacement", "flyaway-replacement"):
            period.used += 1
            if decision.outcome == "flyaway-replacement":
                period.flyaway_used += 1
        self.events.append((on, decision))
        return decision

    def renew(self, now: dt.datetime | dt.date) -> Decision:
        """Decide a renewal on *now*; when eligible, the plan it names starts the day after cover ends."""
        moment = now if isinstance(now, dt.datetime) else dt.datetime(now.year, now.month, now.day)
        period = self.current
        decision = self.catalog.decide(
            "renewal",
            product=self.product,
            plan=period.plan,
            region=self.region,
            policy_start=period.start,
            now=moment,
            covered_months=self.covered_months,
            replacements_left=period.replacements - period.used,
        )
        if decision.outcome == "eligible":
            plan = decision.values.get("plan")
            if not isinstance(plan, str):
                raise LookupProblem(
                    f"renewal rule '{decision.rule}' ({decision.location}) names no plan to buy"
                )
            start = max(period.end + dt.timedelta(days=1), moment.date())
            self.periods.append(_period(self.catalog, plan, self.product, start))
        self.events.append((moment.date(), decision))
        return decision


def _period(catalog: Catalog, plan: str, product: str, start: dt.date) -> Period:
    terms = catalog.terms(plan, product, start)
    if terms.term_months is None:
        raise LookupProblem(f"plan '{plan}' publishes no term length")
    warranty = term_end(start, terms.warranty_months) if terms.warranty_months else None
    return Period(
        plan=plan,
        start=start,
        end=term_end(start, terms.term_months),
        replacements=terms.replacements,
        flyaway=terms.flyaway_replacements,
        warranty_end=warranty,
    )
