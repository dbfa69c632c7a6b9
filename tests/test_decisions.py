"""Decisions through the library: outcomes with reasons and locations, facts checked, the ledger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import engine
from engine.catalog.lookups import Catalog
from engine.core.problems import FactError, LookupProblem
from engine.rules.contract import FACTS, OUTCOMES

from .conftest import ROOT

PURCHASE = dict(
    product="mavic-3",
    plan="care-refresh-1y",
    region="us",
    activated_at="2024-02-27T00:00",
    now="2024-02-29T12:00",
)


def test_a_decision_explains_itself(shipped: Catalog) -> None:
    d = shipped.decide("purchase", **PURCHASE)
    assert (d.outcome, d.rule) == ("needs-video-verification", "needs-video")
    assert d.because.startswith("Past the activation window")
    rules_file = (ROOT / "catalog" / "rules" / "care-refresh.yaml").read_text().splitlines()
    assert str(d.location).endswith(f"catalog/rules/care-refresh.yaml:{d.location.line}")
    assert rules_file[d.location.line - 1].strip() == "- id: needs-video"
    assert [s.rule for s in d.trace][-1] == "needs-video"
    assert all(not s.held for s in d.trace[:-1]) and d.trace[-1].held


def test_the_same_decision_twice_gives_the_same_trace(shipped: Catalog) -> None:
    first = shipped.decide("purchase", **PURCHASE).to_json()
    second = shipped.decide("purchase", **PURCHASE).to_json()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_facts_may_be_python_values(shipped: Catalog) -> None:
    d = shipped.decide(
        "claim",
        product=shipped.product("mavic-3"),
        plan="care-refresh-1y",
        region="us",
        policy_start=dt.date(2022, 6, 1),
        incident="collision",
        incident_on=dt.date(2022, 8, 1),
        replacements_used=1,
        flyaway_used=0,
        rc_bound=True,
    )
    assert d.outcome == "replacement" and d.values["fee"] == engine.Money.of(199, "USD")


def test_a_missing_fact_names_every_fact_needed(shipped: Catalog) -> None:
    with pytest.raises(FactError) as caught:
        shipped.decide("claim", product="mavic-3", plan="care-refresh-1y", region="us")
    message = str(caught.value)
    for name in (
        "policy_start",
        "incident",
        "incident_on",
        "replacements_used",
        "flyaway_used",
        "rc_bound",
    ):
        assert name in message.split("(needed")[0]


def test_an_unknown_fact_and_an_unknown_decision_are_errors(shipped: Catalog) -> None:
    with pytest.raises(FactError, match="unknown fact"):
        shipped.decide("purchase", **PURCHASE, colour="red")
    with pytest.raises(
        FactError,
        match=r"unknown decision 'purchse' \(did you mean 'purchase'\?\)",
    ):
        shipped.decide("purchse", **PURCHASE)


@pytest.mark.parametrize(
    ("fact", "value", "words"),
    [
        ("now", "2024-02-30T10:00", "'now'"),
        ("bundled", "maybe", "'bundled'"),
        ("condition", "broken", "must be one of new, used, refurbished"),
    ],
)
def test_malformed_facts_are_refused(shipped: Catalog, fact: str, value: str, words: str) -> None:
    with pytest.raises(FactError, match=words):
        shipped.decide("purchase", **{**PURCHASE, fact: value})


def test_every_rule_outcome_is_in_its_decisions_vocabulary(shipped: Catalog) -> None:
    for _plan, decision, rule in shipped.rules():
        assert rule.outcome in OUTCOMES[decision]


def test_the_facts_contract_matches_the_design() -> None:
    assert set(FACTS["purchase"]) >= {
        "product",
        "plan",
        "region",
        "product_region",
        "now",
        "activated_at",
        "bundled",
        "prior_policy",
        "repair_invitation_at",
        "video_verified_at",
        "condition",
    }
    assert set(FACTS["claim"]) >= {
        "product",
        "plan",
        "region",
        "service_region",
        "policy_start",
        "incident",
        "incident_on",
        "replacements_used",
        "flyaway_used",
        "rc_bound",
    }
    assert set(FACTS["renewal"]) >= {
        "product",
        "plan",
        "region",
        "policy_start",
        "now",
        "covered_months",
        "replacements_left",
    }


def test_a_ledger_follows_claims_until_the_replacements_are_used(shipped: Catalog) -> None:
    policy = shipped.policy("mavic-3", "care-refresh-1y", "us", dt.date(2022, 6, 1))
    assert policy.status(dt.date(2022, 7, 1)) == {
        "on": "2022-07-01",
        "state": "active",
        "plan": "care-refresh-1y",
        "replacements_left": 2,
        "flyaway_left": 1,
        "cover_end": "2023-05-31",
        "warranty_end": "2023-05-31",
        "covered_months": 12,
    }
    assert policy.claim("collision", dt.date(2022, 8, 1)).values["fee"].amount == 159
    assert policy.claim("flyaway", dt.date(2022, 12, 1)).outcome == "flyaway-replacement"
    assert policy.status(dt.date(2022, 12, 2))["state"] == "used-up"
    assert policy.claim("collision", dt.date(2023, 1, 1)).rule == "used-up"
    assert policy.status(dt.date(2023, 6, 1))["state"] == "expired"


def test_a_ledger_renews_up_to_three_years(shipped: Catalog) -> None:
    policy = shipped.policy("mini-3", "care-refresh-1y", "pl", dt.date(2024, 1, 10))
    assert policy.renew(dt.date(2024, 12, 20)).values["plan"] == "care-refresh-1y"
    assert policy.cover_end == dt.date(2026, 1, 9)
    assert policy.status(dt.date(2025, 3, 1))["replacements_left"] == 2
    assert policy.renew(dt.date(2025, 12, 20)).outcome == "eligible"
    assert policy.covered_months == 36
    assert policy.renew(dt.date(2026, 12, 20)).rule == "three-years"
    assert policy.cover_end == dt.date(2027, 1, 9)


def test_a_ledger_under_the_older_terms_takes_care_refresh_plus(shipped: Catalog) -> None:
    policy = shipped.policy("mini-2", "care-refresh-1y", "fr", dt.date(2021, 3, 1))
    policy.claim("collision", dt.date(2021, 5, 1))
    decision = policy.renew(dt.date(2022, 2, 1))
    assert (decision.rule, decision.values["plan"]) == ("buy-plus", "care-refresh-plus")
    assert policy.current.replacements == 1 and policy.current.start == dt.date(2022, 3, 1)
    assert policy.warranty_end == dt.date(2023, 2, 28)


def test_a_decision_on_a_broken_date_range_is_a_lookup_problem(shipped: Catalog) -> None:
    with pytest.raises(LookupProblem, match="did not exist"):
        shipped.decide(
            "claim",
            product="mavic-pro",
            plan="care-refresh-2y",
            region="de",
            policy_start="2017-01-01",
            incident="collision",
            incident_on="2017-02-01",
            replacements_used=0,
            flyaway_used=0,
            rc_bound=True,
        )


def test_rule_coverage_of_the_shipped_cases_is_complete(shipped: Catalog) -> None:
    from engine.catalog.cases import case_files, read_cases, run_case

    decided = {run_case(shipped, c).decided_by for c in read_cases(case_files())}
    assert all(f"{rule.id} ({rule.location})" in decided for _p, _d, rule in shipped.rules())


def test_a_changed_rule_is_caught_by_the_cases(minimal_copy: Path) -> None:
    from click.testing import CliRunner

    from engine.cli import cli

    path = minimal_copy / "rules" / "basic.yaml"
    path.write_text(
        path.read_text().replace("now - activated_at <= 48h", "now - activated_at <= 96h")
    )
    result = CliRunner().invoke(cli, ["-C", str(minimal_copy), "test"])
    assert result.exit_code == 1
    assert "rule: expected 'otherwise', got 'window'" in result.stdout
