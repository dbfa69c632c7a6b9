"""A cache of parsed, schema-valid documents keyed by the hash of their bytes.

An unchanged file is never parsed or validated twice: the entry is keyed by the file's content,
the schemas' fingerprint and the engine version. Entries are JSON (Decimals tagged), written
atomically, behind a digest of the entry's key and text. A cache is never trusted: a missing,
unreadable, truncated, foreign or edited entry (valid JSON of another shape included) fails the
digest or the shape check and is simply a miss, so the file is read and validated again.

An entry is a JSON line after its digest: the data with the positions of values at most two
levels deep (what the model records). When a problem or a lint needs a deeper position (a valid
file seldom does), the file is read again for it; should its bytes no longer be those cached,
positions fall back to the top of the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.read.document import Document, Tables
from engine.read.places import cache_folder

FORMAT = "6"


def cache_dir(catalog_root: Path) -> Path | None:
    """``.cache/`` beside the catalog when writable, else the user cache directory; None if neither."""
    found = cache_folder(str(catalog_root))
    return Path(found) if found is not None else None


class DocumentCache:
    """Parsed documents by content hash, in one directory."""

    def __init__(self, directory: Path | None, salt: str):
        self.directory = directory
        self.salt = salt
        self.hits = 0
        self.misses = 0

    def key(self, raw: bytes) -> str:
        """The entry name of a file with these bytes."""
        digest = hashlib.sha256(f"{FORMAT}:{self.salt}:".encode())
        digest.update(raw)
        return digest.hexdigest()

    def get(self, key: str, file: str, source: Path) -> Document | None:
        """The cached document of *source* (shown as *file*), or None."""
        if self.directory is None:
            return None
        try:
            text = (self.directory / f"{key}.json").read_text("utf-8")
            digest, _, payload = text.partition("\n")
            if digest != _digest(key, payload):
                raise ValueError("the entry does not match its digest")
            doc = _decode_document(payload, file, lambda: self._tables(source, key, file))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        return doc

    def _tables(self, source: Path, key: str, file: str) -> Tables:
        """The positions of the cached document, read again from its file (if unchanged)."""
        from engine.read.reader import decode, tables

        try:
            raw = source.read_bytes()
        except OSError:
            return {}, {}, ()
        text, _ = decode(file, raw)
        if self.key(raw) != key or text is None:
            return {}, {}, ()  # the file changed since: its old positions are not known
        return tables(file, text)

    def put(self, key: str, doc: Document) -> None:
        """Store *doc*; failures to write are ignored (the cache is only an accelerator)."""
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            payload = json.dumps(
                {"data": _encode(doc.data), "near": doc.near_positions}, separators=(",", ":")
            )
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(_digest(key, payload) + "\n" + payload)
            os.replace(tmp, self.directory / f"{key}.json")
        except OSError:
            pass


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decimal_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$decimal" in obj:
        return Decimal(obj["$decimal"])
    return obj


def _digest(key: str, payload: str) -> str:
    return hashlib.sha256(f"{key}\n{payload}".encode()).hexdigest()


def _decode_document(text: str, file: str, load: Callable[[], Tables]) -> Document:
    entry = json.loads(text, object_hook=_decimal_hook)
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("data"), (dict, list))
        and isinstance(entry.get("near"), dict)
    ):
        raise ValueError("not a cache entry")
    return Document(file, entry["data"], near=entry["near"], load=load)
