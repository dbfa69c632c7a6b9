"""The functions a rule may call: built-ins for every decision, and fee look-ups in claim rules.

A fee look-up needs the catalog, which sits above the rules: the evaluator puts an object with a
``quote`` method (the ``FeeSource`` protocol) into the context as ``$catalog``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol

from engine.core.money import Money
from engine.core.problems import LookupProblem
from engine.rules.expr import Function, Type
from engine.rules.expr.types import DATE, DATETIME, MONEY, NUMBER


class FeeSource(Protocol):
    """What a fee function asks of the catalog: the published fee under a policy's terms."""

    def quote(
        self,
        product: Any,
        plan: Any,
        region: str | None = ...,
        replacement: int = ...,
        flyaway: bool = ...,
        on: dt.date | None = ...,
    ) -> Money: ...


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
    if number != number.to_integral_value():
        return None  # there is no replacement 1.5 (a literal like that is refused at load)
    return _fee(ctx, int(number), False)


def _flyaway_fee(ctx: Mapping[str, Any]) -> Money | None:
    return _fee(ctx, 1, True)


def _fee(ctx: Mapping[str, Any], number: int, flyaway: bool) -> Money | None:
    catalog: FeeSource = ctx["$catalog"]
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
            counts=True,
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
