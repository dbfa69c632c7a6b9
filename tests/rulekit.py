"""Questions for the rules, asked of Python and of the browser alike: the catalog's scenario
cases, seeded random fact sets (good and bad), and random checked expressions."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from engine.catalog.cases import case_files, read_cases
from engine.catalog.lookups import Catalog
from engine.core.money import Money
from engine.core.problems import FactError, LookupProblem
from engine.rules.decision import plain
from engine.rules.expr import ExprError, Type, compile_expression
from engine.rules.expr.types import (
    BOOL,
    DATE,
    DATETIME,
    DURATION,
    MONEY,
    NUMBER,
    PERIOD,
    STRING,
    Period,
)
from engine.rules.functions import BUILTINS


def case_queries(catalog: Catalog) -> list[dict[str, Any]]:
    """Every decision case of the catalog as (kind, facts), dates as text."""
    queries = []
    for case in read_cases(case_files([catalog.root / "cases"])):
        if case.kind == "decide":
            facts = dict(case.query)
            kind = facts.pop("decision")
            text = {
                k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v
                for k, v in facts.items()
            }
            queries.append({"kind": kind, "facts": text})
    return queries


def generated_queries(catalog: Catalog, how_many: int, seed: int) -> list[dict[str, Any]]:
    """*how_many* fact sets for random decisions: mostly well-formed, some with a bad or missing fact."""
    rng = random.Random(seed)
    products = [p.id for p in catalog.products()]
    plans = list(catalog.plans)
    regions = list(catalog.regions)
    incidents = list(catalog.incidents)

    def sometimes(good: list[Any], bad: list[Any], odds: float = 0.03) -> Any:
        return rng.choice(bad) if rng.random() < odds else rng.choice(good)

    def day() -> str:
        y, m = rng.randint(2015, 2030), rng.randint(1, 12)
        return f"{y:04d}-{m:02d}-{rng.randint(1, 28 if rng.random() < 0.97 else 31):02d}"

    def moment() -> Any:
        r = rng.random()
        if r < 0.3:
            return day()
        if r < 0.98:
            return f"{day()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        return rng.choice(
            ["2024-02-30T10:00:00", "yesterday", "2024-03-01T25:00", 20240301, "2024-W09-5T10"]
        )

    def count() -> Any:
        return sometimes(
            list(range(6)), ["2", "1.5", -1, "x", 10001, "3.0", True, "1_0", " 4 "], 0.15
        )

    def boolean() -> Any:
        return sometimes([True, False, True, "true", "FALSE"], ["maybe", 1, None], 0.05)

    queries = []
    for _ in range(how_many):
        kind = rng.choice(["purchase", "claim", "claim", "renewal"])
        facts: dict[str, Any] = {
            "product": sometimes(products, ["nope", "mavic3", "Mini-3"]),
            "plan": sometimes(plans, ["care-refresh-3y"]),
            "region": sometimes(regions, ["xx", "usa"], 0.02),
        }
        if kind == "purchase":
            facts.update(
                now=moment(),
                activated_at=rng.choice([None, moment()]),
                bundled=boolean(),
                prior_policy=boolean(),
            )
            for name in ("repair_invitation_at", "video_verified_at"):
                if rng.random() < 0.3:
                    facts[name] = rng.choice([None, moment()])
            if rng.random() < 0.3:
                facts["condition"] = rng.choice(["new", "used", "refurbished", "broken"])
            if rng.random() < 0.2:
                facts["product_region"] = rng.choice(regions)
        elif kind == "claim":
            start = day()
            try:
                later = dt.date.fromisoformat(start) + dt.timedelta(days=rng.randint(-30, 800))
            except ValueError:  # a day that does not exist: the fact is refused anyway
                later = dt.date(2024, 1, 1)
            facts.update(
                policy_start=start,
                incident=sometimes([*incidents, "flyaway", "flyaway"], ["crash"]),
                incident_on=later.isoformat() if rng.random() < 0.8 else day(),
                replacements_used=count(),
                flyaway_used=count(),
                rc_bound=boolean(),
            )
            if rng.random() < 0.2:
                facts["service_region"] = rng.choice(regions)
        else:
            facts.update(
                policy_start=day(),
                now=moment(),
                covered_months=rng.choice([0, 6, 12, 24, 36, 48]),
                replacements_left=count(),
            )
        if rng.random() < 0.03:
            facts.pop(rng.choice(list(facts)))
        if rng.random() < 0.02:
            facts["incidnet"] = "collision"
        queries.append({"kind": kind, "facts": facts})
    return queries


def sweep_queries(catalog: Catalog) -> list[dict[str, Any]]:
    """A claim for every incident on every model, plan and market with an offer (2024 terms)."""
    queries = []
    for product in catalog.products():
        for plan, region in sorted({(o.plan, o.region) for o in product.offers}):
            for incident in catalog.incidents:
                for used in (0, 1):
                    queries.append(
                        {
                            "kind": "claim",
                            "facts": {
                                "product": product.id,
                                "plan": plan,
                                "region": region,
                                "policy_start": "2024-01-10",
                                "incident": incident,
                                "incident_on": "2024-06-01",
                                "replacements_used": used,
                                "flyaway_used": 0,
                                "rc_bound": True,
                            },
                        }
                    )
    return queries


def python_answer(catalog: Catalog, kind: str, facts: dict[str, Any]) -> dict[str, Any]:
    """What ``cat.decide`` answers, in the shape ``careCatalog.decide`` returns (errors by name)."""
    try:
        d = catalog.decide(kind, **facts)
    except FactError as error:
        return {"ok": False, "error": "FactError", "message": str(error)}
    except LookupProblem as error:
        return {"ok": False, "error": "LookupProblem", "message": str(error)}
    return {
        "ok": True,
        "outcome": d.outcome,
        "rule": d.rule,
        "because": d.because,
        "location": str(d.location),
        "values": {k: plain(v) for k, v in d.values.items()},
        "trace": [
            {"rule": s.rule, "held": s.held, "location": str(s.location), "when": s.when}
            for s in d.trace
        ],
    }


# Answers in the browser, in the same shape (runs in the page).
BROWSER_ANSWERS = """queries => queries.map(q => {
  try {
    const d = window.careCatalog.decide(q.kind, q.facts);
    return {ok: true, outcome: d.outcome, rule: d.rule, because: d.because, location: d.location,
            values: d.values, trace: d.trace};
  } catch (e) {
    return {ok: false, error: e.name, message: e.message};
  }
})"""


# -- random expressions -------------------------------------------------------------------

SCOPE: dict[str, Type] = {
    "n1": NUMBER,
    "n2": NUMBER,
    "d1": DATE,
    "d2": DATE,
    "t1": DATETIME,
    "t2": DATETIME,
    "u1": DURATION,
    "p1": PERIOD,
    "m1": MONEY,
    "m2": MONEY,
    "m3": MONEY,
    "b1": BOOL,
    "s1": STRING,
    "s2": STRING,
    "o1": DATETIME.maybe(),
    "o2": NUMBER.maybe(),
}
_LITERALS = [
    "0",
    "1",
    "2.5",
    "0.10",
    "100",
    "999999999999999",
    "true",
    "false",
    "null",
    '"a"',
    '"ß"',
    '""',
    "2024-02-29",
    "2023-01-31",
    "0001-01-01",
    "9999-12-31",
    "2024-03-01T10:30:00",
    "9999-12-31T23:59:59.999999",
    "48h",
    "15d",
    "1w",
    "90min",
    "36525d",
    "1mo",
    "12mo",
    "2y",
    "1200mo",
]
_NAMES = list(SCOPE)
_BINARY = ["+", "-", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in"]


def random_expressions(count: int, seed: int) -> list[str]:
    """*count* random expressions over ``SCOPE`` that type-check (most random ones do not)."""
    rng = random.Random(seed)

    def atom() -> str:
        return rng.choice(_LITERALS) if rng.random() < 0.45 else rng.choice(_NAMES)

    def expr(depth: int) -> str:
        r = rng.random()
        if depth == 0 or r < 0.25:
            return atom()
        if r < 0.35:
            return f"not {expr(depth - 1)}" if rng.random() < 0.5 else f"-{expr(depth - 1)}"
        if r < 0.45:
            name = rng.choice(["date", "coalesce", "min", "max"])
            args = 1 if name == "date" else 2
            return f"{name}({', '.join(expr(depth - 1) for _ in range(args))})"
        if r < 0.5:
            return "[" + ", ".join(expr(depth - 1) for _ in range(rng.randint(0, 3))) + "]"
        return f"({expr(depth - 1)} {rng.choice(_BINARY)} {expr(depth - 1)})"

    found: list[str] = []
    seen: set[str] = set()
    while len(found) < count:
        source = expr(3)
        if source in seen:
            continue
        seen.add(source)
        try:
            compile_expression(source, SCOPE, BUILTINS)
        except ExprError:
            continue
        found.append(source)
    return found


def random_context(rng: random.Random) -> dict[str, Any]:
    """Values for ``SCOPE``, edges of the calendar and of the decimals included."""

    def moment() -> dt.datetime:
        return rng.choice(
            [
                dt.datetime(
                    rng.randint(1990, 2040),
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                    rng.randint(0, 23),
                    rng.randint(0, 59),
                    rng.randint(0, 59),
                    rng.choice([0, 0, 999999, 500000]),
                ),
                dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
                dt.datetime(1, 1, 1),
            ]
        )

    def day() -> dt.date:
        return rng.choice(
            [
                moment().date(),
                dt.date(2024, 1, 31),
                dt.date(2023, 2, 28),
                dt.date(9999, 12, 31),
                dt.date(1, 1, 1),
            ]
        )

    def number() -> Decimal:
        return Decimal(
            rng.choice(
                ["0", "1", "-1", "2.50", "0.1", "0.2", "10000", "-0", "3.000", "123456789012.345"]
            )
        )

    return {
        "n1": number(),
        "n2": number(),
        "d1": day(),
        "d2": day(),
        "t1": moment(),
        "t2": moment(),
        "u1": dt.timedelta(
            microseconds=rng.choice(
                [0, 1, -1, 86_400_000_000, -172_800_000_001, 3_155_760_000_000_000]
            )
        ),
        "p1": Period(rng.choice([0, 1, 11, 12, -1, 1200])),
        "m1": Money(number(), "USD"),
        "m2": Money(number(), "USD"),
        "m3": Money(number(), "EUR"),
        "b1": rng.choice([True, False]),
        "s1": rng.choice(["a", "b", "", "ß", "Z"]),
        "s2": rng.choice(["a", "aa", "\U0001f600", "é"]),
        "o1": rng.choice([None, moment()]),
        "o2": rng.choice([None, number()]),
    }


_EPOCH = dt.datetime(1, 1, 1)


def _micro(delta: dt.timedelta) -> str:
    return str((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)


def as_js(value: Any) -> Any:
    """A Python value in the runtime's representation (BigInts as {"$big": text})."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        return {"$num": str(value)}
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, dt.datetime):
        return {"$big": _micro(value - _EPOCH)}
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, dt.timedelta):
        return {"$big": _micro(value)}
    if isinstance(value, Period):
        return value.months
    if isinstance(value, list):
        return [as_js(v) for v in value]
    raise TypeError(value)


