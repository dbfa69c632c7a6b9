"""Lints of amounts: complete fee tables, flyaway allowances and fees, currencies, precision."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from engine.core.problems import Problem, Severity
from engine.read.sources import Sources
from engine.validate.lints.registry import lint, priced


@lint(
    "fee-table",
    "An offer's fees match the replacement count its plan version gives the product's category.",
)
def check_fee_tables(src: Sources) -> Iterator[Problem]:
    # What a plan's versions give a category depends on the plan, the terms and the category
    # alone: worked out once for each, not for each of a large catalog's offers.
    allowed: dict[tuple[str, str | None, str], tuple[bool, dict[int, Any]]] = {}
    for doc in src.products.values():
        category = src.product_category(doc)
        if category is None or category not in src.categories:
            continue
        for index, offer in enumerate(doc.data.get("offers", [])):
            key = (offer["plan"], offer.get("terms"), category)
            if key not in allowed:
                allowed[key] = _allowed(src, *key)
            versions, counts = allowed[key]
            needs_allowance = "fees" in offer or "fee_each" in offer or "flyaway_fee" in offer
            if versions and not counts and needs_allowance:
                when = f"version {offer['terms']}" if "terms" in offer else "any version"
                yield doc.problem(
                    ("offers", index),
                    "no-allowance",
                    f"plan '{offer['plan']}' ({when}) gives no replacements to category '{category}'",
                )
                continue
            if "fees" not in offer or not counts:
                continue
            listed = len(offer["fees"])
            if listed in counts:
                continue
            wanted = " or ".join(str(c) for c in sorted(counts))
            if listed < max(counts) and "partial_fees" in offer:
                continue
            yield doc.problem(
                ("offers", index, "fees"),
                "fee-count",
                f"{listed} fee(s) listed but the plan gives {wanted} replacement(s)",
                hint="list one fee per replacement, use fee_each for a flat fee, or explain a gap in partial_fees",
            )


def _allowed(
    src: Sources, plan: str, terms: str | None, category: str
) -> tuple[bool, dict[int, Any]]:
    """Whether *plan* has sold versions (of *terms*), and their replacement counts for *category*."""
    versions = [v for v in src.plan_versions(plan) if v.get("sold", True)]
    if terms is not None:
        versions = [v for v in versions if v["from"] == terms]
    counts = {
        v["allowances"][category]["replacements"]: v
        for v in versions
        if category in v.get("allowances", {})
    }
    return bool(versions), counts


@lint("allowances", "A flyaway sub-allowance never exceeds the replacements it is part of.")
def check_allowances(src: Sources) -> Iterator[Problem]:
    for doc in src.plans.values():
        for v_index, version in enumerate(doc.data["versions"]):
            for category, allowance in version.get("allowances", {}).items():
                if allowance.get("flyaway", 0) > allowance["replacements"]:
                    yield doc.problem(
                        ("versions", v_index, "allowances", category, "flyaway"),
                        "flyaway-exceeds",
                        f"{allowance['flyaway']} flyaway replacements exceed the {allowance['replacements']} replacements",
                    )


@lint(
    "flyaway-fees",
    "A flyaway fee is only published for a model that is on a flyaway list at some date.",
)
def check_flyaway_fees(src: Sources) -> Iterator[Problem]:
    for doc in src.products.values():
        ever = any(e["eligible"] for e in doc.data.get("flyaway", []))
        for index, offer in enumerate(doc.data.get("offers", [])):
            if "flyaway_fee" in offer and not ever:
                yield doc.problem(
                    ("offers", index, "flyaway_fee"),
                    "flyaway-not-eligible",
                    "a flyaway fee is given but the model is never on a flyaway list",
                    severity=Severity.WARNING,
                )


# ISO 4217 codes that are not money a plan is priced in: testing, "no currency", precious
# metals, IMF and bond-market units.
NOT_MONEY = frozenset(
    {"XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC", "XBD"}
)


@lint(
    "currencies",
    "Currencies are ISO 4217 codes and locales are ones Babel knows; a stated currency differs from the region's.",
)
def check_currencies(src: Sources) -> Iterator[Problem]:
    from babel import Locale, UnknownLocaleError
    from babel.numbers import list_currencies

    known = list_currencies() - NOT_MONEY
    regions = src.vocabulary("regions")
    if src.regions:
        for index, region in enumerate(src.regions.data["regions"]):
            if region["currency"] not in known:
                yield src.regions.problem(
                    ("regions", index, "currency"),
                    "unknown-currency",
                    f"'{region['currency']}' is not an ISO 4217 currency",
                )
            try:
                Locale.parse(region["locale"])
            except (UnknownLocaleError, ValueError):
                yield src.regions.problem(
                    ("regions", index, "locale"),
                    "unknown-locale",
                    f"locale '{region['locale']}' is unknown",
                )
    for doc in src.products.values():
        for key, index, entry in priced(doc):
            currency = entry.get("currency")
            if currency is None:
                continue
            if currency not in known:
                yield doc.problem(
                    (key, index, "currency"),
                    "unknown-currency",
                    f"'{currency}' is not an ISO 4217 currency",
                )
            elif entry["region"] in regions and regions[entry["region"]]["currency"] == currency:
                yield doc.problem(
                    (key, index, "currency"),
                    "redundant-currency",
                    f"{currency} is already the currency of region '{entry['region']}'",
                    severity=Severity.WARNING,
                    hint="leave 'currency' out: an amount's currency is its region's unless stated",
                )


@lint(
    "money-precision",
    "An amount has no more decimal places than its currency has (cents for USD, none for JPY).",
)
def check_money_precision(src: Sources) -> Iterator[Problem]:
    from babel.numbers import get_currency_precision, list_currencies

    known = list_currencies()
    regions = src.vocabulary("regions")
    digits_of: dict[str, int] = {}
    for doc in src.products.values():
        for key, index, entry in priced(doc):
            region = regions.get(entry["region"])
            currency = entry.get("currency") or (region["currency"] if region else None)
            if currency not in known:
                continue  # reported by the currencies and references lints
            if currency not in digits_of:
                digits_of[currency] = get_currency_precision(currency)
            digits = digits_of[currency]
            for path, amount in _amounts(entry):
                if isinstance(amount, Decimal) and amount != round(amount, digits):
                    yield doc.problem(
                        (key, index, *path),
                        "money-precision",
                        f"{amount} {currency} is finer than the currency allows "
                        f"({digits} decimal place{'s' if digits != 1 else ''})",
                    )


def _amounts(entry: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every amount of an offer or unit price: (path inside the entry, amount)."""
    for field in ("price", "fee_each", "flyaway_fee", "amount"):
        if field in entry:
            yield (field,), entry[field]
    for number, fee in enumerate(entry.get("fees", [])):
        yield ("fees", number), fee
