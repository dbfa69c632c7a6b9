"""Checks a schema cannot express: references, uniqueness, date order, fee-table completeness.

Each lint is a small named function yielding problems; ``LINTS`` is the registry, in order.
Lints run only on documents that passed their schema, so they may trust the shape of the data.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.core.problems import Problem, Severity, did_you_mean
from engine.read.reader import Document


@dataclass
class Sources:
    """The validated documents of one catalog, by kind (families, products and plans by file stem)."""

    catalog: Document | None = None
    regions: Document | None = None
    components: Document | None = None
    incidents: Document | None = None
    families: dict[str, Document] = field(default_factory=dict)
    products: dict[str, Document] = field(default_factory=dict)
    plans: dict[str, Document] = field(default_factory=dict)
    rulesets: dict[str, Document] = field(default_factory=dict)
    broken: set[tuple[str, str]] = field(default_factory=set)

    def table(self, kind: str) -> dict[str, Document]:
        """The documents of one per-file kind (family, product, plan, rules) by file stem."""
        return {
            "family": self.families,
            "product": self.products,
            "plan": self.plans,
            "rules": self.rulesets,
        }[kind]

    def exists(self, kind: str, stem: str) -> bool:
        """Whether a file of *kind* (family, product, plan) has this id, valid or not.

        A file that failed to read or validate has already been reported; naming it elsewhere is
        not a second mistake.
        """
        return stem in self.table(kind) or (kind, stem) in self.broken

    def vocabulary(self, name: str) -> dict[str, dict[str, Any]]:
        """The entries of a vocabulary list (regions, components, incidents) by id."""
        doc = getattr(self, name)
        return {e["id"]: e for e in doc.data[name]} if doc else {}

    @property
    def categories(self) -> dict[str, dict[str, Any]]:
        """The categories of catalog.yaml by id."""
        return {c["id"]: c for c in self.catalog.data["categories"]} if self.catalog else {}

    def plan_versions(self, plan_id: str) -> list[dict[str, Any]]:
        """The versions of a plan, as written."""
        doc = self.plans.get(plan_id)
        return list(doc.data["versions"]) if doc else []

    def product_category(self, product: Document) -> str | None:
        """The category of a product, through its family."""
        family = self.families.get(product.data["family"])
        return family.data["category"] if family else None


@dataclass(frozen=True)
class Lint:
    """A named check with a description; ``check`` yields problems."""

    name: str
    description: str
    check: Callable[[Sources], Iterable[Problem]]


LINTS: list[Lint] = []


def lint(name: str, description: str) -> Callable[[Callable[[Sources], Iterable[Problem]]], Lint]:
    """Register a lint under *name*."""

    def register(check: Callable[[Sources], Iterable[Problem]]) -> Lint:
        entry = Lint(name, description, check)
        LINTS.append(entry)
        return entry

    return register


def run_lints(sources: Sources, only: Iterable[str] | None = None) -> list[Problem]:
    """Every problem every registered lint (or those named in *only*) finds."""
    wanted = set(only) if only is not None else None
    problems: list[Problem] = []
    for entry in LINTS:
        if wanted is None or entry.name in wanted:
            problems.extend(entry.check(sources))
    return problems


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@lint("file-id", "The id of a family, product or plan equals its file name.")
def check_file_ids(src: Sources) -> Iterator[Problem]:
    for docs in (src.families, src.products, src.plans, src.rulesets):
        for stem, doc in docs.items():
            if doc.data["id"] != stem:
                yield doc.problem(
                    ("id",),
                    "id-mismatch",
                    f"id '{doc.data['id']}' differs from the file name '{stem}.yaml'",
                    hint=f"rename the file or set id: {stem}",
                )


@lint(
    "unique-ids",
    "Ids within a vocabulary list (regions, components, incidents, categories) are unique.",
)
def check_unique_ids(src: Sources) -> Iterator[Problem]:
    lists = [(src.regions, "regions"), (src.components, "components"), (src.incidents, "incidents")]
    lists.append((src.catalog, "categories"))
    for doc, key in lists:
        if doc is None:
            continue
        first: dict[str, int] = {}
        for index, entry in enumerate(doc.data[key]):
            if entry["id"] in first:
                line = doc.mark((key, first[entry["id"]])).line
                yield doc.problem(
                    (key, index, "id"),
                    "duplicate-id",
                    f"id '{entry['id']}' is already used on line {line}",
                )
            else:
                first[entry["id"]] = index


@lint("references", "Every id a file names (family, category, component, plan, region) exists.")
def check_references(src: Sources) -> Iterator[Problem]:
    categories = src.categories
    components = src.vocabulary("components")
    regions = src.vocabulary("regions")
    if src.catalog and src.regions and src.catalog.data["default_region"] not in regions:
        region = src.catalog.data["default_region"]
        yield _unknown(
            src.catalog, ("default_region",), "unknown-region", "region", region, regions
        )
    for doc in src.families.values():
        category = doc.data["category"]
        if src.catalog and category not in categories:
            yield _unknown(doc, ("category",), "unknown-category", "category", category, categories)
        yield from _component_refs(doc, components, src)
    for doc in src.products.values():
        family = doc.data["family"]
        if not src.exists("family", family):
            yield _unknown(doc, ("family",), "unknown-family", "family", family, src.families)
        yield from _component_refs(doc, components, src)
        for index, offer in enumerate(doc.data.get("offers", [])):
            if not src.exists("plan", offer["plan"]):
                yield _unknown(
                    doc, ("offers", index, "plan"), "unknown-plan", "plan", offer["plan"], src.plans
                )
        for key, index, entry in _priced(doc):
            if src.regions and entry["region"] not in regions:
                yield _unknown(
                    doc,
                    (key, index, "region"),
                    "unknown-region",
                    "region",
                    entry["region"],
                    regions,
                )
    for doc in src.plans.values():
        refs: list[tuple[tuple[str | int, ...], str]] = (
            [(("rules",), doc.data["rules"])] if "rules" in doc.data else []
        )
        refs += [
            (("versions", i, "rules"), v["rules"])
            for i, v in enumerate(doc.data["versions"])
            if "rules" in v
        ]
        for path, ruleset in refs:
            if not src.exists("rules", ruleset):
                yield _unknown(doc, path, "unknown-rules", "rule set", ruleset, src.rulesets)
        for index, renewed in enumerate(doc.data.get("renews", [])):
            if not src.exists("plan", renewed):
                yield _unknown(doc, ("renews", index), "unknown-plan", "plan", renewed, src.plans)
        for v_index, version in enumerate(doc.data["versions"]):
            for category in version.get("allowances", {}):
                if src.catalog and category not in categories:
                    yield _unknown(
                        doc,
                        ("versions", v_index, "allowances", category),
                        "unknown-category",
                        "category",
                        category,
                        categories,
                        key=True,
                    )


def _unknown(
    doc: Document,
    path: tuple[str | int, ...],
    code: str,
    kind: str,
    value: str,
    choices: Iterable[str],
    key: bool = False,
) -> Problem:
    """The problem of a reference to an id that does not exist, with the closest id."""
    return doc.problem(
        path, code, f"{kind} '{value}' does not exist{did_you_mean(value, choices)}", key=key
    )


def _component_refs(doc: Document, components: dict[str, Any], src: Sources) -> Iterator[Problem]:
    if src.components is None:
        return
    for index, component in enumerate(doc.data.get("covered_components", [])):
        if component not in components:
            yield _unknown(
                doc,
                ("covered_components", index),
                "unknown-component",
                "component",
                component,
                components,
            )
        elif components[component].get("never_covered"):
            yield doc.problem(
                ("covered_components", index),
                "never-covered",
                f"component '{component}' is marked never_covered in components.yaml",
            )


@lint(
    "dated-order",
    "Dated entries (plan versions, flyaway eligibility) are oldest first, no two on one date.",
)
def check_dated_order(src: Sources) -> Iterator[Problem]:
    for doc in src.plans.values():
        yield from _ordered(doc, ("versions",), doc.data["versions"])
    for doc in src.products.values():
        yield from _ordered(doc, ("flyaway",), doc.data.get("flyaway", []))


def _ordered(
    doc: Document, path: tuple[str, ...], entries: list[dict[str, Any]]
) -> Iterator[Problem]:
    previous: tuple[dt.date, int, str] | None = None
    for index, entry in enumerate(entries):
        key = "from" if "from" in entry else "known_by"
        day = _date(entry[key])
        if previous and day == previous[0]:
            line = doc.mark((*path, previous[1], previous[2])).line
            yield doc.problem(
                (*path, index, key),
                "duplicate-date",
                f"two entries start on {day} (the other on line {line})",
            )
        elif previous and day < previous[0]:
            yield doc.problem(
                (*path, index, key),
                "date-order",
                f"{day} comes before the previous entry's {previous[0]}; list entries oldest first",
            )
        previous = (day, index, key)


@lint(
    "offer-terms",
    "An offer's terms date is the start of a version of its plan, one in which the plan is sold.",
)
def check_offer_terms(src: Sources) -> Iterator[Problem]:
    for doc in src.products.values():
        for index, offer in enumerate(doc.data.get("offers", [])):
            if "terms" not in offer or offer["plan"] not in src.plans:
                continue
            versions = {v["from"]: v for v in src.plan_versions(offer["plan"])}
            version = versions.get(offer["terms"])
            if version is None:
                known = ", ".join(sorted(versions))
                yield doc.problem(
                    ("offers", index, "terms"),
                    "unknown-terms",
                    f"plan '{offer['plan']}' has no version starting {offer['terms']} (versions: {known})",
                )
            elif version.get("sold", True) is False:
                yield doc.problem(
                    ("offers", index, "terms"),
                    "not-sold",
                    f"plan '{offer['plan']}' is not sold under its version of {offer['terms']}",
                )


@lint(
    "fee-table",
    "An offer's fees match the replacement count its plan version gives the product's category.",
)
def check_fee_tables(src: Sources) -> Iterator[Problem]:
    for doc in src.products.values():
        category = src.product_category(doc)
        if category is None or category not in src.categories:
            continue
        for index, offer in enumerate(doc.data.get("offers", [])):
            versions = [v for v in src.plan_versions(offer["plan"]) if v.get("sold", True)]
            if "terms" in offer:
                versions = [v for v in versions if v["from"] == offer["terms"]]
            counts = {
                v["allowances"][category]["replacements"]: v
                for v in versions
                if category in v.get("allowances", {})
            }
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


@lint(
    "currencies",
    "Currencies are ISO 4217 codes and locales are ones Babel knows; a stated currency differs from the region's.",
)
def check_currencies(src: Sources) -> Iterator[Problem]:
    from babel import Locale, UnknownLocaleError
    from babel.numbers import list_currencies

    known = list_currencies()
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
        for key, index, entry in _priced(doc):
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


def _priced(doc: Document) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """A product's offers and new-unit prices: (key, index, entry)."""
    for key in ("offers", "unit_prices"):
        for index, entry in enumerate(doc.data.get(key, [])):
            yield key, index, entry


