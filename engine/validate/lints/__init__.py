"""Checks a schema cannot express: references, uniqueness, date order, fee-table completeness.

Each lint is a small named function yielding problems, registered in ``LINTS`` when its module
(ids, references, dates, amounts, rules) is imported here; the loader sorts what they find by
place, so their order does not matter. Lints run only on documents that passed their schema, so
they may trust the shape of the data.
"""

from engine.read.sources import Sources
from engine.validate.lints import amounts, dates, identity, references, rules
from engine.validate.lints.registry import LINTS, Lint, lint, run_lints

__all__ = [
    "LINTS",
    "Lint",
    "Sources",
    "amounts",
    "dates",
    "identity",
    "lint",
    "references",
    "rules",
    "run_lints",
]
