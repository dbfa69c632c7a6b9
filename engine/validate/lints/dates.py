"""Lints of dates: dated entries in order, and offers naming a version of their plan that was sold."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from engine.core.dates import is_stale, today
from engine.core.problems import Problem, Severity
from engine.read.document import Document
from engine.read.sources import Sources
from engine.validate.lints.registry import lint, priced


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


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


_CHECKED_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


@lint(
    "checked-date",
    "A date inside an amount's 'checked' text (2023-07, >=2023-07-13, ~2022) is a real one.",
)
def check_checked_dates(src: Sources) -> Iterator[Problem]:
    for doc in src.products.values():
        for key, index, entry in priced(doc):
            for match in _CHECKED_DATE.finditer(entry["checked"]):
                year, month, day = match.groups()
                try:
                    dt.date(int(year), int(month), int(day or 1))
                except ValueError:
                    yield doc.problem(
                        (key, index, "checked"),
                        "invalid-date",
                        f"'{match.group()}' in checked '{entry['checked']}' is not a real date",
                    )


@lint(
    "stale-source",
    "An amount last checked longer ago than catalog.yaml's freshness limit (a warning).",
)
def check_stale_sources(src: Sources) -> Iterator[Problem]:
    settings = src.catalog.data.get("freshness") if src.catalog else None
    if not settings:
        return
    months = settings["stale_after_months"]
    on = today()
    for doc in src.products.values():
        for key, index, entry in priced(doc):
            if is_stale(entry["checked"], months, on):
                yield doc.problem(
                    (key, index, "checked"),
                    "stale-source",
                    f"checked '{entry['checked']}', more than {months} months before {on}: "
                    "look at the source again and update 'checked'",
                    severity=Severity.WARNING,
                )
