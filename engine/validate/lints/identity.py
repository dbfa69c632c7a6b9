"""Lints of ids: each equals its file name, and ids in a vocabulary list are unique."""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.problems import Problem
from engine.read.sources import Sources
from engine.validate.lints.registry import lint


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
