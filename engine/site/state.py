"""The build state: every model's shares (``engine.site.shares``), kept beside the manifest.

``.<folder>.state`` holds, for the site folder ``<folder>``, each model's shares as stored bytes,
with the digest of the model's file they were computed from, the digest of everything else they
depend on (``Keys.shared``: the engine, the day, the base URL, the catalog's other files and
history) and the compare table's width. A share is reused only while all of these are the same,
so the state is right whatever build wrote it last; a missing or damaged state only means the
next build computes every share again. The file is written aside and renamed into place.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

from engine.site.incremental import Keys
from engine.site.shares import KINDS

FORMAT = 1


def state_path(site: Path) -> Path:
    """Where the build state of the site folder *site* lies."""
    site = site.absolute()
    return site.parent / f".{site.name}.state"


def kept(site: Path, keys: Keys) -> tuple[dict[str, dict[str, bytes]], int | None]:
    """The shares of the last build into *site* still valid for *keys*, and the compare width
    they were computed for (None: no state)."""
    try:
        state = marshal.loads(state_path(site).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}, None
    if not (
        isinstance(state, dict)
        and state.get("format") == FORMAT
        and state.get("shared") == keys.shared
        and isinstance(state.get("products"), dict)
        and isinstance(state.get("shares"), dict)
        and isinstance(state.get("width"), int)
    ):
        return {}, None
    current = keys.products
    valid = {i for i, digest in state["products"].items() if current.get(i) == digest}
    shares: dict[str, dict[str, bytes]] = {}
    for kind in KINDS:
        found = state["shares"].get(kind)
        if isinstance(found, dict):
            shares[kind] = {
                i: blob for i, blob in found.items() if i in valid and isinstance(blob, bytes)
            }
    return shares, state["width"]


def write(site: Path, keys: Keys, views: Any) -> None:
    """Keep the shares of every model of *views* (``SiteViews``) for the next build."""
    shares = views.shares
    width = views.fee_width  # first: it decides whether kept compare rows still hold
    state = {
        "format": FORMAT,
        "shared": keys.shared,
        "width": width,
        "products": {i: keys.products.get(i) for i in views.ids},
        "shares": {kind: {i: shares.blob(kind, i) for i in views.ids} for kind in KINDS},
    }
    path = state_path(site)
    aside = path.with_name(f"{path.name}.{os.getpid()}")
    aside.write_bytes(marshal.dumps(state, 2))
    os.replace(aside, path)
