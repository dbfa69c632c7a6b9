"""The decisions contract: the facts each decision reads (types, defaults, meaning), the facts
derived from them, and each decision's vocabulary of outcomes (DESIGN.md, "Decisions and facts")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.rules.expr import Type
from engine.rules.expr.types import BOOL, DATE, DATETIME, MONEY, NUMBER, STRING, record

PRODUCT = record("product", id=STRING, name=STRING, family=STRING, category=STRING)
PLAN = record("plan", id=STRING, name=STRING)
REGION = record("region", id=STRING, name=STRING, currency=STRING, service_area=STRING)
INCIDENT = record("incident", id=STRING, name=STRING, kind=STRING)
TERMS = record(
    "terms",
    replacements=NUMBER,
    flyaway_replacements=NUMBER.maybe(),
    term_months=NUMBER.maybe(),
    warranty_months=NUMBER.maybe(),
    version_from=DATE,
)

REQUIRED = object()


@dataclass(frozen=True)
class Fact:
    """A fact a decision reads: its type, its default (if any) and what it means."""

    name: str
    type: Type
    description: str
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        """Whether the caller must give it."""
        return self.default is REQUIRED


def _facts(*facts: Fact) -> dict[str, Fact]:
    return {f.name: f for f in facts}


_PRODUCT = Fact("product", PRODUCT, "The product's id.")
_PLAN = Fact("plan", PLAN, "The plan's id.")
_REGION = Fact("region", REGION, "The region the plan is (or would be) bought in.")

FACTS: dict[str, dict[str, Fact]] = {
    "purchase": _facts(
        _PRODUCT,
        _PLAN,
        _REGION,
        Fact(
            "product_region",
            REGION,
            "Where the product was bought; default: the plan's region.",
            None,
        ),
        Fact("now", DATETIME, "When the plan would be bought."),
        Fact(
            "activated_at",
            DATETIME.maybe(),
            "When the product was activated; null: never activated.",
        ),
        Fact("bundled", BOOL, "Bought in the same order as the product.", False),
        Fact("prior_policy", BOOL, "The unit has had a plan before (any owner).", False),
        Fact(
            "repair_invitation_at",
            DATETIME.maybe(),
            "When an official repair's invitation to buy was sent.",
            None,
        ),
        Fact(
            "video_verified_at", DATETIME.maybe(), "When the unit passed video verification.", None
        ),
        Fact(
            "condition", STRING, "new, used or refurbished.", "new", ("new", "used", "refurbished")
        ),
    ),
    "claim": _facts(
        _PRODUCT,
        _PLAN,
        _REGION,
        Fact(
            "service_region",
            REGION,
            "Where service is asked for; default: the plan's region.",
            None,
        ),
        Fact("policy_start", DATE, "The day cover started; its terms apply."),
        Fact("incident", INCIDENT, "What happened (an id of incidents.yaml)."),
        Fact("incident_on", DATE, "The day it happened."),
        Fact("replacements_used", NUMBER, "Replacements already used, flyaway ones included."),
        Fact("flyaway_used", NUMBER, "Flyaway replacements already used."),
        Fact(
            "rc_bound",
            BOOL,
            "Account and remote controller were bound to the aircraft before the incident.",
        ),
    ),
    "renewal": _facts(
        _PRODUCT,
        Fact("plan", PLAN, "The plan currently held."),
        _REGION,
        Fact("policy_start", DATE, "The day the current plan started."),
        Fact("now", DATETIME, "When the renewal would be bought; the rules in force then apply."),
        Fact("covered_months", NUMBER, "Months of cover held so far, the current plan included."),
        Fact("replacements_left", NUMBER, "Replacements left on the current plan."),
    ),
}

DERIVED: dict[str, dict[str, tuple[Type, str]]] = {
    "purchase": {
        "category": (STRING, "The product's category."),
        "plan_sold": (BOOL, "Whether the plan is sold on the day of 'now'."),
    },
    "claim": {
        "category": (STRING, "The product's category."),
        "terms": (TERMS, "The plan's terms in force on policy_start for the product's category."),
        "policy_end": (DATE, "The last day of cover: the day before policy_start + the term."),
        "flyaway_listed": (
            BOOL.maybe(),
            "Whether the model is on the flyaway list on incident_on; null when the sources cannot say.",
        ),
        "flyaway_known_by": (
            DATE.maybe(),
            "When flyaway_listed is null: the day by which a source shows the list changed.",
        ),
    },
    "renewal": {
        "category": (STRING, "The product's category."),
        "terms": (TERMS, "The current plan's terms in force on policy_start."),
        "policy_end": (DATE, "The last day of the current cover."),
    },
}

# Every decision may also answer "unknown": when what decides it is a value the sources only
# bound, a rule says so (with what would settle it) instead of guessing.
UNKNOWN = "unknown"
OUTCOMES: dict[str, tuple[str, ...]] = {
    "purchase": ("eligible", "needs-video-verification", "not-eligible", UNKNOWN),
    "claim": ("replacement", "flyaway-replacement", "not-covered", UNKNOWN),
    "renewal": ("eligible", "not-eligible", UNKNOWN),
}

# What a rule's named values must be, where the decision gives them a meaning: a claim's fee is
# money (or null where unpublished), counts are numbers, a renewal names the plan to buy.
VALUE_TYPES: dict[str, dict[str, Type]] = {
    "purchase": {},
    "claim": {"fee": MONEY.maybe(), "remaining": NUMBER, "flyaway_remaining": NUMBER},
    "renewal": {"plan": STRING},
}

RESERVED_VALUES = {"decision", "outcome", "rule", "because", "location", "trace", "sources"}


def names_in_scope(decision: str) -> dict[str, Type]:
    """Every name a rule of *decision* may use, with its type."""
    names = {name: fact.type for name, fact in FACTS[decision].items()}
    names.update({name: kind for name, (kind, _) in DERIVED[decision].items()})
    return names
