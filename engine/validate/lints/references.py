"""Lints of references: every id a file names exists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from engine.core.problems import Problem, did_you_mean
from engine.read.document import Document
from engine.read.sources import Sources
from engine.validate.lints.registry import lint, priced


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
        for key, index, entry in priced(doc):
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
    "case-references",
    "A scenario case names a product, plan, region and incident that exist (unless it expects an error), so that a typo in a case is caught by validate.",
)
def check_case_references(src: Sources) -> Iterator[Problem]:
    regions = src.vocabulary("regions")
    incidents = src.vocabulary("incidents")
    for doc in src.cases.values():
        for index, case in enumerate(doc.data):
            if isinstance(case.get("expect"), dict) and "error" in case["expect"]:
                continue  # a case that expects the lookup to fail may name what does not exist
            for question in ("quote", "terms", "facts"):
                asked = case.get(question)
                if not isinstance(asked, dict):
                    continue
                for key, value in asked.items():
                    if not isinstance(value, str):
                        continue
                    path = (index, question, key)
                    if key == "product" and not src.exists("product", value):
                        yield _unknown(doc, path, "unknown-product", "product", value, src.products)
                    elif key == "plan" and not src.exists("plan", value):
                        yield _unknown(doc, path, "unknown-plan", "plan", value, src.plans)
                    elif (
                        key in ("region", "product_region", "service_region")
                        and src.regions
                        and value not in regions
                    ):
                        yield _unknown(doc, path, "unknown-region", "region", value, regions)
                    elif key == "incident" and src.incidents and value not in incidents:
                        yield _unknown(doc, path, "unknown-incident", "incident", value, incidents)
