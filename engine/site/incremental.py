"""What a rebuild can skip: the build manifest, and the key of every file a build writes.

A build leaves a manifest beside the site folder (``.<folder>.manifest.json``, next to its lock,
so the site's own bytes stay the same for the same catalog): the engine's
fingerprint (its code, templates, assets and schemas), the day and base URL, every catalog file
it read (size, modification time, content digest), and for every page and API file the *key* of
what it was made from. A key hashes the shared inputs (every catalog file that is not a product,
the fingerprint, the day, the base URL, the last commit of the catalog's git history) with the
digests of the product files the page shows
(``Page.shows``) and any other figure it depends on (``Page.shape``). A rebuild renders a file
again only when its key changed; the others are linked from the previous build unread.

``up_to_date`` answers before the catalog is even read: when no catalog file's size or
modification time changed (a file modified within a second of the manifest is hashed instead,
as git does), nor the fingerprint, day or base URL, and every file of the site is still there,
there is nothing to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine.catalog.revisions import head
from engine.core.resources import data_dir
from engine.core.version import __version__
from engine.read.files import Listing, find_files

FORMAT = 1
RACY_NS = 2_000_000_000  # files modified this close to the manifest are hashed, not trusted


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of everything besides the catalog that shapes the output: code, templates, assets."""
    digest = hashlib.sha256(f"care-catalog {__version__}\n".encode())
    package = Path(__file__).resolve().parents[1]
    folders = [package, data_dir("site"), data_dir("schema")]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix != ".pyc" and "_data" not in path.parts:
                digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class Keys:
    """The key of each output of one build, from its catalog's inputs, day and base URL."""

    def __init__(
        self,
        inputs: Mapping[str, tuple[int, int, str]],
        day: str,
        base_url: str,
        history: str | None = None,
    ):
        self.inputs = dict(inputs)
        self.day = day
        self.base_url = base_url
        self.history = history  # the last commit of the catalog's git history, if any
        self.products: dict[str, str] = {}
        shared = hashlib.sha256(f"{fingerprint()}\n{day}\n{base_url}\n{history}\n".encode())
        for name, entry in sorted(inputs.items()):
            folder, _, file = name.rpartition(
                "/"
            )  # names are /-separated: "catalog/products/x.yaml"
            if folder.rpartition("/")[2] == "products":
                self.products[file.rpartition(".")[0] or file] = entry[2]
            else:
                shared.update(f"{name} {entry[2]}\n".encode())
        self.shared = shared.hexdigest()
        every = hashlib.sha256(self.shared.encode())
        for stem, digest in sorted(self.products.items()):
            every.update(f"{stem} {digest}\n".encode())
        self.every = every.hexdigest()

    def key(self, path: str, shows: Iterable[str] | None, *extra: str) -> str:
        """The key of the file at *path* showing the products *shows* (None: all of them)."""
        digest = hashlib.sha256(
            f"{self.shared if shows is not None else self.every}\n{path}\n".encode()
        )
        for part in extra:
            digest.update(f"{part}\n".encode())
        for product in shows or ():
            digest.update(f"{product} {self.products.get(product, '?')}\n".encode())
        return digest.hexdigest()


def base_url(url: str | None) -> str:
    """A base URL as pages use it: empty, or ending in ``/``."""
    if not url:
        return ""
    return url if url.endswith("/") else url + "/"


def manifest_path(site: Path) -> Path:
    """Where the manifest of the site folder *site* lies."""
    site = site.absolute()
    return site.parent / f".{site.name}.manifest.json"


def read(site: Path) -> dict[str, Any]:
    """The manifest of the site at *site*; an empty one when it is missing or not one.

    It carries ``_read``, the size, time and inode of the file read, for ``still_current``."""
    path = manifest_path(site)
    try:
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            manifest = json.loads(handle.read())
    except (OSError, ValueError):
        return {}
    if not (
        isinstance(manifest, dict)
        and manifest.get("format") == FORMAT
        and isinstance(manifest.get("outputs"), dict)
        and isinstance(manifest.get("inputs"), dict)
    ):
        return {}
    manifest["_read"] = [status.st_size, status.st_mtime_ns, status.st_ino]
    return manifest


def still_current(site: Path, manifest: Mapping[str, Any]) -> bool:
    """Whether *manifest* (``read`` earlier) is still the file beside *site*: no other build
    replaced it since."""
    try:
        status = os.stat(manifest_path(site))
    except OSError:
        return False
    return manifest.get("_read") == [status.st_size, status.st_mtime_ns, status.st_ino]


def previous_outputs(manifest: Mapping[str, Any]) -> dict[str, str]:
    """The keys of the files of the build *manifest* (``read``) describes, when it was made by
    this engine; else none."""
    if not manifest or manifest.get("fingerprint") != fingerprint():
        return {}
    return {str(k): str(v) for k, v in manifest["outputs"].items()}


def manifest_bytes(
    root: Path, keys: Keys, outputs: Mapping[str, str], sizes: Mapping[str, int]
) -> bytes:
    """The manifest of a build, written as its site is swapped in."""
    manifest = {
        "format": FORMAT,
        "engine": __version__,
        "fingerprint": fingerprint(),
        "catalog": str(root.resolve()),
        "day": keys.day,
        "base_url": keys.base_url,
        "history": keys.history,
        "written_ns": time.time_ns(),
        "inputs": {name: list(entry) for name, entry in sorted(keys.inputs.items())},
        "outputs": dict(sorted(outputs.items())),
        "sizes": dict(sorted(sizes.items())),
    }
    return (json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n").encode()


def build_day(on: dt.date | None = None) -> dt.date:
    """The day a build's figures are for: *on*, else ``SOURCE_DATE_EPOCH`` (UTC), else today."""
    if on is not None:
        return on
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"SOURCE_DATE_EPOCH is not a Unix time: {epoch!r}") from None
    return dt.date.today()


def up_to_date(
    root: Path,
    site: Path,
    day: str,
    base_url: str,
    listing: Listing | None = None,
    manifest: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The manifest of *site* when building *root* for *day* and *base_url* would change nothing.

    *listing*, *manifest*: what ``find_files(root)`` and ``read(site)`` gave, if already called.
    """
    if manifest is None:
        manifest = read(site)
    if not manifest or (manifest.get("catalog"), manifest.get("day"), manifest.get("base_url")) != (
        str(root.resolve()),
        day,
        base_url,
    ):
        return None
    if manifest.get("fingerprint") != fingerprint() or manifest.get("history") != head(root):
        return None
    files, problems, refused = listing or find_files(root)
    if problems or refused:
        return None
    folder = root.resolve().name
    recorded: dict[str, Any] = manifest["inputs"]
    if len(files) != len(recorded):
        return None
    written = int(manifest.get("written_ns", 0))
    start = len(str(root)) + 1  # every file is below the root: its name is the rest of its path
    for _, file in files:
        entry = recorded.get(f"{folder}/{str(file)[start:].replace(os.sep, '/')}")
        if not isinstance(entry, list) or len(entry) != 3:
            return None
        try:
            stat = os.stat(file)
        except OSError:
            return None
        if (stat.st_size, stat.st_mtime_ns) != (entry[0], entry[1]):
            return None
        if stat.st_mtime_ns >= written - RACY_NS:
            return None  # written too close to the manifest to trust the time: read it again
    published = str(site)
    for path, size in manifest.get("sizes", {}).items():
        try:
            if os.stat(os.path.join(published, path)).st_size != size:
                return None
        except OSError:
            return None
    return manifest
