"""The rules in the browser answer exactly as the Python library does (Chromium, Playwright).

Every scenario case of the catalog and 2,400 seeded random fact sets (good ones and bad ones)
go through ``cat.decide`` and through ``window.careCatalog.decide`` in the built site; outcome,
rule, reason, values, the rules tried and every error text must be the same. Random checked
expressions compare the two evaluators value for value. Then the calculator page, as a reader
uses it.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from typing import Any
from urllib.parse import urlencode

import pytest

from engine.catalog.lookups import Catalog
from engine.core.money import Money
from engine.rules.expr import compile_expression
from engine.rules.functions import BUILTINS
from engine.rules.js import to_js
from tests.browserkit import DESKTOP, PHONE, Visit
from tests.rulekit import (
    BROWSER_ANSWERS,
    BROWSER_EXPRESSIONS,
    BROWSER_TIMELINES,
    SCOPE,
    as_js,
    case_queries,
    generated_queries,
    python_answer,
    python_timeline,
    random_context,
    random_expressions,
    sweep_queries,
    timelines,
)
from tests.sitekit import ROOT

GENERATED = 2400


def in_browser(browser: Any, base: str, script: str, payload: Any, **options: Any) -> Any:
    """*script* evaluated on *payload* in the calculator page, which loads the rules."""
    visit = Visit(browser, base, DESKTOP, **options)
    visit.open("calculator/index.html")
    result = visit.page.evaluate(script, payload)
    visit.close()
    assert visit.problems == []
    return result


def mismatches(queries: list[dict[str, Any]], py: list[Any], js: list[Any]) -> list[str]:
    return [
        f"{q}\n  python: {json.dumps(p)[:400]}\n  browser: {json.dumps(j)[:400]}"
        for q, p, j in zip(queries, py, js, strict=True)
        if p != j
    ]


def test_every_case_decides_alike_in_the_browser(browser: Any, site: Any, shipped: Catalog) -> None:
    base, _ = site
    queries = case_queries(shipped)
    assert len(queries) >= 60
    answers = in_browser(browser, base, BROWSER_ANSWERS, queries)
    expected = [python_answer(shipped, q["kind"], q["facts"]) for q in queries]
    assert mismatches(queries, expected, answers) == []
    assert sum(a["ok"] for a in answers) > len(answers) * 0.8  # a few cases expect a refusal


def test_generated_fact_sets_decide_alike_in_the_browser(
    browser: Any, site: Any, shipped: Catalog
) -> None:
    base, _ = site
    queries = generated_queries(shipped, GENERATED, seed=20261124) + sweep_queries(shipped)
    answers = in_browser(browser, base, BROWSER_ANSWERS, queries)
    expected = [python_answer(shipped, q["kind"], q["facts"]) for q in queries]
    assert mismatches(queries, expected, answers) == []
    # The sets reach every kind of answer, not only errors.
    outcomes = {a["outcome"] for a in answers if a["ok"]}
    errors = {a["error"] for a in answers if not a["ok"]}
    assert {
        "eligible",
        "not-eligible",
        "replacement",
        "flyaway-replacement",
        "not-covered",
    } <= outcomes
    assert errors == {"FactError", "LookupProblem"}
    assert sum(a["ok"] for a in answers) > len(answers) // 3


def test_random_expressions_evaluate_alike(browser: Any, site: Any) -> None:
    base, _ = site
    rng = random.Random(7)
    cases, expected = [], []
    for source in random_expressions(600, seed=11):
        compiled = compile_expression(source, SCOPE, BUILTINS)
        for _ in range(3):
            ctx = random_context(rng)
            try:
                want: dict[str, Any] = {"ok": True, "value": as_js(compiled.evaluate(ctx))}
            except (ArithmeticError, OverflowError, ValueError):
                want = {"ok": False, "error": "EvalError"}
            cases.append([to_js(compiled), {k: as_js(v) for k, v in ctx.items()}])
            expected.append(want)
    # The test builds functions from text, which the page's policy forbids.
    got = in_browser(browser, base, BROWSER_EXPRESSIONS, cases, bypass_csp=True)
    wrong = [
        f"{c[0]} with {c[1]}: python {e}, browser {g}"
        for c, e, g in zip(cases, expected, got, strict=True)
        if e != g
    ]
    assert wrong[:5] == []
    assert sum(not e["ok"] for e in expected) > 0  # errors are compared too


# -- the calculator page -------------------------------------------------------------------

EXAMPLE = {
    "product": "mini-3",
    "plan": "care-refresh-1y",
    "region": "pl",
    "policy_start": "2024-01-10",
    "replacements_used": "1",
    "flyaway_used": "0",
    "incident": "flyaway",
    "incident_on": "2024-06-01",
    "rc_bound": "true",
}


def cli_decision(facts: dict[str, str]) -> dict[str, Any]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "decide",
            "claim",
            *(f"{k}={v}" for k, v in facts.items()),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    decision: dict[str, Any] = json.loads(run.stdout)
    return decision


def test_the_calculator_answers_the_readme_example_as_the_command_line(
    browser: Any, site: Any, shipped: Catalog
) -> None:
    base, _ = site
    expected = cli_decision(EXAMPLE)
    assert (expected["outcome"], expected["fee"]) == (
        "flyaway-replacement",
        {"amount": "1149", "currency": "PLN"},
    )
    visit = Visit(browser, base, DESKTOP)
    visit.open("calculator/index.html?" + urlencode(EXAMPLE))
    page = visit.page
    assert page.inner_text("#answer-outcome") == "flyaway replacement"
    figures = page.inner_text("#answer-figures")
    fee = Money.of(expected["fee"]["amount"], "PLN").format(shipped.region("pl").locale)
    assert (
        fee == "1\u00a0149,00\u00a0zł" and fee in figures
    )  # the market's money, as the site writes it
    assert f"Replacements left after this\n{expected['remaining']}" in figures
    assert "Cover ends\n2025-01-09" in figures
    because = page.inner_text("#answer-because")
    assert expected["because"] in because and expected["location"] in because
    page.click("#answer-rules summary")
    trace = page.inner_text("#answer-trace")
    assert trace.count("does not apply") == len(expected["trace"]) - 1
    assert "catalog/rules/care-refresh.yaml:151" in trace
    # The address reproduces it: the page rewrote it with every fact.
    assert all(f"{k}={v}" in page.url for k, v in EXAMPLE.items())
    report = page.evaluate("window.careCatalogCalculator.firstAnswerMs")
    print(f"\ncalculator: first answer {report:.1f} ms after its script started")
    visit.close()
    assert visit.problems == []


def test_the_calculator_works_with_the_keyboard_and_keeps_the_address(
    browser: Any, site: Any
) -> None:
    base, _ = site
    visit = Visit(browser, base, PHONE)
    visit.open("calculator/index.html?product=mavic-3")
    page = visit.page
    assert page.input_value("#c-product") == "mavic-3"
    page.focus("#c-incident")
    for _ in range(8):
        page.keyboard.press("ArrowDown")
        if page.input_value("#c-incident") == "flyaway":
            break
    assert page.input_value("#c-incident") == "flyaway"
    page.focus("#c-bound")
    page.keyboard.press("Space")  # unbound: a flyaway is then not covered
    assert page.inner_text("#answer-outcome") == "not covered"
    assert "rc_bound=false" in page.url and "incident=flyaway" in page.url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    visit.close()
    assert visit.problems == []


def test_product_pages_link_the_calculator_with_the_model_chosen(browser: Any, site: Any) -> None:
    base, _ = site
    visit = Visit(browser, base, DESKTOP)
    visit.open("products/air-3.html")
    visit.page.click("text=Work out your own claim for the Air 3")
    visit.page.wait_for_load_state("load")
    assert visit.page.input_value("#c-product") == "air-3"
    visit.close()
    assert visit.problems == []


def test_without_javascript_the_calculator_says_what_it_needs(browser: Any, site: Any) -> None:
    base, _ = site
    visit = Visit(browser, base, DESKTOP, java_script_enabled=False)
    visit.open("calculator/index.html")
    assert visit.page.is_visible("text=needs JavaScript")
    assert not visit.page.is_visible("#calculator")
    assert visit.page.is_visible("a[href='../index.html']")
    visit.close()


def test_the_bundle_is_small(site: Any) -> None:
    _, result = site
    sizes = {}
    for name in ("rules.js", "rules-data.js", "calculator.js"):
        data = (result.path / "static" / name).read_bytes()
        sizes[name] = (len(data), len(gzip.compress(data, 9, mtime=0)))
    total = sum(s for s, _ in sizes.values())
    packed = sum(g for _, g in sizes.values())
    print(f"\nrules bundle: {total:,} bytes, {packed:,} gzipped: {sizes}")
    assert packed < 60_000, sizes


@pytest.mark.parametrize("kind", ["purchase", "claim", "renewal"])
def test_the_facts_in_the_browser_are_the_contracts(browser: Any, site: Any, kind: str) -> None:
    from engine.rules.contract import FACTS

    base, _ = site
    facts = in_browser(browser, base, "kind => window.careCatalog.facts(kind)", kind)
    assert [f["name"] for f in facts] == list(FACTS[kind])
    assert [f["description"] for f in facts] == [f.description for f in FACTS[kind].values()]


def test_policies_follow_the_same_timeline_in_the_browser(
    browser: Any, site: Any, shipped: Catalog
) -> None:
    base, _ = site
    items = timelines(shipped, 400, seed=5)
    got = in_browser(browser, base, BROWSER_TIMELINES, items)
    expected = [python_timeline(shipped, t["facts"], t["events"]) for t in items]
    wrong = [
        f"{t}\n  python: {e}\n  browser: {g}"
        for t, e, g in zip(items, expected, got, strict=True)
        if e != g
    ]
    assert wrong[:3] == []
    ends = {e["ends"]["reason"] for e in expected if e["ok"]}
    assert ends == {"used-up", "term"}
    assert sum(len(e["events"]) for e in expected if e["ok"]) > 500
