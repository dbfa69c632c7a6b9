"""How fresh the amounts are: the stale-source lint, --strict, the site's marks and /freshness/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.catalog.lookups import Catalog
from engine.cli import cli
from engine.core.dates import checked_bounds, is_stale
from engine.site.builder import build
from tests.conftest import MINIMAL, ROOT

DAY = dt.date(2026, 11, 22)
EPOCH = str(int(dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp()))


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2023", "2023-01-01", "2023-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2021-01-27", "2021-01-27", "2021-01-27"),
        ("~2024/2025", "2024-01-01", "2025-12-31"),
        ("<=2023-07", None, "2023-07-31"),
        (">=2023-07", "2023-07-01", None),
        ("undated", None, None),
    ],
)
def test_a_checked_text_bounds_the_day(text: str, earliest: str | None, latest: str | None) -> None:
    def day(s: str | None) -> dt.date | None:
        return dt.date.fromisoformat(s) if s else None

    assert checked_bounds(text) == (day(earliest), day(latest))


def test_stale_means_surely_older_than_the_limit() -> None:
    assert is_stale("2021-01-27", 60, DAY) is True
    assert is_stale("~2021", 60, DAY) is False  # could have been checked on 2021-12-31
    assert is_stale(">=2016-01", 60, DAY) is None  # no latest day: not known to be stale
    assert is_stale("undated", 60, DAY) is None


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": EPOCH})
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_the_lint_warns_at_each_stale_checked_date_and_strict_fails() -> None:
    code, out = run("validate", str(ROOT / "catalog"))
    stale = [line for line in out.splitlines() if "warning[stale-source]" in line]
    assert code == 0 and len(stale) == 16
    assert stale[0].startswith("catalog/products/") and re.search(
        r"\.yaml:\d+:\d+: warning", stale[0]
    )
    assert "more than 60 months before 2026-11-22" in stale[0]
    code, out = run("validate", str(ROOT / "catalog"), "--strict")
    assert code == 1 and out.splitlines()[-1].startswith("FAILED:")


def test_without_a_limit_nothing_is_stale() -> None:
    code, out = run("validate", str(MINIMAL))
    assert code == 0 and "stale-source" not in out


@pytest.fixture(scope="module")
def site(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(shipped, tmp_path_factory.mktemp("fresh") / "_site", on=DAY).path


def test_the_freshness_page_lists_every_amount_oldest_first(site: Path, shipped: Catalog) -> None:
    html = (site / "freshness" / "index.html").read_text()
    rows = re.findall(r'<td data-label="Checked">(.*?)</td>', html)
    assert len(rows) == sum(len(p.offers) + len(p.unit_prices) for p in shipped.products())
    texts = [re.sub(r"<[^>]+>|\s*stale$", "", r).strip() for r in rows]
    undated = [t for t in texts if checked_bounds(t) == (None, None)]
    assert texts[: len(undated)] == undated  # unknown ages first
    days = [checked_bounds(t)[1] or checked_bounds(t)[0] for t in texts[len(undated) :]]
    assert days == sorted(days)  # then the oldest first
    assert html.count('class="flag stale"') == 16
    assert "<strong>16</strong> of 84" in html


def test_fee_tables_and_the_compare_page_mark_stale_amounts(site: Path) -> None:
    product = (site / "products" / "zenmuse-x7.html").read_text()
    assert re.search(r'data-label="Checked">2018-01 <span class="flag stale"', product)
    compare = (site / "compare.html").read_text()
    assert compare.count('class="flag stale"') == 16


def test_stale_marks_follow_the_build_day(shipped: Catalog, tmp_path: Path) -> None:
    early = build(shipped, tmp_path / "early", on=dt.date(2020, 1, 1)).path
    assert 'class="flag stale"' not in (early / "compare.html").read_text()


def test_a_catalog_without_a_limit_marks_nothing(tmp_path: Path) -> None:
    site = build(engine.load(MINIMAL), tmp_path / "_site", on=DAY).path
    assert "sets no freshness limit" in (site / "freshness" / "index.html").read_text()
