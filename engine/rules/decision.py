"""Rules and what they answer: a compiled rule list, the Decision it returns, and its trace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.core.location import Location
from engine.core.money import Money
from engine.rules.contract import VALUE_TYPES, names_in_scope
from engine.rules.expr import Compiled, ExprError, compile_expression
from engine.rules.functions import FUNCTIONS


@dataclass(frozen=True)
class Step:
    """One rule tried: its id, whether it held, where it is written, and its condition."""

    rule: str
    held: bool
    location: Location
    when: str = ""


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
    # The two steps a trace can record of this rule (not held, held), made once: a decision
    # tries a dozen rules, and a site decides hundreds of thousands of times.
    steps: tuple[Step, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps = tuple(
            Step(self.id, held, self.location, self.when.source) for held in (False, True)
        )
        object.__setattr__(self, "steps", steps)


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
                wanted = VALUE_TYPES[decision].get(name)
                found = values[name].type
                fits = wanted is None or (
                    found.same_base(wanted) and (wanted.nullable or not found.nullable)
                )
                if wanted is not None and found.name == "null":
                    fits = wanted.nullable
                if wanted is not None and not fits:
                    raise ExprError(
                        f"a {decision}'s '{name}' is a {wanted}, found {found}", 0, "expr-type"
                    )
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