def rule_lists(
    src: Sources,
) -> Iterator[tuple[Document, tuple[str | int, ...], str, list[dict[str, Any]]]]:
    """Every rule list of the catalog: (document, path to the list, decision, rules)."""
    for doc in (*src.rulesets.values(), *src.plans.values()):
        places: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
        if "decisions" in doc.data:
            places.append((("decisions",), doc.data["decisions"]))
        for index, version in enumerate(doc.data.get("versions", [])):
            if "decisions" in version:
                places.append((("versions", index, "decisions"), version["decisions"]))
        for path, decisions in places:
            for decision, rules in decisions.items():
                yield doc, (*path, decision), decision, rules


@lint(
    "rules",
    "Rule lists type-check, end with a catch-all, reach every rule, and use their decision's outcomes.",
)
def check_rules(src: Sources) -> Iterator[Problem]:
    from engine.rules.decision import OUTCOMES, RESERVED_VALUES, compile_rules

    for doc, path, decision, rules in rule_lists(src):
        compiled, errors = compile_rules(decision, rules, functools.partial(_nowhere, doc.file))
        for index, where, error in errors:
            field_path: tuple[str | int, ...] = (*path, index, *where.split("."))
            line, column = doc.locate_in_string(field_path, error.offset)
            yield Problem(
                doc.file,
                line,
                column,
                error.code,
                f"{error.message} (rule '{rules[index]['id']}')",
                path=field_path,
            )
        seen: dict[str, int] = {}
        always = None
        for index, rule in enumerate(rules):
            here = (*path, index)
            if rule["id"] in seen:
                yield doc.problem(
                    (*here, "id"),
                    "duplicate-id",
                    f"rule id '{rule['id']}' is already used in this list",
                )
            seen.setdefault(rule["id"], index)
            if rule["outcome"] not in OUTCOMES[decision]:
                allowed = ", ".join(OUTCOMES[decision])
                yield doc.problem(
                    (*here, "outcome"),
                    "unknown-outcome",
                    f"'{rule['outcome']}' is not an outcome of {decision} ({allowed}){did_you_mean(rule['outcome'], OUTCOMES[decision])}",
                )
            for name in rule.get("values", {}):
                if name in RESERVED_VALUES:
                    yield doc.problem(
                        (*here, "values", name),
                        "reserved-value",
                        f"'{name}' is a reserved name",
                        key=True,
                    )
            if always is not None:
                yield doc.problem(
                    (*here, "when"),
                    "unreachable-rule",
                    f"rule '{rule['id']}' can never decide: rule '{rules[always]['id']}' before it always holds",
                )
            elif _always_true(rule["when"]):
                always = index
        if always is None and rules:
            yield doc.problem(
                (*path, len(rules) - 1, "when"),
                "no-catch-all",
                f"the {decision} rules end without a rule that always holds ('when: true')",
                hint="add a last rule with 'when: true' saying what happens otherwise",
            )
        del compiled


def _nowhere(file: str, index: int) -> Any:
    from engine.model.entities import Location

    return Location(file, 0)


def _always_true(when: Any) -> bool:
    if when is True:
        return True
    return isinstance(when, str) and when.strip() == "true"
