"""The library's lookups: ids with suggestions, terms by date, offers, and quotes that never guess."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.catalog.lookups import Catalog
from engine.core.problems import LookupProblem, UnknownId

D = dt.date


def test_the_shipped_catalog_loads_without_a_path(shipped: Catalog) -> None:
    default = engine.load()
    assert [p.id for p in default.products()] == [p.id for p in shipped.products()]


def test_the_public_api_is_listed_in_all() -> None:
    for name in (
        "load",
        "check",
        "Catalog",
        "CatalogError",
        "Money",
        "Terms",
        "Offer",
        "LookupProblem",
    ):
        assert name in engine.__all__ and hasattr(engine, name)


def test_an_unknown_id_suggests_the_closest(shipped: Catalog) -> None:
    with pytest.raises(UnknownId, match=r"unknown product 'mini3'; did you mean 'mini-3'"):
        shipped.product("mini3")
    with pytest.raises(
        UnknownId, match="unknown plan 'care-refresh-3y'; did you mean 'care-refresh-2y'"
    ):
        shipped.plan("care-refresh-3y")
    with pytest.raises(UnknownId, match="unknown region 'uk'"):
        shipped.region("uk")


def test_products_filter_by_family_and_category(shipped: Catalog) -> None:
    minis = shipped.products(family="mini")
    assert {p.id for p in minis} >= {"mini-2", "mini-3", "mavic-mini"}
    assert all(p.family == "mini" for p in minis)
    handhelds = shipped.products(category="handheld")
    assert "rs-3" in {p.id for p in handhelds} and all(p.category == "handheld" for p in handhelds)
    with pytest.raises(UnknownId):
        shipped.products(family="minni")


def test_quote_returns_exact_money(shipped: Catalog) -> None:
    money = shipped.quote(
        "mavic-3", "care-refresh-1y", region="us", replacement=2, on=D(2022, 6, 1)
    )
    assert money == engine.Money(Decimal("199"), "USD")
    assert (
        shipped.quote(
            "mavic-3", "care-refresh-1y", region="us", flyaway=True, on=D(2022, 6, 1)
        ).amount
        == 739
    )


def test_a_quote_follows_the_terms_of_its_date(shipped: Catalog) -> None:
    before = shipped.quote(
        "mini-3", "care-refresh-1y", region="pl", replacement=2, on=D(2023, 7, 12)
    )
    after = shipped.quote(
        "mini-3", "care-refresh-1y", region="pl", replacement=2, on=D(2023, 7, 13)
    )
    assert (before.amount, after.amount) == (349, 289)


def test_a_missing_number_is_an_error_never_a_guess(shipped: Catalog) -> None:
    with pytest.raises(LookupProblem, match="no published fee for replacement 1 for 'mavic-3'"):
        shipped.quote("mavic-3", "care-refresh-1y", region="gb", on=D(2022, 6, 1))
    with pytest.raises(LookupProblem, match="there is no replacement 3"):
        shipped.quote("mavic-3", "care-refresh-1y", region="us", replacement=3, on=D(2022, 6, 1))


def test_a_date_before_the_plan_existed_is_an_error(shipped: Catalog) -> None:
    with pytest.raises(
        LookupProblem, match="did not exist on 2015-06-01; its first terms start 2016-01-01"
    ):
        shipped.terms("care-refresh-1y", "mavic-pro", D(2015, 6, 1))


def test_terms_by_category_and_date(shipped: Catalog) -> None:
    assert shipped.terms("care-refresh-2y", "mavic-3", D(2022, 5, 1)).replacements == 3
    t = shipped.terms("care-refresh-2y", "mavic-3", D(2024, 1, 1))
    assert (t.replacements, t.flyaway_replacements) == (4, 2)
    h = shipped.terms("care-refresh-2y", "osmo-action-3", D(2024, 1, 1))
    assert (h.replacements, h.flyaway_replacements) == (4, 0)


def test_offers_filter_by_region_plan_and_terms_date(shipped: Catalog) -> None:
    all_pl = shipped.offers("mini-3", region="pl")
    assert len(all_pl) == 4
    in_2024 = shipped.offers("mini-3", region="pl", on=D(2024, 1, 1))
    assert {o.terms for o in in_2024} == {None, D(2023, 7, 13)}
    assert [o.plan for o in shipped.offers("mini-3", plan="care-refresh-2y")] == ["care-refresh-2y"]


def test_a_price_quote_carries_its_provenance(shipped: Catalog) -> None:
    found = shipped.price_quote("mini-2", "care-refresh-plus", "fr", D(2021, 1, 27))
    assert found.money.amount == 29 and found.offer.source.startswith(
        "https://www.helicomicro.com/"
    )
    data = found.to_json(shipped.region("fr"))
    assert data["amount"] == "29" and data["formatted"] == "29,00\xa0€"
    assert data["defined_at"].endswith(
        "catalog/products/mini-2.yaml:" + str(found.offer.location.line)
    )


def test_a_broken_catalog_raises_catalog_error_with_every_problem(minimal_copy: Path) -> None:
    (minimal_copy / "families" / "mini.yaml").write_text("id: mini\nname: Mini\ncategory: drones\n")
    (minimal_copy / "products" / "pocket.yaml").write_text(
        "id: pocket\nname: P\nfamily: osmo\nfamly: x\n"
    )
    with pytest.raises(engine.CatalogError) as caught:
        engine.load(minimal_copy)
    codes = sorted(p.code for p in caught.value.errors)
    assert codes == ["unknown-category", "unknown-key"]


def test_a_remembered_quote_is_the_same_answer_and_errors_are_not_remembered(
    shipped: Catalog,
) -> None:

    day = dt.date(2022, 6, 1)
    first = shipped.quote("mavic-3", "care-refresh-1y", "us", 2, False, day)
    assert shipped.quote("mavic-3", "care-refresh-1y", "us", 2, False, day) is first
    assert first == shipped.fee_quote("mavic-3", "care-refresh-1y", "us", 2, False, day).money
    assert shipped.quote("mavic-3", "care-refresh-1y", "us", 1, False, day).amount == 159
    for _ in range(2):
        with pytest.raises(LookupProblem, match="published under the terms of 2020-01-01 only"):
            shipped.quote("mavic-3", "care-refresh-1y", "us", 1, False, dt.date(2024, 1, 1))


def test_linked_offers_are_the_values_their_constructor_makes(shipped: Catalog) -> None:
    import dataclasses

    from engine.model.entities import Offer

    names = [f.name for f in dataclasses.fields(Offer)]
    offers = [o for p in shipped.products() for o in p.offers]
    assert len(offers) > 50
    for offer in offers:
        # The linker fills an offer's fields without Offer.__init__: every field, nothing else.
        assert list(vars(offer)) == names
        made = Offer(**{name: getattr(offer, name) for name in names})
        assert made == offer and hash(made) == hash(offer)
    fees = {id(fee) for o in offers for fee in o.fees}
    # Equal amounts of one currency share one Money; written forms stay apart.
    assert len(fees) < len([fee for o in offers for fee in o.fees])
