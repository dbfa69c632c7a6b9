"""The build state: every model's shares (``engine.site.shares``), kept beside the manifest.

``.<folder>.state`` holds, for the site folder ``<folder>``, each model's shares as stored bytes,
with the digest of the model's file they were computed from, the digest of everything else they
depend on (``Keys.shared``: the engine, the day, the base URL, the catalog's other files and
history) and the compare table's width. A share is reused only while all of these are the same,
so the state is right whatever build wrote it last; a missing or damaged state only means the
next build computes every share again.

The file is a log of records (an 8-byte length, then marshal data): the first ones hold every
model (a thousand a record), and a build that changed a few models' shares appends a record of
those alone, so an edit does not write every share again. A build that changed more, changed the width or the
other inputs, or finds the log long, writes a new file aside and renames it into place; a torn
last record (a build killed while appending) ends the log where it is.
"""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from engine.site.incremental import Keys
from engine.site.shares import KINDS

FORMAT = 2
MOST_RECORDS = 64  # then the log is written anew
CHUNK = 1000  # models a record holds at the most


@dataclass
class Kept:
    """What a build found in the state: the shares still valid, the compare width they were
    made for, and where the log ends (its size and records), for appending to it."""

    shares: dict[str, dict[str, bytes]] = field(default_factory=dict)
    width: int | None = None
    valid: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    size: int = 0
    records: int = 0


def state_path(site: Path) -> Path:
    """Where the build state of the site folder *site* lies."""
    site = site.absolute()
    return site.parent / f".{site.name}.state"


def kept(site: Path, keys: Keys) -> Kept:
    """The shares of the last builds into *site* still valid for *keys*."""
    try:
        data = state_path(site).read_bytes()
    except OSError:
        return Kept()
    digests: dict[str, str] = {}
    found: dict[str, dict[str, bytes]] = {kind: {} for kind in KINDS}
    width = None
    offset = records = 0
    while offset + 8 <= len(data):
        length = int.from_bytes(data[offset : offset + 8], "little")
        try:
            record = marshal.loads(memoryview(data)[offset + 8 : offset + 8 + length])
        except (EOFError, ValueError, TypeError):
            break  # torn or damaged: the log ends before it
        if not _usable(record, keys.shared, width):
            break
        width = record["width"]
        digests.update(record["products"])
        for kind in KINDS:
            found[kind].update(record["shares"].get(kind, {}))
        offset += 8 + length
        records += 1
    if not records:
        return Kept()
    current = keys.products
    valid = {i for i, digest in digests.items() if current.get(i) == digest}
    for by_id in found.values():
        for i in [i for i in by_id if i not in valid]:  # few: the models edited since
            del by_id[i]
    if not all(type(blob) is bytes for by_id in found.values() for blob in by_id.values()):
        return Kept()  # not written by this engine
    return Kept(found, width, valid, set(digests), offset, records)


def _usable(record: Any, shared: str, width: int | None) -> bool:
    return (
        isinstance(record, dict)
        and record.get("format") == FORMAT
        and record.get("shared") == shared
        and isinstance(record.get("width"), int)
        and (width is None or record["width"] == width)
        and isinstance(record.get("products"), dict)
        and isinstance(record.get("shares"), dict)
    )


def write(site: Path, keys: Keys, views: Any) -> None:
    """Keep the shares of every model of *views* (``SiteViews``) for the next build: only those
    of the models whose shares were not kept, when the log allows."""
    shares = views.shares
    width = views.fee_width  # first: it decides whether kept compare rows still hold
    previous: Kept = views.kept
    ids = views.ids
    path = state_path(site)
    fresh = [i for i in ids if i not in previous.valid]
    append = (
        previous.records
        and previous.records < MOST_RECORDS
        and previous.width == width
        and previous.models == set(ids)
        and len(fresh) * 10 < len(ids)
        and _size(path) == previous.size
    )
    chosen = fresh if append else ids
    # Records of at most CHUNK models, each written as it is made: no copy of the whole state.
    records = [chosen[n : n + CHUNK] for n in range(0, len(chosen), CHUNK)]
    if append:
        if fresh:
            with open(path, "ab") as log:
                _write(log, records, keys, width, shares)
        return
    aside = path.with_name(f"{path.name}.{os.getpid()}")
    with open(aside, "wb") as log:
        _write(log, records or [[]], keys, width, shares)
    os.replace(aside, path)


def _write(log: BinaryIO, records: list[list[str]], keys: Keys, width: int, shares: Any) -> None:
    for ids in records:
        record = {
            "format": FORMAT,
            "shared": keys.shared,
            "width": width,
            "products": {i: keys.products.get(i) for i in ids},
            "shares": {kind: {i: shares.blob(kind, i) for i in ids} for kind in KINDS},
        }
        data = marshal.dumps(record, 2)
        log.write(len(data).to_bytes(8, "little"))
        log.write(data)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1
