"""Lints of rule lists: expressions type-check, every rule can decide, outcomes are the decision's own."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from engine.core.problems import Problem, did_you_mean
from engine.read.document import Document
from engine.read.sources import Sources
from engine.validate.lints.registry import lint


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
    from engine.rules.contract import OUTCOMES, RESERVED_VALUES
    from engine.rules.decision import compile_rules

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
        for made in compiled:
            plan = made.values.get("plan")
            if decision == "renewal" and plan is not None and not plan.names:
                named = plan.evaluate({})  # a constant: the plan the renewal buys
                if isinstance(named, str) and not src.exists("plan", named):
                    index = next(i for i, r in enumerate(rules) if r["id"] == made.id)
                    yield doc.problem(
                        (*path, index, "values", "plan"),
                        "unknown-plan",
                        f"plan '{named}' does not exist{did_you_mean(named, src.plans)}",
                    )


def _nowhere(file: str, index: int) -> Any:
    from engine.core.location import Location

    return Location(file, 0)


def _always_true(when: Any) -> bool:
    if when is True:
        return True
    return isinstance(when, str) and when.strip() == "true"
