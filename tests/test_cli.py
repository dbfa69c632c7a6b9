"""The CLI, in process: outputs, exit codes, and no traceback for a user's mistake."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.cli import cli

from .conftest import ROOT


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_validate_the_shipped_catalog_says_what_it_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", "1795305600"
    )  # 2026-11-22: the stale sources of that day
    code, out, _ = run("validate")
    assert code == 0
    assert re.search(
        r"^ok: checked \d+ files in catalog/: 56 products, 3 plans, 84 offers, \d+ cases; 0 errors, 16 warnings$",
        out,
        re.M,
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("products/mini-3.yaml", "family: mini", "famly: mini"),
            "products/mini-3.yaml:3:1: error[unknown-key]: unknown key 'famly' (did you mean 'family'?)",
        ),
        (
            ("products/mini-3.yaml", "family: mini", "family: minni"),
            "products/mini-3.yaml:3:9: error[unknown-family]: family 'minni' does not exist (did you mean 'mini'?)",
        ),
        (
            ("products/mini-3.yaml", "name: Mini 3", "name: Mini 3\nname: Again"),
            "products/mini-3.yaml:3:1: error[duplicate-key]",
        ),
        (
            ("products/mini-3.yaml", "from: 2021-01-27", "from: 2021-02-30"),
            "products/mini-3.yaml:5:11: error[invalid-date]",
        ),
        (
            ("products/mini-3.yaml", "fees: [49, 69]", "fees: [49, 69"),
            "products/mini-3.yaml:14:16: error[yaml-syntax]",
        ),
    ],
)
def test_each_mistake_prints_one_located_error_and_exits_1(
    minimal_copy: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str, str], expected: str
) -> None:
    file, old, new = edit
    path = minimal_copy / file
    path.write_text(path.read_text().replace(old, new, 1))
    monkeypatch.chdir(minimal_copy.parent)
    code, out, _ = run("validate", "catalog")
    errors = [line for line in out.splitlines() if ": error[" in line]
    assert code == 1
    assert len(errors) == 1 and errors[0].startswith("catalog/" + expected)
    assert out.splitlines()[-1].startswith("FAILED: checked")
    assert out.splitlines()[-1].endswith("; 1 error, 0 warnings")


def test_validate_json_lists_problems_and_a_summary(minimal_copy: Path) -> None:
    (minimal_copy / "regions.yaml").unlink()
    code, out, _ = run("validate", str(minimal_copy), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert [p["code"] for p in data["problems"]] == ["missing-file"]
    assert data["summary"]["errors"] == 1


def test_validate_a_missing_folder_is_exit_2() -> None:
    code, _, err = run("validate", "/no/such/catalog")
    assert code == 2 and "does not exist" in err


def test_quote_answers_the_issue_examples() -> None:
    args = (
        "quote",
        "mavic-3",
        "care-refresh-1y",
        "--region",
        "us",
        "--replacement",
        "2",
        "--on",
        "2022-06-01",
    )
    code, out, _ = run(*args)
    assert code == 0 and out.splitlines()[0] == "US$199.00"
    code, out, _ = run(*args, "--flyaway")
    assert code == 0 and out.splitlines()[0] == "US$739.00"


def test_quote_json_is_stable() -> None:
    code, out, _ = run(
        "quote",
        "mini-2",
        "care-refresh-1y",
        "--region",
        "jp",
        "--price",
        "--on",
        "2021-06-01",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert list(data) == [
        "amount",
        "currency",
        "formatted",
        "terms",
        "terms_stated_by_source",
        "source",
        "seller",
        "checked",
        "confidence",
        "note",
        "defined_at",
    ]
    assert (data["amount"], data["currency"], data["formatted"]) == ("6160", "JPY", "JP¥6,160")


def test_quote_of_an_unpublished_fee_exits_1_and_says_what_is_missing() -> None:
    code, _, err = run(
        "quote", "mavic-3", "care-refresh-1y", "--region", "gb", "--on", "2022-06-01"
    )
    assert code == 1 and "no published fee for replacement 1" in err


@pytest.mark.parametrize(
    "args",
    [
        ("quote", "mavic3", "care-refresh-1y"),
        ("quote", "mavic-3", "care-refresh-1y", "--on", "2022-13-01"),
        ("quote", "mavic-3", "care-refresh-1y", "--replacement", "0"),
        ("show", "product", "minni-3"),
        ("show", "plan", "nope"),
        ("show", "products", "--family", "minni"),
        ("frobnicate",),
    ],
)
def test_usage_mistakes_exit_2_without_a_traceback(args: tuple[str, ...]) -> None:
    code, _, err = run(*args)
    assert code == 2 and err


def test_show_products_lists_every_model() -> None:
    code, out, _ = run("show", "products")
    assert code == 0 and out.strip().endswith("56 products")
    for model in ("mavic-3", "phantom-4-pro", "osmo-pocket-2", "zenmuse-x7", "rs-4-pro"):
        assert re.search(rf"^{model}\s", out, re.M)


def test_show_products_json_filters_by_family() -> None:
    code, out, _ = run("show", "products", "--family", "phantom", "--json")
    assert code == 0
    assert [p["id"] for p in json.loads(out)] == [
        "phantom-3-se",
        "phantom-4-advanced",
        "phantom-4-pro",
        "phantom-4-pro-v2",
    ]


def test_show_product_shows_terms_and_offers_formatted_for_the_region() -> None:
    code, out, _ = run("show", "product", "mini-3", "--region", "pl", "--on", "2024-01-01")
    assert code == 0
    assert (
        "covered components: aircraft, gimbal, camera, intelligent flight battery, propellers"
        in out
    )
    assert "289,00\xa0zł each" in out and "289,00\xa0zł / 349,00\xa0zł" in out
    assert re.search(r"2-Year\s+Care Refresh 2\.0\s+4\s+2\s+24 months", out)


def test_show_product_json_has_terms_of_every_plan() -> None:
    code, out, _ = run("show", "product", "fpv", "--on", "2022-06-01", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["covered_components"] is None
    assert data["terms"]["care-refresh-2y"]["replacements"] == 3
    assert data["terms"]["care-refresh-2y"]["flyaway_replacements"] == 0


def test_show_plan_marks_the_version_in_force() -> None:
    code, out, _ = run("show", "plan", "care-refresh-2y", "--on", "2022-01-01")
    assert code == 0
    assert "* from 2020-01-01 (approximate): 2020 terms" in out
    assert "  from 2023-07-13: Care Refresh 2.0" in out


def test_test_command_runs_the_cases_and_reports_failures(minimal_copy: Path) -> None:
    code, out, _ = run("-C", str(minimal_copy), "test")
    assert (code, out.strip()) == (0, "5 passed, 0 failed")
    path = minimal_copy / "products" / "mini-3.yaml"
    path.write_text(path.read_text().replace("fees: [49, 69]", "fees: [49, 70]"))
    code, out, _ = run("-C", str(minimal_copy), "test")
    assert code == 1
    assert "amount: expected 69, got 70" in out and out.strip().endswith("3 passed, 2 failed")


def test_the_shipped_cases_all_pass() -> None:
    code, out, _ = run("test")
    assert code == 0 and re.fullmatch(r"(\d+) passed, 0 failed", out.strip())
    assert int(out.split()[0]) >= 40


def test_a_case_file_with_an_unknown_key_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- name: typo\n  quote: {product: mavic-3, plan: care-refresh-1y, region: us}\n  expected: {amount: 1}\n"
    )
    code, _, err = run("test", str(bad))
    assert (
        code == 1
        and "bad.yaml:3:3: error[unknown-key]: unknown key 'expected' (did you mean 'expect'?)"
        in err
    )


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()

    def walk(group: object, prefix: str) -> list[str]:
        names = []
        for name, command in sorted(getattr(group, "commands", {}).items()):
            full = f"{prefix} {name}".strip()
            names.append(full)
            names += walk(command, full)
        return names

    for command in walk(cli, ""):
        assert f"care-catalog {command}" in readme, (
            f"README does not document 'care-catalog {command}'"
        )


def test_decide_answers_the_issue_example_with_reason_and_location() -> None:
    code, out, _ = run(
        "decide",
        "purchase",
        "product=mavic-3",
        "plan=care-refresh-1y",
        "region=us",
        "activated_at=2024-02-27T00:00",
        "now=2024-02-29T12:00",
    )
    lines = out.splitlines()
    assert code == 0 and lines[0] == "needs-video-verification"
    assert lines[1].startswith("  because: Past the activation window")
    assert re.fullmatch(r"  rule: needs-video \(catalog/rules/care-refresh\.yaml:\d+\)", lines[2])


def test_decide_explain_prints_the_trace() -> None:
    code, out, _ = run(
        "decide",
        "claim",
        "product=fpv",
        "plan=care-refresh-1y",
        "region=jp",
        "policy_start=2022-06-01",
        "incident=flyaway",
        "incident_on=2022-08-01",
        "replacements_used=0",
        "flyaway_used=0",
        "rc_bound=true",
        "--explain",
    )
    assert code == 0 and out.splitlines()[0] == "not-covered"
    assert re.search(
        r"^    yes  flyaway-not-listed\s+when incident\.id == \"flyaway\" and flyaway_listed != null "
        r"and not flyaway_listed  \(catalog/rules/care-refresh\.yaml:\d+\)$",
        out,
        re.M,
    )
    assert re.search(
        r"^    no   used-up\s+when replacements_used >= terms\.replacements  \(", out, re.M
    )


def test_decide_a_flyaway_shows_the_formatted_fee() -> None:
    code, out, _ = run(
        "decide",
        "claim",
        "product=mavic-3",
        "plan=care-refresh-1y",
        "region=us",
        "policy_start=2022-06-01",
        "incident=flyaway",
        "incident_on=2022-12-01",
        "replacements_used=0",
        "flyaway_used=0",
        "rc_bound=true",
    )
    assert code == 0 and out.splitlines()[0] == "flyaway-replacement" and "  fee: US$739.00" in out


def test_decide_json_has_outcome_values_and_trace() -> None:
    code, out, _ = run(
        "decide",
        "renewal",
        "product=mini-3",
        "plan=care-refresh-1y",
        "region=pl",
        "policy_start=2023-09-01",
        "now=2024-08-15T10:00",
        "covered_months=12",
        "replacements_left=0",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert (data["outcome"], data["rule"], data["plan"]) == (
        "eligible",
        "buy-one-year",
        "care-refresh-1y",
    )
    assert [step["held"] for step in data["trace"]] == [False, False, True]


@pytest.mark.parametrize(
    "args",
    [
        ("decide", "purchase", "product=mavic-3"),
        ("decide", "purchase", "product=mavic-3", "nonsense"),
        (
            "decide",
            "purchase",
            "product=mavic-3",
            "plan=care-refresh-1y",
            "region=us",
            "activated=null",
            "now=2024-01-01",
        ),
        ("decide", "purchse"),
    ],
)
def test_decide_usage_mistakes_exit_2(args: tuple[str, ...]) -> None:
    code, _, err = run(*args)
    assert code == 2 and err


def test_test_coverage_reports_every_rule_decided() -> None:
    code, out, _ = run("test", "--coverage")
    assert code == 0
    assert re.search(r"^rules that decided a case: (\d+) of \1$", out, re.M)


def test_test_coverage_fails_on_a_rule_no_case_decides(minimal_copy: Path) -> None:
    cases = minimal_copy / "cases" / "basic.yaml"
    text = cases.read_text()
    cases.write_text(text[: text.index("- name: a collision")])
    code, out, _ = run("-C", str(minimal_copy), "test", "--coverage")
    assert code == 1
    assert (
        "never decided: claim rule 'accident'" in out
        and "never decided: claim rule 'used-up'" in out
    )


@pytest.mark.parametrize(
    ("what", "first_row", "count"),
    [
        ("regions", r"^au\s+Australia\s+AUD\s+en_AU\s+au\s+0$", "21 regions (* the default)"),
        ("incidents", r"^collision\s+Collision\s+accident$", "incidents"),
        (
            "families",
            r"^air\s+Air\s+Camera drones\s+air-2s, air-3, mavic-air, mavic-air-2$",
            "17 families",
        ),
    ],
)
def test_show_lists_the_vocabularies(what: str, first_row: str, count: str) -> None:
    code, out, err = run("show", what)
    assert code == 0 and err == "catalog: catalog/\n"
    assert re.search(first_row, out, re.M)
    assert out.rstrip().endswith(count)
    code, out, _ = run("show", what, "--json")
    assert code == 0 and len(json.loads(out)) >= 5


def test_show_regions_json_counts_offers_per_market() -> None:
    code, out, _ = run("show", "regions", "--json")
    assert code == 0
    regions = {r["id"]: r for r in json.loads(out)}
    assert regions["pl"]["currency"] == "PLN" and regions["pl"]["offers"] > 10
    assert regions["us"]["locale"] == "en_US"


def test_an_unknown_id_lists_the_valid_ones() -> None:
    code, _, err = run("quote", "mavic-3", "care-refresh-1y", "--region", "zz")
    assert code == 2
    assert "unknown region 'zz'; did you mean 'nz', 'cz'?" in err
    assert re.search(r"^  regions: au, ca, ch, .*, us$", err, re.M)


def test_decide_help_lists_every_fact_with_its_type_and_default() -> None:
    code, out, _ = run("decide", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert (
        "Facts of claim (outcomes: replacement, flyaway-replacement, not-covered, unknown):" in flat
    )
    assert "rc_bound bool, required. Account and remote controller" in flat
    assert "bundled bool, default: false." in flat
    assert "activated_at datetime or null, required." in flat
    assert "service_region region, default: region." in flat


def test_decide_reports_every_bad_fact_at_once() -> None:
    code, _, err = run(
        "decide", "claim", "product=mavic-33", "foo=1", "incident_on=2022-13-01", "rc_bound=maybe"
    )
    assert code == 2
    lines = err.splitlines()
    assert "error: claim: 10 problem(s) with the facts:" in lines
    for expected in (
        "  unknown fact 'foo'",
        "  missing fact 'plan' (plan): The plan's id.",
        "  unknown product 'mavic-33'; did you mean 'mavic-3', 'mavic-3-pro', 'mavic-pro'?",
        "  fact 'incident_on': '2022-13-01' is not a date",
        "  fact 'rc_bound': 'maybe' is not a bool",
    ):
        assert expected in lines


def test_reprs_are_short_and_say_what_matters(shipped: engine.Catalog) -> None:
    import datetime as dt

    terms = shipped.terms("care-refresh-2y", "mavic-3", dt.date(2022, 5, 1))
    assert repr(terms) == (
        "Terms(plan='care-refresh-2y', product='mavic-3', version=PlanVersion(2020-01-01, "
        "'2020 terms'), replacements=3, flyaway_replacements=2, term_months=24, "
        "warranty_months=24, flyaway_eligible=None)"
    )
    decision = shipped.decide(
        "claim",
        product="mavic-3",
        plan="care-refresh-1y",
        region="us",
        policy_start="2022-06-01",
        incident="flyaway",
        incident_on="2022-12-01",
        replacements_used=0,
        flyaway_used=0,
        rc_bound=True,
    )
    assert repr(decision) == (
        "Decision(claim: 'flyaway-replacement' by rule 'flyaway' at "
        f"{decision.location}, fee=Money(amount=Decimal('739'), currency='USD'), "
        "remaining=1, flyaway_remaining=0)"
    )


# -- policy: a unit's cover through its claims and renewals --------------------------------


def test_policy_follows_claims_to_the_end_of_the_replacements() -> None:
    code, out, _ = run(
        "policy", "mini-3", "care-refresh-1y", "--region", "pl", "--start", "2024-01-10",
        "--claim", "2024-06-01:flyaway", "--claim", "2024-03-01:collision",
        "--claim", "2024-08-01:water-damage",
    )  # fmt: skip
    assert code == 0, out
    lines = out.splitlines()
    assert (
        lines[1].strip()
        == "2 replacements (1 flyaway), cover to 2025-01-09, warranty to 2025-01-09"
    )
    events = [line.split()[:4] for line in lines if line[:4] == "2024"]
    # In date order, whatever the order given; each with its fee and what is left after it.
    assert events[0] == ["2024-03-01", "claim:", "collision", "replacement"]
    assert "289,00\u00a0zł" in lines[2] and "left: 1 (flyaway 1)" in lines[2]
    assert events[1][3] == "flyaway-replacement" and "1\u00a0149,00\u00a0zł" in lines[4]
    assert events[2][3] == "not-covered" and "rule used-up" in lines[7]
    assert (
        lines[-1] == "ends: used up on 2024-06-01 (every replacement of the care-refresh-1y taken)"
    )


def test_policy_json_has_every_decision_and_how_it_ends() -> None:
    code, out, _ = run(
        "policy", "mavic-3", "care-refresh-1y", "--region", "us", "--start", "2022-06-01",
        "--claim", "2022-08-01:collision", "--renew", "2023-05-20",
        "--claim", "2023-07-01:flyaway:unbound", "--json",
    )  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert [e["event"] for e in data["events"]] == ["claim: collision", "renewal", "claim: flyaway"]
    first, renewal, flyaway = (e["decision"] for e in data["events"])
    assert (first["outcome"], first["fee"]) == ("replacement", {"amount": "159", "currency": "USD"})
    assert (renewal["outcome"], renewal["plan"]) == ("eligible", "care-refresh-plus")
    assert flyaway["rule"] == "flyaway-not-bound"
    assert data["ends"] == {
        "reason": "term",
        "on": "2024-05-31",
        "text": "cover ends on 2024-05-31 with 1 replacement(s) left; warranty ends on 2024-05-31",
    }


@pytest.mark.parametrize(
    ("claim", "code", "says"),
    [
        ("2022-08-01", 2, "a claim is DATE:INCIDENT"),
        ("2022-13-01:collision", 2, "a claim is DATE:INCIDENT"),
        ("2022-08-01:collision:maybe", 2, "DATE:INCIDENT:unbound"),
        ("2022-08-01:crash", 2, "unknown incident 'crash'"),  # a fact mistake, as in decide
    ],
)
def test_policy_mistakes_are_said_without_a_traceback(claim: str, code: int, says: str) -> None:
    got, out, err = run(
        "policy", "mavic-3", "care-refresh-1y", "--start", "2022-06-01", "--claim", claim
    )
    assert got == code and says in out + err
    assert "Traceback" not in out + err
