"""The shipped catalog carries every row of the reference fee table, number for number."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from engine.catalog.lookups import Catalog
from engine.model.entities import Offer

from .conftest import ROOT

# A copy of the reference fee table the catalog was written from (shared/reference in the
# project's workspace); test_the_copy_matches_the_shared_reference keeps the two in step.
REFERENCE = ROOT / "tests" / "fixtures" / "reference" / "dji-care-refresh-fees.csv"
SHARED = ROOT.parent / "shared" / "reference" / "dji-care-refresh-fees.csv"

REGIONS = {
    "US": "us",
    "PL": "pl",
    "PL/EU": "pl",
    "CZ": "cz",
    "EU (FR)": "fr",
    "JP": "jp",
    "UA (grey import)": "ua",
    "EU (CZ shop)": "cz",
    "UK": "gb",
    "EU (DE)": "de",
    "EU (ES shop)": "es",
    "NZ": "nz",
    "EE": "ee",
    "SE": "se",
    "EU": "eu",
}
PLANS = {
    "1Y": ["care-refresh-1y"],
    "1Y?": ["care-refresh-1y"],
    "?": ["care-refresh-1y"],
    "2Y": ["care-refresh-2y"],
    "CR+": ["care-refresh-plus"],
    "1Y/2Y": ["care-refresh-1y", "care-refresh-2y"],
}
PRODUCTS = {
    "Pocket 2": ["osmo-pocket-2"],
    "Phantom 4 Pro / Pro V2.0": ["phantom-4-pro", "phantom-4-pro-v2"],
}

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_file(), reason="the shared reference is beside the checkout"
)


def rows() -> list[dict[str, str]]:
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def number(text: str) -> Decimal | None:
    text = text.strip().rstrip("?")
    return Decimal(text) if text else None


def product_ids(model: str) -> list[str]:
    return PRODUCTS.get(model, [model.lower().replace(" ", "-")])


def fee_list(offer: Offer, count: int) -> list[Decimal]:
    if offer.flat_fee:
        return [offer.fees[0].amount] * count
    return [f.amount for f in offer.fees]


def matches(offer: Offer, row: dict[str, str]) -> bool:
    fees = [number(row[f"fee_{i}"]) for i in range(1, 5)]
    listed = [f for f in fees if f is not None]
    source = row["source"]
    source_ok = offer.source == source or (
        source.startswith("URL-missing") and "not captured" in offer.source
    )
    return (
        source_ok
        and offer.currency == row["currency"].rstrip("?")
        and (offer.price.amount if offer.price else None) == number(row["plan_price"])
        and fee_list(offer, len(listed)) == listed
        and (offer.flyaway_fee.amount if offer.flyaway_fee else None) == number(row["flyaway_fee"])
    )


def test_the_reference_has_the_rows_this_test_expects() -> None:
    assert len(rows()) >= 80


@pytest.mark.skipif(
    not SHARED.is_file(), reason="the workspace's shared/ folder is not beside this checkout"
)
def test_the_copy_matches_the_shared_reference() -> None:
    assert REFERENCE.read_bytes() == SHARED.read_bytes()


@pytest.mark.parametrize(
    "row", rows(), ids=lambda r: f"{r['model']}-{r['plan']}-{r['region']}-{r['source'][-24:]}"
)
def test_every_reference_row_is_an_offer_with_the_same_numbers(
    shipped: Catalog, row: dict[str, str]
) -> None:
    for product_id in product_ids(row["model"]):
        for plan in PLANS[row["plan"]]:
            candidates = shipped.offers(product_id, region=REGIONS[row["region"]], plan=plan)
            found = [o for o in candidates if matches(o, row)]
            assert found, f"{product_id} {plan} {row['region']}: no offer matches {row}"
            doubtful = "?" in "".join(
                row[k]
                for k in (
                    "currency",
                    "plan",
                    "plan_price",
                    "fee_1",
                    "fee_2",
                    "fee_3",
                    "fee_4",
                    "flyaway_fee",
                )
            ) or row["source"].startswith("URL-missing")
            assert any(o.doubtful == doubtful for o in found), (
                "a doubtful value must be flagged, a sure one not"
            )
            years = set(re.findall(r"\d{4}", row["as_of"]))
            assert any(set(re.findall(r"\d{4}", o.checked)) <= years for o in found)


def test_no_offer_exists_without_a_reference_row(shipped: Catalog) -> None:
    expected = sum(len(product_ids(r["model"])) * len(PLANS[r["plan"]]) for r in rows())
    assert sum(len(p.offers) for p in shipped.products()) == expected


def test_every_model_of_the_reference_is_a_product(shipped: Catalog) -> None:
    ids = {p.id for p in shipped.products()}
    for row in rows():
        assert set(product_ids(row["model"])) <= ids


def test_models_named_only_in_the_facts_are_products_too(shipped: Catalog) -> None:
    named = [
        "mavic-3-cine",
        "mavic-3-pro-cine",
        "avata",
        "avata-2",
        "mini-4k",
        "inspire-3",
        "osmo-pocket-3",
    ]
    assert {p.id for p in shipped.products()} >= set(named)


def test_every_offer_has_a_source_and_a_checked_date(shipped: Catalog) -> None:
    for product in shipped.products():
        for offer in product.offers:
            assert offer.source and offer.checked, offer.location


def test_the_flyaway_list_grows_over_time(shipped: Catalog) -> None:
    import datetime as dt

    def listed(day: dt.date) -> set[str]:
        return {p.id for p in shipped.products() if p.flyaway_eligible_on(day)}

    assert listed(dt.date(2021, 1, 26)) == set()
    assert listed(dt.date(2021, 2, 1)) == {"mini-2", "mavic-air-2"}
    assert listed(dt.date(2024, 6, 1)) == {
        "mavic-3-pro",
        "mavic-3-pro-cine",
        "mini-2-se",
        "mini-3",
        "mavic-3-classic",
        "avata",
        "mini-3-pro",
        "mavic-3",
        "mavic-3-cine",
        "air-2s",
        "mavic-air-2",
        "mini-2",
        "mini-se",
    }
    assert listed(dt.date(2026, 11, 22)) >= {"avata-2", "mini-4-pro", "air-3", "mavic-4-pro"}
    assert not listed(dt.date(2026, 11, 22)) & {
        "fpv",
        "mavic-mini",
        "mavic-air",
        "spark",
        "inspire-2",
        "neo",
    }


def test_the_remote_controller_is_never_covered(shipped: Catalog) -> None:
    for product in shipped.products():
        assert "remote-controller" not in (shipped.covered_components(product) or ())


def test_yaml_comments_record_why_contradictions_were_resolved() -> None:
    two_year = (ROOT / "catalog" / "plans" / "care-refresh-2y.yaml").read_text()
    assert "Sources disagree on 3 or 4 replacements" in two_year
    assert "Sources disagree" in (ROOT / "catalog" / "products" / "inspire-2.yaml").read_text()


def test_the_catalog_is_loaded_from_its_folder(shipped: Catalog) -> None:
    assert Path(shipped.root).name == "catalog"
