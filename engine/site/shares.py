"""Each model's share of the site's all-model lists, as plain data a later build can reuse.

The index, the compare table, the family pages, the history, the freshness pages, the calculator,
the API index and the calculator's rules data all list every model. What one of them shows of one
model is a *share*: plain data (text, numbers, lists, mappings) computed from that model alone
for the build's day. ``Shares`` hands out each share once, computing it on first use or taking it
from what the previous build kept (``engine.site.state``), so an edit to one model's file computes
that model's shares alone and the lists are put together from the rest unchanged.

Shares are stored as ``marshal`` data of version 2, which writes no back-references, so equal
shares have equal bytes whatever objects they were built from, compressed with zlib; a kind's
digest is taken over those bytes.
"""

from __future__ import annotations

import hashlib
import marshal
import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

# summary: id, name, family, category, offer count, flyaway start, markets, sources, fee width
# events: the model's flyaway-list changes; compare, family, fresh: its rows in those lists;
# order: where its fresh rows go in the freshness pages' order; rules: its entry in
# static/rules-data.js, as JSON text.
KINDS = ("summary", "events", "compare", "family", "fresh", "order", "rules")
_VERSION = 2


class NotRead(Exception):
    """A share of a model this build did not read, and no previous build left (a quick rebuild
    then gives way to a whole one)."""


# The kinds of rows, which repeat their keys, are stored compressed; the small ones are read for
# every model on each build, so they are kept as they are.
# A first byte says which: "z" compressed, "m" as it is, "t" text (the rules data's JSON).
_COMPRESSED = {"compare", "family", "fresh"}
_RETAINED = {"summary", "events"}


def encode(value: Any, kind: str) -> bytes:
    """The stored bytes of a share: its marshal data, compressed for the kinds of rows."""
    if kind == "rules":
        return b"t" + str(value).encode()
    data = marshal.dumps(value, _VERSION)
    return b"z" + zlib.compress(data, 1) if kind in _COMPRESSED else b"m" + data


def decode(blob: bytes) -> Any:
    """A share from its stored bytes."""
    data = memoryview(blob)[1:]
    first = blob[:1]
    if first == b"t":
        return str(data, "utf-8")
    return marshal.loads(zlib.decompress(data) if first == b"z" else data)


class Shares:
    """The shares of one build: computed by *compute(kind, product_id)*, or taken from *kept*
    (``{kind: {product id: bytes}}``) for the models whose shares a previous build left valid."""

    def __init__(
        self,
        compute: Callable[[str, str], Any],
        kept: Mapping[str, Mapping[str, bytes]] | None = None,
    ):
        self._compute = compute
        self._kept = dict(kept or {})
        self._made: dict[tuple[str, str], Any] = {}
        self.computed: dict[tuple[str, str], bytes] = {}  # made by this build, as stored
        self._unsent: list[tuple[str, str]] | None = None  # made since ``mark``, when marked

    def get(self, kind: str, product_id: str) -> Any:
        """The share *kind* of the model *product_id*.

        The summaries and events, read by many pages, are kept as objects once made; the other
        kinds, each read by one step or page, only as their stored bytes (a build's worker would
        otherwise hold every row it rendered, and the garbage collector walk them all again and
        again)."""
        key = (kind, product_id)
        try:
            return self._made[key]
        except KeyError:
            pass
        blob = self.computed.get(key) or self._kept.get(kind, {}).get(product_id)
        if blob is not None:
            value = decode(blob)
        else:
            value = self._compute(kind, product_id)
            self.computed[key] = encode(value, kind)
            if self._unsent is not None:
                self._unsent.append(key)
        if kind in _RETAINED:
            self._made[key] = value
        return value

    def blob(self, kind: str, product_id: str) -> bytes:
        """The stored bytes of a share, computing it if need be."""
        key = (kind, product_id)
        found = self.computed.get(key)
        if found is not None:
            return found
        kept = self._kept.get(kind, {}).get(product_id)
        if kept is not None:
            return kept
        value = self.get(kind, product_id)
        return self.computed.get(key) or encode(value, kind)

    def text_bytes(self, kind: str, product_id: str) -> bytes:
        """A text share's UTF-8 bytes (the rules data's JSON), not decoded."""
        blob = self.blob(kind, product_id)
        if blob[:1] != b"t":
            raise ValueError(f"share {kind!r} is not text")
        return blob[1:]

    def digest(self, kind: str, product_ids: Iterable[str]) -> str:
        """A digest of the shares *kind* of *product_ids*, in their order."""
        digest = hashlib.sha256(kind.encode())
        for product_id in product_ids:
            digest.update(product_id.encode() + b"\0")
            digest.update(self.blob(kind, product_id))
        return digest.hexdigest()

    def forget(self, kind: str) -> None:
        """Compute the shares *kind* again rather than take them from what was kept."""
        self._kept = {k: v for k, v in self._kept.items() if k != kind}

    def mark(self) -> None:
        """Start collecting what ``taken`` returns (before forking workers)."""
        self._unsent = []

    def taken(self) -> dict[tuple[str, str], bytes]:
        """The shares computed since ``mark`` or the last call, as stored (a forked worker
        sends them back)."""
        found = {key: self.computed[key] for key in self._unsent or ()}
        self._unsent = []
        return found

    def add(self, found: Mapping[tuple[str, str], bytes]) -> None:
        """Shares computed elsewhere (in a worker) for this build."""
        self.computed.update(found)

    def unmark(self) -> None:
        """Stop collecting (the workers are done)."""
        self._unsent = None
