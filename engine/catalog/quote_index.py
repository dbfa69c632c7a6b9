"""The quote index: what ``care-catalog quote`` needs, precompiled from a loaded catalog.

Quoting from a loaded catalog costs the whole pipeline (YAML, schemas, linking, and the imports
they need: 0.1 s for the shipped catalog, where Python starts in 0.01 s). The index holds each
product's offers per plan and market, their amounts already written in the market's money, their
provenance, and the plans' versions and allowances, so that a quote reads one file (in
``marshal``'s format, which Python reads without importing anything) and imports only
``datetime`` beside it.

The index is trusted only while the catalog folder holds exactly what it was made from: every
entry's name, and every file's size, modification and change times and inode, compared on each
use (a file written since, even restored to the same size and modification time, has a new
change time). A question the index
cannot answer as the library would (an unknown id, a fee that is not published, a replacement
the plan does not give) is left to the full path, which says why; a full quote writes a fresh
index. ``tests/test_quote_index.py`` checks that both give the same answer for every product,
plan, market, replacement and kind of amount, on dates across every plan version.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
import sys
import time

from engine.core.version import __version__
from engine.read.places import cache_folder

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from engine.catalog.lookups import Catalog
    from engine.core.money import Money
    from engine.model.entities import Offer

FORMAT = 1
NAME = f"quote-index-{sys.implementation.cache_tag}.marshal"  # marshal's format is Python's own
SETTLE_NS = 2 * 10**9


def tree(root: str) -> list[list[Any]] | None:
    """Every entry below *root* (hidden ones passed over, as the reader does), sorted: a folder as
    ``[path]``, a file as ``[path, size, mtime, ctime, inode]``; None when a symbolic link is
    among them. Writing a file sets its change time (ctime) to the clock's, which no tool can
    set back, so a file that has been written since keeps no entry equal to its old one."""
    found: list[list[Any]] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        with os.scandir(os.path.join(root, folder)) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                name = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_symlink():
                    return None
                if entry.is_dir():
                    found.append([name])
                    pending.append(name)
                else:
                    st = entry.stat()
                    found.append([name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    found.sort()
    return found


def write(catalog: Catalog, root: Path) -> None:
    """Write the index of *catalog*, loaded from *root*, beside its cache; skipped if the folder
    changed since it was read (a file's size or time differs from the bytes loaded)."""
    for name, (size, mtime, _) in catalog.inputs.items():
        try:
            now = os.stat(os.path.join(root, name.partition("/")[2]))
        except OSError:
            return
        if (now.st_size, now.st_mtime_ns) != (size, mtime):
            return
    folder = cache_folder(str(root))
    listing = tree(str(root))
    if folder is None or listing is None:
        return
    # A file written within a moment of now could be written again within the same tick of the
    # clock that stamps it; such a catalog is indexed by a later quote.
    settled = time.time_ns() - SETTLE_NS
    if any(len(entry) > 1 and entry[3] > settled for entry in listing):
        return
    products: dict[str, list[Any]] = {}
    index = {
        "format": FORMAT,
        "engine": __version__,
        "tree": listing,
        "default_region": catalog.default_region,
        "regions": {r.id: {"name": r.name, "locale": r.locale} for r in catalog.regions.values()},
        "plans": {
            plan.id: [
                [
                    v.start.isoformat(),
                    v.label,
                    {c: a.replacements for c, a in v.allowances.items()},
                ]
                for v in plan.versions
            ]
            for plan in catalog.plans.values()
        },
        "products": products,
    }
    for product in catalog.products():
        markets: dict[str, dict[str, list[Any]]] = {}
        for offer in product.offers:
            locale = catalog.regions[offer.region].locale
            markets.setdefault(offer.plan, {}).setdefault(offer.region, []).append(
                _offer(offer, locale)
            )
        products[product.id] = [product.category, markets]
    target = os.path.join(folder, NAME)
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(marshal.dumps(index))
        os.replace(temporary, target)
    except OSError:
        pass  # the index only saves time


def _money(money: Money | None, locale: str) -> list[str] | None:
    if money is None:
        return None
    return [str(money.amount), money.currency, money.format(locale)]


def _offer(offer: Offer, locale: str) -> list[Any]:
    return [
        offer.terms.isoformat() if offer.terms else None,
        offer.doubtful,
        _money(offer.price, locale),
        [_money(fee, locale) for fee in offer.fees],
        offer.flat_fee,
        _money(offer.flyaway_fee, locale),
        {
            "source": offer.source,
            "seller": offer.seller,
            "checked": offer.checked,
            "confidence": offer.confidence,
            "note": offer.note,
            "defined_at": str(offer.location),
        },
    ]


def read(root: str) -> dict[str, Any] | None:
    """The index of the catalog at *root*, if one was made from exactly what the folder holds."""
    folder = cache_folder(root)
    if folder is None:
        return None
    try:
        with open(os.path.join(folder, NAME), "rb") as handle:
            index = marshal.loads(handle.read())
        if index["format"] != FORMAT or index["engine"] != __version__:
            return None
        return index if index["tree"] == tree(root) else None
    except (OSError, ValueError, EOFError, KeyError, TypeError, IndexError):
        return None


def _shape_checked(
    answer: Callable[..., dict[str, Any] | None],
) -> Callable[..., dict[str, Any] | None]:
    """*answer*, giving None where the index is not of the expected shape."""

    def checked(*args: Any, **kwargs: Any) -> dict[str, Any] | None:
        try:
            return answer(*args, **kwargs)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None

    return checked


@_shape_checked
def quote(
    index: dict[str, Any],
    product: str,
    plan: str,
    region: str | None,
    replacement: int,
    flyaway: bool,
    price: bool,
    on: dt.date | None,
) -> dict[str, Any] | None:
    """The answer ``Quote.to_json`` gives, from the index; None where the library would refuse
    (it words why) or the index is not of the expected shape."""
    region = region or index["default_region"]
    if product not in index["products"] or plan not in index["plans"]:
        return None
    if region not in index["regions"]:
        return None
    category, markets = index["products"][product]
    day = (on or dt.date.today()).isoformat()
    # The version in force: the latest whose start is not after the day (ISO dates sort as days).
    versions = [v for v in index["plans"][plan] if v[0] <= day]
    if not versions or replacement < 1:
        return None
    start, label, allowances = versions[-1]
    if not price and category in allowances and replacement > allowances[category]:
        return None

    def pick(row: list[Any]) -> list[str] | None:
        if price:
            return row[2]  # type: ignore[no-any-return]
        if flyaway:
            return row[5]  # type: ignore[no-any-return]
        fees = row[3]
        if not fees:
            return None
        if row[4]:
            return fees[0]  # type: ignore[no-any-return]
        return fees[replacement - 1] if replacement <= len(fees) else None

    candidates = markets.get(plan, {}).get(region, [])
    for era_matched in (True, False):
        ranked = [
            (row[1], number, row)
            for number, row in enumerate(candidates)
            if pick(row) is not None and (row[0] == start if era_matched else row[0] is None)
        ]
        if ranked:
            row = min(ranked, key=lambda r: (r[0], r[1]))[2]
            amount, currency, formatted = pick(row)  # type: ignore[misc]
            return {
                "amount": amount,
                "currency": currency,
                "formatted": formatted,
                "terms": {"from": start, "label": label},
                "terms_stated_by_source": era_matched,
                **row[6],
            }
    return None
