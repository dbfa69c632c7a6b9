"""``care-catalog quote`` from the catalog's quote index, before Click or the library is imported.

Only a command line this module reads exactly as Click would (``quote PRODUCT PLAN`` with
``--region``, ``--replacement``, ``--flyaway``, ``--price``, ``--on``, ``--json``, the catalog
chosen by default) and a quote the index answers are served here; anything else, help and every
error included, goes to the full command, so a user sees one behaviour.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (a third of the cost)
if TYPE_CHECKING:
    from typing import Any

_FLAGS = {"--flyaway": "flyaway", "--price": "price", "--json": "as_json"}
_VALUES = ("--region", "--replacement", "--on")


def answer_quickly(argv: list[str]) -> bool:
    """Print the answer to *argv* if it is a quote the index answers; False when it is not."""
    if not argv or argv[0] != "quote" or "CARE_CATALOG" in os.environ:
        return False
    query = _parse(argv[1:])
    if query is None:
        return False
    from engine.catalog import quote_index
    from engine.core.resources import data_path
    from engine.read.places import shown

    if os.path.isfile(os.path.join("catalog", "catalog.yaml")):
        root, label = "catalog", "catalog/"
    else:
        root = data_path("catalog")
        label = f"shipped ({shown(root)}/)"
    index = quote_index.read(root)
    if index is None:
        return False
    flags = query.pop("flags")
    found = quote_index.quote(index, **query)
    if found is None:
        return False
    print(f"catalog: {label}", file=sys.stderr)
    if flags["as_json"]:
        import json

        print(json.dumps(found, indent=2, ensure_ascii=False, sort_keys=False))
    else:
        print("\n".join(quote_lines(found, _what(query["replacement"], **flags))))
    return True


def _parse(args: list[str]) -> dict[str, Any] | None:
    """The quote's arguments, read as Click reads them; None for anything else."""
    flags = dict.fromkeys(_FLAGS.values(), False)
    values: dict[str, str] = {}
    positional: list[str] = []
    rest = iter(args)
    for arg in rest:
        name, equals, value = arg.partition("=")
        if arg in _FLAGS:
            flags[_FLAGS[arg]] = True
        elif name in _VALUES:
            if not equals:
                value = next(rest, "")
                if not value or value.startswith("-"):
                    return None
            values[name] = value
        elif arg.startswith("-") or not arg:
            return None  # help, an unknown option or "--": Click's to word
        else:
            positional.append(arg)
    if len(positional) != 2:
        return None
    try:
        replacement = int(values.get("--replacement", "1"))
        on = values.get("--on")
        day = dt.date.fromisoformat(on) if on is not None and len(on) == 10 else None
    except ValueError:
        return None
    if replacement < 1 or (on is not None and day is None):
        return None
    return {
        "product": positional[0],
        "plan": positional[1],
        "region": values.get("--region"),
        "replacement": replacement,
        "flyaway": flags["flyaway"],
        "price": flags["price"],
        "on": day,
        "flags": flags,
    }


def _what(replacement: int, *, flyaway: bool, price: bool, as_json: bool) -> str:
    return "plan price" if price else ("flyaway fee" if flyaway else f"replacement {replacement}")


def quote_lines(found: dict[str, Any], what: str) -> list[str]:
    """A quote as ``care-catalog quote`` prints it, from its JSON form (``Quote.to_json``)."""
    era = (
        "" if found["terms_stated_by_source"] else " (the source does not state its terms version)"
    )
    terms = found["terms"]
    lines = [
        found["formatted"],
        f"  {what}; terms: {terms['label']} (from {terms['from']}){era}",
        f"  source: {found['source']}",
        f"  seller: {found['seller'] or 'not named'}, checked {found['checked']}"
        + (", doubtful" if found["confidence"] == "doubtful" else ""),
    ]
    if found["note"]:
        lines.append(f"  note: {found['note']}")
    return lines
