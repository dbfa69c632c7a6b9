"""Decisions: the facts each one reads, the rule lists that decide it, and the Decision it returns.

The contract (DESIGN.md, "Decisions and facts"): each decision has declared facts with types,
some with a documented default; facts derived from them and the catalog; a fixed function table;
and a vocabulary of outcomes. Rules are compiled once when the catalog loads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.core.dates import term_end
from engine.core.money import Money
from engine.core.problems import FactError, LookupProblem, did_you_mean
from engine.model.entities import Location
from engine.rules.expr import Compiled, ExprError, Function, Type, compile_expression
from engine.rules.expr.types import BOOL, DATE, DATETIME, MONEY, NUMBER, STRING, record

if TYPE_CHECKING:
    from engine.catalog.lookups import Catalog

PRODUCT = record("product", id=STRING, name=STRING, family=STRING, category=STRING)
PLAN = record("plan", id=STRING, name=STRING)
REGION = record("region", id=STRING, name=STRING, currency=STRING, service_area=STRING)
INCIDENT = record("incident", id=STRING, name=STRING, kind=STRING)
TERMS = record(
    "terms",
    replacements=NUMBER,
    flyaway_replacements=NUMBER.maybe(),
    term_months=NUMBER.maybe(),
    warranty_months=NUMBER.maybe(),
    version_from=DATE,
)

REQUIRED = object()


@dataclass(frozen=True)
class Fact:
    """A fact a decision reads: its type, its default (if any) and what it means."""

    name: str
    type: Type
    description: str
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        """Whether the caller must give it."""
        return self.default is REQUIRED


def _facts(*facts: Fact) -> dict[str, Fact]:
    return {f.name: f for f in facts}


_PRODUCT = Fact("product", PRODUCT, "The product's id.")
_PLAN = Fact("plan", PLAN, "The plan's id.")
_REGION = Fact("region", REGION, "The region the plan is (or would be) bought in.")

FACTS: dict[str, dict[str, Fact]] = {
    "purchase": _facts(
        _PRODUCT,
        _PLAN,
        _REGION,
        Fact(
            "product_region",
            REGION,
            "Where the product was bought; default: the plan's region.",
            None,
        ),
        Fact("now", DATETIME, "When the plan would be bought."),
        Fact(
            "activated_at",
            DATETIME.maybe(),
            "When the product was activated; null: never activated.",
        ),
        Fact("bundled", BOOL, "Bought in the same order as the product.", False),
        Fact("prior_policy", BOOL, "The unit has had a plan before (any owner).", False),
        Fact(
            "repair_invitation_at",
            DATETIME.maybe(),
            "When an official repair's invitation to buy was sent.",
            None,
        ),
        Fact(
            "video_verified_at", DATETIME.maybe(), "When the unit passed video verification.", None
        ),
        Fact(
            "condition", STRING, "new, used or refurbished.", "new", ("new", "used", "refurbished")
        ),
    ),
    "claim": _facts(
        _PRODUCT,
        _PLAN,
        _REGION,
        Fact(
            "service_region",
            REGION,
            "Where service is asked for; default: the plan's region.",
            None,
        ),
        Fact("policy_start", DATE, "The day cover started; its terms apply."),
        Fact("incident", INCIDENT, "What happened (an id of incidents.yaml)."),
        Fact("incident_on", DATE, "The day it happened."),
        Fact("replacements_used", NUMBER, "Replacements already used, flyaway ones included."),
        Fact("flyaway_used", NUMBER, "Flyaway replacements already used."),
        Fact(
            "rc_bound",
            BOOL,
            "Account and remote controller were bound to the aircraft before the incident.",
        ),
    ),
    "renewal": _facts(
        _PRODUCT,
        Fact("plan", PLAN, "The plan currently held."),
        _REGION,
        Fact("policy_start", DATE, "The day the current plan started."),
        Fact("now", DATETIME, "When the renewal would be bought; the rules in force then apply."),
        Fact("covered_months", NUMBER, "Months of cover held so far, the current plan included."),
        Fact("replacements_left", NUMBER, "Replacements left on the current plan."),
    ),
}

DERIVED: dict[str, dict[str, tuple[Type, str]]] = {
    "purchase": {
        "category": (STRING, "The product's category."),
        "plan_sold": (BOOL, "Whether the plan is sold on the day of 'now'."),
    },
    "claim": {
        "category": (STRING, "The product's category."),
        "terms": (TERMS, "The plan's terms in force on policy_start for the product's category."),
        "policy_end": (DATE, "The last day of cover: the day before policy_start + the term."),
        "flyaway_listed": (
            BOOL.maybe(),
            "Whether the model is on the flyaway list on incident_on; null when the sources cannot say.",
        ),
        "flyaway_known_by": (
            DATE.maybe(),
            "When flyaway_listed is null: the day by which a source shows the list changed.",
        ),
    },
    "renewal": {
        "category": (STRING, "The product's category."),
        "terms": (TERMS, "The current plan's terms in force on policy_start."),
        "policy_end": (DATE, "The last day of the current cover."),
    },
}

# Every decision may also answer "unknown": when what decides it is a value the sources only
# bound, a rule says so (with what would settle it) instead of guessing.
UNKNOWN = "unknown"
OUTCOMES: dict[str, tuple[str, ...]] = {
    "purchase": ("eligible", "needs-video-verification", "not-eligible", UNKNOWN),
    "claim": ("replacement", "flyaway-replacement", "not-covered", UNKNOWN),
    "renewal": ("eligible", "not-eligible", UNKNOWN),
}

RESERVED_VALUES = {"decision", "outcome", "rule", "because", "location", "trace", "sources"}


def _coalesce(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def _same(types: list[Type]) -> Type:
    first, second = types
    if not first.same_base(second):
        raise TypeError(f"the fallback must be a {first.sure()}, found {second}")
    return second


BUILTINS: dict[str, Function] = {
    "date": Function(
        "date",
        (DATETIME,),
        lambda t: DATE,
        lambda moment: moment.date(),
        description="The calendar day of a datetime.",
    ),
    "coalesce": Function(
        "coalesce",
        (None, None),
        _same,
        _coalesce,
        description="The value, or the fallback where it is null.",
    ),
    "min": Function(
        "min", (NUMBER, NUMBER), lambda t: NUMBER, min, description="The smaller number."
    ),
    "max": Function(
        "max", (NUMBER, NUMBER), lambda t: NUMBER, max, description="The larger number."
    ),
}


def _replacement_fee(ctx: Mapping[str, Any], number: Decimal) -> Money | None:
    return _fee(ctx, int(number), False)


def _flyaway_fee(ctx: Mapping[str, Any]) -> Money | None:
    return _fee(ctx, 1, True)


def _fee(ctx: Mapping[str, Any], number: int, flyaway: bool) -> Money | None:
    catalog: Catalog = ctx["$catalog"]
    try:
        return catalog.quote(
            ctx["product"]["id"],
            ctx["plan"]["id"],
            ctx["region"]["id"],
            number,
            flyaway,
            ctx["policy_start"],
        )
    except LookupProblem:
        return None


FUNCTIONS: dict[str, dict[str, Function]] = {
    "purchase": dict(BUILTINS),
    "claim": {
        **BUILTINS,
        "replacement_fee": Function(
            "replacement_fee",
            (NUMBER,),
            lambda t: MONEY.maybe(),
            _replacement_fee,
            True,
            "The published fee of replacement number n under the policy's terms; null where unpublished.",
        ),
        "flyaway_fee": Function(
            "flyaway_fee",
            (),
            lambda t: MONEY.maybe(),
            _flyaway_fee,
            True,
            "The published flyaway fee under the policy's terms; null where unpublished.",
        ),
    },
    "renewal": dict(BUILTINS),
}


def names_in_scope(decision: str) -> dict[str, Type]:
    """Every name a rule of *decision* may use, with its type."""
    names = {name: fact.type for name, fact in FACTS[decision].items()}
    names.update({name: kind for name, (kind, _) in DERIVED[decision].items()})
    return names


@dataclass(frozen=True)
class Rule:
    """A compiled rule: when it holds, it decides the outcome, with its reason and values."""

    id: str
    when: Compiled
    outcome: str
    because: str
    location: Location
    values: Mapping[str, Compiled] = field(default_factory=dict)
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One rule tried: its id, whether it held, where it is written, and its condition."""

    rule: str
    held: bool
    location: Location
    when: str = ""


