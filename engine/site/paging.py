"""Long lists split over numbered pages, so no page grows with the catalog.

A list is cut into consecutive groups whose weight (rows of a table, say) stays within a limit;
an item heavier than the limit has a group of its own. Page 1 keeps the list's own address
(``compare.html``), page *n* gets ``compare.page-n.html`` beside it, so relative links stay the
same. Ids hold no dot (the schemas' pattern), so a page's address never meets another list's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def groups(
    items: Sequence[T], limit: int, weight: Callable[[T], int] | None = None
) -> list[list[T]]:
    """*items* in order, cut into groups of total *weight* (default: 1 each) at most *limit*;
    always at least one group."""
    if weight is None:
        return [list(items[i : i + limit]) for i in range(0, len(items), limit)] or [[]]
    cut: list[list[T]] = [[]]
    load = 0
    for item in items:
        w = max(1, weight(item))
        if cut[-1] and load + w > limit:
            cut.append([])
            load = 0
        cut[-1].append(item)
        load += w
    return cut


def path(first: str, number: int) -> str:
    """The address of page *number* of the list whose first page is *first*."""
    if number == 1:
        return first
    stem, dot, suffix = first.rpartition(".")
    return f"{stem}.page-{number}{dot}{suffix}"


def title(base: str, number: int, total: int) -> str:
    """A page's title: *base*, with its page number when there is more than one page."""
    return base if total == 1 else f"{base} (page {number} of {total})"


def pager(first: str, number: int, total: int, around: int = 2) -> dict[str, Any] | None:
    """Links to the other pages (the first, the last, and *around* either side); None for one page.

    Links are file names relative to the page, which lies beside every other page of its list.
    """
    if total <= 1:
        return None
    name = first.rpartition("/")[2]
    shown = sorted(
        {1, total} | set(range(max(1, number - around), min(total, number + around) + 1))
    )
    links: list[dict[str, Any]] = []
    for previous, n in zip([0, *shown], shown, strict=False):
        if n - previous > 1:
            links.append({"gap": True, "number": None, "url": None, "current": False})
        links.append({"gap": False, "number": n, "url": path(name, n), "current": n == number})
    return {
        "number": number,
        "total": total,
        "previous": path(name, number - 1) if number > 1 else None,
        "next": path(name, number + 1) if number < total else None,
        "links": links,
    }
