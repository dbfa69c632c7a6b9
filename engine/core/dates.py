"""Date arithmetic with a stated rule for month ends.

Rule: adding months keeps the day of the month, clamped to the last day of the target month
(Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year). A term of N months that starts on day S
covers S through the day before ``add_months(S, N)``: a 12-month plan activated 2023-03-15
covers 2023-03-15 to 2024-03-14 inclusive.
"""

from __future__ import annotations

import calendar
import datetime as dt


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
