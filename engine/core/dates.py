"""Date arithmetic with a stated rule for month ends.

Rule: adding months keeps the day of the month, clamped to the last day of the target month
(Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year). A term of N months that starts on day S
covers S through the day before ``add_months(S, N)``: a 12-month plan activated 2023-03-15
covers 2023-03-15 to 2024-03-14 inclusive.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from functools import lru_cache


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* plus *months* calendar months, clamped to the target month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def term_end(start: dt.date, months: int) -> dt.date:
    """The last day covered by a term of *months* starting on *start* (inclusive)."""
    return add_months(start, months) - dt.timedelta(days=1)


def parse_date(text: str) -> dt.date:
    """A YYYY-MM-DD date; ValueError with the text otherwise."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def today() -> dt.date:
    """The day "now" means: ``SOURCE_DATE_EPOCH`` (a Unix time, read as a UTC day) where it is
    set, as for reproducible builds, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            pass
    return dt.date.today()


_CHECKED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


# A catalog writes few distinct ``checked`` texts (a year, a month) over many amounts.
@lru_cache(maxsize=4096)
def checked_bounds(text: str) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest day a value's ``checked`` text allows it was checked on.

    ``2024`` is 2024-01-01 to 2024-12-31, ``2024-03`` the month, ``~2022`` the year, ``~2024/2025``
    the two years; ``<=2023-07`` has no earliest day and ``>=2023-07`` no latest; a text with no
    date (``undated``) has neither.
    """
    starts, ends = [], []
    for year, month, day in _CHECKED.findall(text):
        try:
            if day:
                first = last = dt.date(int(year), int(month), int(day))
            elif month:
                first = dt.date(int(year), int(month), 1)
                last = dt.date(int(year), int(month), calendar.monthrange(int(year), int(month))[1])
            else:
                first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
        except ValueError:
            continue  # not a real date (the checked-date lint says so)
        starts.append(first)
        ends.append(last)
    if not starts:
        return None, None
    earliest = None if text.lstrip().startswith("<=") else min(starts)
    latest = None if text.lstrip().startswith(">=") else max(ends)
    return earliest, latest


@lru_cache(maxsize=4096)
def is_stale(checked: str, months: int, on: dt.date) -> bool | None:
    """Whether a value checked as *checked* is older than *months* on *on*: None when its text
    does not bound the latest day it could have been checked."""
    _, latest = checked_bounds(checked)
    if latest is None:
        return None
    try:
        return add_months(latest, months) < on
    except ValueError:
        return False
