"""Turns the facts a caller gives into a checked, typed context, and runs a rule list on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any, Protocol

from engine.core.dates import term_end
from engine.core.problems import FactError, LookupProblem, did_you_mean
from engine.model.entities import Incident, Plan, Product, Region, Terms
from engine.rules.contract import FACTS, Fact
from engine.rules.decision import Decision, Rule, Step
from engine.rules.functions import FeeSource

# The largest count a fact may give (replacements used, months held): far beyond any plan.
MAX_COUNT = 10_000
# Values whose checked form is remembered, and how many at the most (then the memo starts again).
_PLAIN = (str, int, bool, dt.date, dt.datetime)
_MEMO = 100_000


class Catalog(FeeSource, Protocol):
    """The lookups an evaluator needs (``engine.Catalog`` has them), and fees for the functions."""

    plans: dict[str, Plan]

    def product(self, product_id: Any) -> Product: ...

    def plan(self, plan_id: Any) -> Plan: ...

    def region(self, region_id: Any = None) -> Region: ...

    def incident(self, incident_id: Any) -> Incident: ...

    def terms(self, plan: Any, product: Any, on: dt.date | None = None) -> Terms: ...


class Evaluator:
    """Turns given facts into a context and runs a rule list on it."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._records: dict[tuple[str, str], dict[str, Any]] = {}
        # The catalog never changes, so a fact's checked value and the facts derived from the
        # same product, plan and days are remembered (a site asks thousands of alike questions).
        self._coerced: dict[tuple[str, type, Any], Any] = {}
        self._derived: dict[tuple[Any, ...], dict[str, Any]] = {}

    def context(self, decision: str, given: Mapping[str, Any]) -> dict[str, Any]:
        """Checked, typed facts plus derived ones; FactError names every missing or unknown fact."""
        if decision not in FACTS:
            raise FactError(
                f"unknown decision '{decision}'{did_you_mean(decision, FACTS)}; decisions: {', '.join(FACTS)}"
            )
        specs = FACTS[decision]
        problems: list[str] = []
        if not (given.keys() <= specs.keys() and _required(decision) <= given.keys()):
            problems += [
                f"unknown fact '{name}'{did_you_mean(name, specs)}"
                for name in given
                if name not in specs
            ]
            problems += [
                f"missing fact '{name}' ({spec.type.sure()}{' or null' if spec.type.nullable else ''}): "
                f"{spec.description}"
                for name, spec in specs.items()
                if spec.required and name not in given
            ]
        ctx: dict[str, Any] = {"$catalog": self.catalog}
        for name, spec in specs.items():
            if name not in given and spec.required:
                continue
            value = given.get(name, spec.default)
            # By type too: 1 == True, yet only one of them is a bool.
            key = (name, type(value), value) if type(value) in _PLAIN else None
            try:
                if key is not None and key in self._coerced:
                    ctx[name] = self._coerced[key]
                    continue
                ctx[name] = self._coerce(spec, value, ctx)
                if key is not None:
                    if len(self._coerced) >= _MEMO:
                        self._coerced.clear()
                    self._coerced[key] = ctx[name]
            except LookupProblem as problem:  # a bad value, or an id the catalog does not have
                problems.append(str(problem).replace("\n", "\n  "))
        if problems:
            raise FactError(
                f"{decision}: {len(problems)} problem(s) with the facts:\n  "
                + "\n  ".join(problems)
                + f"\n  (facts of {decision}: {', '.join(specs)}; 'care-catalog decide --help' describes them)"
            )
        self._derive(decision, ctx)
        return ctx

    def _coerce(self, spec: Fact, value: Any, ctx: Mapping[str, Any]) -> Any:
        kind = spec.type
        if value is None:
            if spec.name in ("product_region", "service_region"):
                return ctx.get("region")  # when the region itself is bad, that is reported
            if kind.nullable:
                return None
            raise FactError(f"fact '{spec.name}' cannot be null")
        try:
            if kind.fields:
                return self._record(kind.name, value)
            if kind.name == "datetime":
                return _datetime(value)
            if kind.name == "date":
                return _date(value)
            if kind.name == "number":
                # Every number a decision reads counts something (replacements, months).
                count = Decimal(str(value)) if not isinstance(value, bool) else Decimal("NaN")
                if not (count.is_finite() and count == count.to_integral_value()) or not (
                    0 <= count <= MAX_COUNT
                ):
                    raise FactError(
                        f"fact '{spec.name}': {value!r} is not a whole number from 0 to {MAX_COUNT}"
                    )
                return count
            if kind.name == "bool":
                if isinstance(value, str) and value.lower() in ("true", "false"):
                    return value.lower() == "true"
                if not isinstance(value, bool):
                    raise ValueError
                return value
            if spec.choices and value not in spec.choices:
                raise FactError(
                    f"fact '{spec.name}' must be one of {', '.join(spec.choices)}, not {value!r}"
                )
            return str(value)
        except (ValueError, TypeError, ArithmeticError):
            raise FactError(f"fact '{spec.name}': {value!r} is not a {kind.sure()}") from None

    def _record(self, kind: str, value: Any) -> dict[str, Any]:
        key = value if isinstance(value, str) else getattr(value, "id", None)
        if not isinstance(key, str):
            raise TypeError
        cached = self._records.get((kind, key))
        if cached is not None:
            return cached
        cat = self.catalog
        if kind == "product":
            p = cat.product(key)
            rec = {"id": p.id, "name": p.name, "family": p.family, "category": p.category}
        elif kind == "plan":
            plan = cat.plan(key)
            rec = {"id": plan.id, "name": plan.name}
        elif kind == "region":
            r = cat.region(key)
            rec = {
                "id": r.id,
                "name": r.name,
                "currency": r.currency,
                "service_area": r.service_area,
            }
        else:
            incident = cat.incident(key)
            rec = {"id": incident.id, "name": incident.name, "kind": incident.kind}
        self._records[(kind, key)] = rec
        return rec

    def _derive(self, decision: str, ctx: dict[str, Any]) -> None:
        day = ctx.get("now") if decision == "purchase" else ctx["policy_start"]
        key = (decision, ctx["product"]["id"], ctx["plan"]["id"], day, ctx.get("incident_on"))
        known = self._derived.get(key)
        if known is None:
            known = {}
            self._derive_into(decision, {**ctx}, known)
            if len(self._derived) >= _MEMO:
                self._derived.clear()
            self._derived[key] = known
        ctx.update(known)

    def _derive_into(self, decision: str, ctx: dict[str, Any], out: dict[str, Any]) -> None:
        before = set(ctx)
        self._derive_facts(decision, ctx)
        out.update({k: v for k, v in ctx.items() if k not in before})

    def _derive_facts(self, decision: str, ctx: dict[str, Any]) -> None:
        product = self.catalog.product(ctx["product"]["id"])
        ctx["category"] = product.category
        if decision == "purchase":
            version = self.catalog.plans[ctx["plan"]["id"]].version_on(ctx["now"].date())
            ctx["plan_sold"] = bool(version and version.sold)
            return
        terms = self.catalog.terms(ctx["plan"]["id"], product.id, ctx["policy_start"])
        ctx["terms"] = {
            "replacements": Decimal(terms.replacements),
            "flyaway_replacements": None
            if terms.flyaway_replacements is None
            else Decimal(terms.flyaway_replacements),
            "term_months": None if terms.term_months is None else Decimal(terms.term_months),
            "warranty_months": None
            if terms.warranty_months is None
            else Decimal(terms.warranty_months),
            "version_from": terms.version.start,
        }
        if terms.term_months is None:
            raise LookupProblem(
                f"plan '{terms.plan}' publishes no term length; its cover end is unknown"
            )
        ctx["policy_end"] = term_end(ctx["policy_start"], terms.term_months)
        if decision == "claim":
            ctx["flyaway_listed"] = product.flyaway_eligible_on(ctx["incident_on"])
            ctx["flyaway_known_by"] = product.flyaway_unknown_until(ctx["incident_on"])

    def run(self, decision: str, rules: tuple[Rule, ...], ctx: Mapping[str, Any]) -> Decision:
        """The first rule that holds decides; every rule tried is in the trace."""
        trace: list[Step] = []
        for rule in rules:
            try:
                held = bool(rule.when.evaluate(ctx))
                trace.append(rule.steps[held])
                if not held:
                    continue
                values = {name: value.evaluate(ctx) for name, value in rule.values.items()}
            except (ArithmeticError, OverflowError, ValueError) as error:
                raise LookupProblem(
                    f"rule '{rule.id}' ({rule.location}) could not be evaluated: {error}"
                ) from None
            facts = {k: v for k, v in ctx.items() if not k.startswith("$")}
            return Decision(
                decision,
                rule.outcome,
                rule.id,
                rule.because,
                rule.location,
                values,
                tuple(trace),
                facts,
                rule.sources,
            )
        raise LookupProblem(
            f"no {decision} rule held (the last rule of a list should be 'when: true')"
        )


@cache
def _required(decision: str) -> frozenset[str]:
    """The facts of *decision* a caller must give."""
    return frozenset(name for name, spec in FACTS[decision].items() if spec.required)


def _datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value)
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        return dt.datetime(day.year, day.month, day.day)
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        raise ValueError  # the facts are the local times of one market: no offset to compare by
    return moment


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) != 10:
        raise ValueError
    return dt.date.fromisoformat(text)