@dataclass(frozen=True)
class Decision:
    """An answer and its explanation: outcome, deciding rule, reason, values and the rules tried."""

    decision: str
    outcome: str
    rule: str
    because: str
    location: Location
    values: Mapping[str, Any]
    trace: tuple[Step, ...] = field(repr=False)
    facts: Mapping[str, Any] = field(repr=False)
    sources: tuple[str, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        values = ", ".join(
            f"{k}={v!r}" if isinstance(v, Money) else f"{k}={plain(v)!r}"
            for k, v in self.values.items()
        )
        return (
            f"Decision({self.decision}: {self.outcome!r} by rule {self.rule!r} "
            f"at {self.location}{', ' + values if values else ''})"
        )

    def to_json(self) -> dict[str, Any]:
        """Outcome, rule, reason, location, each computed value at the top level, and the trace."""
        out: dict[str, Any] = {
            "decision": self.decision,
            "outcome": self.outcome,
            "rule": self.rule,
            "because": self.because,
            "location": str(self.location),
        }
        out.update({name: plain(value) for name, value in self.values.items()})
        out["trace"] = [
            {"rule": s.rule, "held": s.held, "location": str(s.location), "when": s.when}
            for s in self.trace
        ]
        return out


def plain(value: Any) -> Any:
    """A JSON-ready form of a rule value."""
    if isinstance(value, Money):
        return value.to_json()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def compile_rules(
    decision: str, rules: list[dict[str, Any]], location: Callable[[int], Location]
) -> tuple[tuple[Rule, ...], list[tuple[int, str, ExprError]]]:
    """Compile a rule list; the rules, and every (rule index, field, error) found."""
    names = names_in_scope(decision)
    functions = FUNCTIONS[decision]
    compiled: list[Rule] = []
    errors: list[tuple[int, str, ExprError]] = []
    for index, raw in enumerate(rules):
        when_text = (
            raw["when"] if isinstance(raw["when"], str) else ("true" if raw["when"] else "false")
        )
        try:
            when = compile_expression(when_text, names, functions)
            if when.type.name != "bool" or when.type.nullable:
                raise ExprError(f"a condition must be a bool, found {when.type}", 0, "expr-type")
        except ExprError as error:
            errors.append((index, "when", error))
            continue
        values: dict[str, Compiled] = {}
        for name, text in raw.get("values", {}).items():
            source = text if isinstance(text, str) else str(text).lower()
            try:
                values[name] = compile_expression(source, names, functions)
            except ExprError as error:
                errors.append((index, f"values.{name}", error))
        compiled.append(
            Rule(
                raw["id"],
                when,
                raw["outcome"],
                raw["because"],
                location(index),
                values,
                tuple(raw.get("sources", ())),
            )
        )
    return tuple(compiled), errors


class Evaluator:
    """Turns given facts into a context and runs a rule list on it."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._records: dict[tuple[str, str], dict[str, Any]] = {}

    def context(self, decision: str, given: Mapping[str, Any]) -> dict[str, Any]:
        """Checked, typed facts plus derived ones; FactError names every missing or unknown fact."""
        if decision not in FACTS:
            raise FactError(
                f"unknown decision '{decision}'{did_you_mean(decision, FACTS)}; decisions: {', '.join(FACTS)}"
            )
        specs = FACTS[decision]
        problems = [
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
            if spec.required and name not in given:
                continue
            try:
                ctx[name] = self._coerce(spec, given.get(name, spec.default), ctx)
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
                if isinstance(value, bool):
                    raise ValueError
                return Decimal(str(value))
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
                trace.append(Step(rule.id, held, rule.location, rule.when.source))
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


def _datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value)
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        return dt.datetime(day.year, day.month, day.day)
    return dt.datetime.fromisoformat(text)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) != 10:
        raise ValueError
    return dt.date.fromisoformat(text)
