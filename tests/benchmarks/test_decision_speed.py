"""Decision speed: the compiled rules against hand-written Python doing the same, in the same run.

Run with ``pytest -m benchmark tests/benchmarks -s`` to see microseconds per decision.
"""

from __future__ import annotations

import datetime as dt
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.catalog.lookups import Catalog

from .conftest import record
from .synth import make_catalog

pytestmark = pytest.mark.benchmark

FACTS = dict(
    product="mavic-3",
    plan="care-refresh-1y",
    region="us",
    activated_at="2024-02-27T00:00",
    now="2024-02-29T12:00",
)


def per_call(work: Callable[[], Any], number: int = 2000) -> float:
    return min(timeit.repeat(work, number=number, repeat=5)) / number


def handwritten_purchase(ctx: dict[str, Any]) -> str:
    """The shipped purchase rules written directly in Python: the floor for the interpreter."""
    if ctx["product_region"]["service_area"] != ctx["region"]["service_area"]:
        return "other-region"
    if ctx["prior_policy"]:
        return "had-a-plan"
    if ctx["bundled"]:
        return "bundled"
    if ctx["activated_at"] is None:
        return "not-activated"
    if ctx["category"] != "handheld" and ctx["now"] - ctx["activated_at"] <= dt.timedelta(hours=48):
        return "drone-window"
    if ctx["category"] == "handheld" and ctx["now"] - ctx["activated_at"] <= dt.timedelta(days=30):
        return "handheld-window"
    r = ctx["repair_invitation_at"]
    if r is not None and ctx["now"] - r <= dt.timedelta(hours=72):
        return "after-repair"
    v = ctx["video_verified_at"]
    if v is not None and ctx["now"] - v <= dt.timedelta(hours=72):
        return "video-verified"
    return "needs-video"


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    shipped = engine.load()
    shipped.decide("purchase", **FACTS)
    evaluator = shipped.__dict__["_evaluator"]
    ctx = evaluator.context("purchase", FACTS)
    version = shipped.plans["care-refresh-1y"].version_on(dt.date(2024, 2, 29))
    assert version is not None
    rules = version.decisions["purchase"]
    assert evaluator.run("purchase", rules, ctx).rule == handwritten_purchase(ctx) == "needs-video"
    results = {
        "handwritten": per_call(lambda: handwritten_purchase(ctx)),
        "rules": per_call(lambda: evaluator.run("purchase", rules, ctx)),
        "decide": per_call(lambda: shipped.decide("purchase", **FACTS)),
    }
    big: Catalog = engine.load(make_catalog(tmp_path_factory.mktemp("decide") / "catalog", 1000))
    big_facts = {**FACTS, "product": "synthetic-00500"}
    big.decide("purchase", **big_facts)
    results["decide_1000"] = per_call(lambda: big.decide("purchase", **big_facts))
    small_facts = {**FACTS, "product": "synthetic-00050"}
    small: Catalog = engine.load(
        make_catalog(Path(tmp_path_factory.mktemp("decide100")) / "catalog", 100)
    )
    small.decide("purchase", **small_facts)
    results["decide_100"] = per_call(lambda: small.decide("purchase", **small_facts))
    print(
        f"\npurchase decision (10 rules tried): hand-written Python {results['handwritten'] * 1e6:.1f} µs | "
        f"compiled rules {results['rules'] * 1e6:.1f} µs ({results['rules'] / results['handwritten']:.1f}x) | "
        f"decide() with fact parsing {results['decide'] * 1e6:.1f} µs | "
        f"catalog of 100 vs 1,000 products: {results['decide_100'] * 1e6:.1f} vs {results['decide_1000'] * 1e6:.1f} µs"
    )
    return record("decide", results)


def test_compiled_rules_stay_within_a_small_multiple_of_handwritten_python(
    figures: dict[str, float],
) -> None:
    # Typically ~11x; 50x would mean the compiled closures became an interpreter loop.
    assert figures["rules"] < figures["handwritten"] * 50


def test_fact_checking_costs_less_than_a_few_rule_runs(figures: dict[str, float]) -> None:
    # Typically ~1.7x; 10x would mean facts are re-parsed or looked up by scanning.
    assert figures["decide"] < figures["rules"] * 10


def test_a_decision_does_not_slow_down_as_the_catalog_grows(figures: dict[str, float]) -> None:
    # A lookup that scanned the products would be ~10x slower at 1,000; noise stays well under 3x.
    assert figures["decide_1000"] < figures["decide_100"] * 3
