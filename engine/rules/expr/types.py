"""The expression language's types and runtime values.

Types: bool, number (Decimal), string, date, datetime, duration (exact: 48h, 15d), period
(calendar: 12mo, 2y), money, lists and records. Any type may be nullable (``datetime?``); the
checker refuses to use a nullable value until a test has ruled null out, so evaluation is total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from engine.core.dates import add_months


@dataclass(frozen=True)
class Type:
    """A static type; records list their fields."""

    name: str
    nullable: bool = False
    item: Type | None = None
    fields: tuple[tuple[str, Type], ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        base = f"list[{self.item}]" if self.name == "list" else self.name
        return base + ("?" if self.nullable else "")

    def maybe(self) -> Type:
        """The nullable form of this type."""
        return replace(self, nullable=True)

    def sure(self) -> Type:
        """The non-null form of this type."""
        return replace(self, nullable=False)

    def field(self, name: str) -> Type | None:
        """The type of a record field, or None."""
        return dict(self.fields).get(name)

    def same_base(self, other: Type) -> bool:
        """Whether both are the same type, ignoring nullability."""
        if self.name != other.name:
            return False
        if self.name == "list" and self.item and other.item:
            return self.item.name in ("never", other.item.name) or other.item.name == "never"
        return True


BOOL = Type("bool")
NUMBER = Type("number")
STRING = Type("string")
DATE = Type("date")
DATETIME = Type("datetime")
DURATION = Type("duration")
PERIOD = Type("period")
MONEY = Type("money")
NULL = Type("null", nullable=True)
NEVER = Type("never")


def list_of(item: Type) -> Type:
    """The type of a list of *item*."""
    return Type("list", item=item)


def record(type_name: str, /, **fields: Type) -> Type:
    """A record type with named fields."""
    return Type(type_name, fields=tuple(fields.items()))


@dataclass(frozen=True, order=True)
class Period:
    """A calendar duration in months (``12mo``, ``2y``); added with the month-end rule."""

    months: int

    def __str__(self) -> str:
        return f"{self.months // 12}y" if self.months % 12 == 0 else f"{self.months}mo"


def shift(moment: dt.date | dt.datetime, months: int) -> dt.date | dt.datetime:
    """*moment* plus *months*, clamped to the month's last day (time of day kept).

    Past the calendar's ends (years 1 and 9999) the result stays at its first or last moment,
    so date arithmetic in a rule always has an answer.
    """
    try:
        if isinstance(moment, dt.datetime):
            day = add_months(moment.date(), months)
            return moment.replace(year=day.year, month=day.month, day=day.day)
        return add_months(moment, months)
    except (ValueError, OverflowError):
        return calendar_end(moment, months > 0)


def move(moment: Any, delta: dt.timedelta) -> Any:
    """*moment* plus an exact *delta*; a date or datetime past the calendar's ends stays there."""
    try:
        return moment + delta
    except OverflowError:
        return calendar_end(moment, delta > dt.timedelta(0))


def calendar_end(moment: dt.date | dt.datetime, later: bool) -> dt.date | dt.datetime:
    """The calendar's last (or first) moment, of *moment*'s kind."""
    if isinstance(moment, dt.datetime):
        return dt.datetime.max if later else dt.datetime.min
    return dt.date.max if later else dt.date.min