# Evaluates each [code, context] in the page (which must allow new Function: bypass_csp).
BROWSER_EXPRESSIONS = """cases => {
  const R = window.careCatalog._runtime;
  const load = v => v === null || typeof v !== 'object' ? v
    : Array.isArray(v) ? v.map(load)
    : '$big' in v ? BigInt(v['$big']) : '$num' in v ? v['$num'] : v;
  const show = v => typeof v === 'bigint' ? {'$big': v.toString()}
    : typeof v === 'string' && /^-?[0-9]/.test(v) ? {'$num': v}
    : Array.isArray(v) ? v.map(show) : v;
  return cases.map(([code, ctx]) => {
    const c = {};
    for (const k in ctx) c[k] = load(ctx[k]);
    try { return {ok: true, value: show(new Function('c', 'R', 'return ' + code)(c, R))}; }
    catch (e) { return {ok: false, error: e.name}; }
  });
}"""


def timelines(catalog: Catalog, how_many: int, seed: int) -> list[dict[str, Any]]:
    """Random policies: a model, plan and market with an offer, a start, claims and renewals."""
    rng = random.Random(seed)
    choices = sorted({(p.id, o.plan, o.region) for p in catalog.products() for o in p.offers})
    incidents = [*catalog.incidents, "flyaway", "collision", "collision"]
    found = []
    for _ in range(how_many):
        product, plan, region = rng.choice(choices)
        start = dt.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28))
        events: list[dict[str, Any]] = []
        day = start
        for _ in range(rng.randint(0, 5)):
            day += dt.timedelta(days=rng.randint(1, 200))
            if rng.random() < 0.2:
                events.append({"renew": day.isoformat()})
            else:
                events.append(
                    {
                        "claim": rng.choice(incidents),
                        "on": day.isoformat(),
                        "rc_bound": rng.random() < 0.9,
                    }
                )
        found.append(
            {
                "facts": {
                    "product": product,
                    "plan": plan,
                    "region": region,
                    "start": start.isoformat(),
                },
                "events": events,
            }
        )
    return found


