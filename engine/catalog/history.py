"""The catalog's git history, value by value: each commit that touched the catalog folder, with
what it changed (``engine.catalog.changes``) against its parent.

Each commit's changes are worked out once and kept in the catalog's cache (by commit and engine
version). A revision that does not load with this version of the engine (the rules language grew
stricter, say) is listed with that said instead of its changes. Outside a git work tree, or
without git, there is no history: ``None``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.catalog.changes import changes
from engine.catalog.revisions import RevisionError, catalog_at, git_log
from engine.core.problems import CatalogError
from engine.core.version import __version__

# The newest commits a history shows at the most.
LIMIT = 200


@dataclass(frozen=True)
class Revision:
    """A commit that touched the catalog: when, what it says, and what it changed."""

    commit: str
    short: str
    day: str
    subject: str
    time: str = ""  # when it was committed, in UTC: 2026-11-24T08:14:23Z
    changes: tuple[dict[str, Any], ...] = ()
    problem: str | None = None


def catalog_history(folder: Path, cache: Path | None = None) -> list[Revision] | None:
    """The commits that touched *folder*, newest first; None outside git."""
    text = git_log(folder, f"-n{LIMIT}", "--format=%H%x1f%h%x1f%ct%x1f%P%x1f%s")
    if text is None:
        return None
    history = []
    for line in text.splitlines():
        commit, short, stamp, parents, subject = line.split("\x1f", 4)
        parent = parents.split()[0] if parents else None
        found, problem = _changes(folder, commit, parent, cache)
        moment = dt.datetime.fromtimestamp(int(stamp), dt.UTC)
        day, time = moment.date().isoformat(), moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        history.append(
            Revision(commit, short, day, subject, time=time, changes=found, problem=problem)
        )
    return history


def _changes(
    folder: Path, commit: str, parent: str | None, cache: Path | None
) -> tuple[tuple[dict[str, Any], ...], str | None]:
    key = hashlib.sha256(f"{__version__}:{commit}:{parent}".encode()).hexdigest()[:32]
    entry = cache / "history" / f"{key}.json" if cache else None
    if entry is not None:
        try:
            kept = json.loads(entry.read_text("utf-8"))
            return tuple(kept["changes"]), kept["problem"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
    if parent is None:
        found: tuple[dict[str, Any], ...] = ()
        problem: str | None = "the first version of the catalog"
    else:
        found, problem = _compare(folder, parent, commit)
    if entry is not None:
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"changes": list(found), "problem": problem}, handle)
            os.replace(tmp, entry)
        except OSError:
            pass
    return found, problem


def _compare(
    folder: Path, parent: str, commit: str
) -> tuple[tuple[dict[str, Any], ...], str | None]:
    from engine.catalog.loader import load

    with tempfile.TemporaryDirectory(prefix="care-catalog-history-") as scratch:
        try:
            old = load(catalog_at(parent, folder, Path(scratch) / "old"), use_cache=False)
            new = load(catalog_at(commit, folder, Path(scratch) / "new"), use_cache=False)
        except CatalogError:
            return (), f"this revision does not load with care-catalog {__version__}"
        except RevisionError as error:
            return (), str(error)
    return tuple(c.to_json() for c in changes(old, new)), None
