"""A rebuild after edits to model files alone: only those models are read.

When the last build into a folder left its manifest and build state (``engine.site.state``), and
since then only product files changed (none added or removed, no other catalog file, nor the
engine, the day, the base URL or the catalog's git history), a rebuild needs nothing of the other
models but their shares. ``rebuild`` then reads, validates and lints the catalog's shared files
and the changed product files alone (``engine.catalog.loader.check`` with *products*), links them,
and builds with the views of every model made from the kept shares (``SiteViews`` with *ids* and
*kept*): what it renders shows only the changed models and lists made from shares, and the files
it keeps are those a whole build would keep, so the bytes are a whole build's.

It answers None whenever it cannot be sure: no usable manifest or state, a file added or removed,
a shared file changed, too many changed models, any problem of severity error (a whole check then
reports every problem, located), or a page that would need a model it did not read. The caller
then builds the usual way.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from engine.catalog.loader import check
from engine.catalog.revisions import head
from engine.core.resources import data_dir
from engine.core.version import __version__
from engine.read.cache import DocumentCache
from engine.read.files import Listing, find_files
from engine.site import incremental, state
from engine.site.builder import BuildResult, build
from engine.site.shares import NotRead
from engine.site.views import SiteViews
from engine.validate.schemas import SchemaSet

# Past this many changed models a whole build is about as quick.
MOST_CHANGED = 200


def rebuild(
    root: Path,
    out: Path,
    day: dt.date,
    base_url: str,
    listing: Listing | None = None,
    manifest: dict[str, Any] | None = None,
) -> BuildResult | None:
    """Rebuild *out* from *root* reading only the changed product files; None if it cannot.

    *listing*, *manifest*: what ``find_files(root)`` and ``incremental.read(out)`` gave, if
    already called."""
    listing = listing or find_files(root)
    if manifest is None:
        manifest = incremental.read(out)
    if not manifest or (manifest.get("catalog"), manifest.get("day"), manifest.get("base_url")) != (
        str(root.resolve()),
        day.isoformat(),
        base_url,
    ):
        return None
    if manifest.get("fingerprint") != incremental.fingerprint():
        return None
    history = head(root)
    if manifest.get("history") != history:
        return None
    changed = _changed_products(root, manifest, listing)
    if not changed:
        return None
    report = check(root, products=set(changed), listing=listing)
    if report.catalog is None or report.errors:
        return None
    catalog = report.catalog
    recorded = manifest["inputs"]
    if any(
        name not in recorded or recorded[name][2] != entry[2]
        for name, entry in report.inputs.items()
        if name not in changed.values()
    ):
        return None  # a shared file's bytes differ from those the last build read
    inputs = {name: tuple(entry) for name, entry in recorded.items()}
    inputs.update(report.inputs)
    catalog.inputs = inputs
    keys = incremental.Keys(inputs, day.isoformat(), base_url, history)
    kept = state.kept(out, keys)
    ids = sorted(keys.products)
    if any(i not in kept.valid for i in ids if i not in changed):
        return None
    views = SiteViews(catalog, day, ids=ids, kept=kept)
    try:
        return build(
            catalog,
            out,
            base_url=base_url or None,
            on=day,
            views=views,
            manifest=manifest,
        )
    except NotRead:
        return None


def _changed_products(root: Path, manifest: dict[str, Any], listing: Listing) -> dict[str, str]:
    """The product files whose bytes changed since the manifest's build, by stem (with their
    names as the manifest writes them); empty when anything else changed too."""
    files, problems, refused = listing
    recorded = manifest["inputs"]
    if problems or refused or not isinstance(recorded, dict) or len(files) != len(recorded):
        return {}
    folder = root.resolve().name
    start = len(str(root)) + 1
    written = int(manifest.get("written_ns", 0))
    cache = DocumentCache(None, f"{__version__}:{SchemaSet(data_dir('schema')).fingerprint}")
    changed: dict[str, str] = {}
    for kind, file in files:
        name = f"{folder}/{str(file)[start:].replace(os.sep, '/')}"
        entry = recorded.get(name)
        if not isinstance(entry, list) or len(entry) != 3:
            return {}  # a file the last build did not read
        try:
            stat = os.stat(file)
        except OSError:
            return {}
        same_time = (stat.st_size, stat.st_mtime_ns) == (entry[0], entry[1])
        if same_time and stat.st_mtime_ns < written - incremental.RACY_NS:
            continue
        if kind != "product" or same_time:  # a time too close to the build's: the bytes say
            try:
                if cache.key(file.read_bytes()) == entry[2]:
                    continue
            except OSError:
                return {}
            if kind != "product":
                return {}
        changed[file.stem] = name
        if len(changed) > MOST_CHANGED:
            return {}
    return changed