def python_timeline(
    catalog: Catalog, facts: dict[str, Any], events: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the library's ledger says of *events*, in the shape ``careCatalog.policy`` returns."""
    try:
        start = dt.date.fromisoformat(facts["start"])
        ledger = catalog.policy(facts["product"], facts["plan"], facts["region"], start)
        steps = []
        for event in events:
            if "claim" in event:
                on = dt.date.fromisoformat(event["on"])
                d = ledger.claim(event["claim"], on, rc_bound=event["rc_bound"])
                label = f"claim: {event['claim']}"
            else:
                on = dt.date.fromisoformat(event["renew"])
                d = ledger.renew(on)
                label = "renewal"
            steps.append(
                {
                    "on": on.isoformat(),
                    "event": label,
                    "outcome": d.outcome,
                    "rule": d.rule,
                    "values": {k: plain(v) for k, v in d.values.items()},
                    "status": ledger.status(on),
                }
            )
        last = max([dt.date.fromisoformat(steps[-1]["on"]), start] if steps else [start])
        return {
            "ok": True,
            "events": steps,
            "status": ledger.status(last),
            "ends": ledger.ending(last),
        }
    except LookupProblem as error:
        return {"ok": False, "message": str(error)}


BROWSER_TIMELINES = """items => items.map(t => {
  try {
    const p = window.careCatalog.policy(t.facts, t.events);
    return {ok: true, status: p.status, ends: p.ends, events: p.events.map(e => ({on: e.on,
      event: e.event, outcome: e.decision.outcome, rule: e.decision.rule, values: e.decision.values,
      status: e.status}))};
  } catch (e) {
    return {ok: false, message: e.message};
  }
})"""
