"""A cache of parsed, schema-valid documents keyed by the hash of their bytes.

An unchanged file is never parsed or validated twice: the entry is keyed by the file's content,
the schemas' fingerprint and the engine version. Entries are JSON (Decimals tagged), written
atomically, behind a digest of the entry's key and text. A cache is never trusted: a missing,
unreadable, truncated, foreign or edited entry (valid JSON of another shape included) fails the
digest or the shape check and is simply a miss, so the file is read and validated again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.read.document import Document

FORMAT = "3"


def cache_dir(catalog_root: Path) -> Path | None:
    """``.cache/`` beside the catalog when writable, else the user cache directory; None if neither."""
    local = catalog_root / ".cache"
    if os.access(catalog_root, os.W_OK) or (local.is_dir() and os.access(local, os.W_OK)):
        return local
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tag = hashlib.sha256(str(catalog_root.resolve()).encode()).hexdigest()[:12]
    target = base / "care-catalog" / tag
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return target


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

    def get(self, key: str, file: str) -> Document | None:
        """The cached document, or None."""
        if self.directory is None:
            return None
        try:
            text = (self.directory / f"{key}.json").read_text("utf-8")
            digest, _, payload = text.partition("\n")
            if digest != _digest(key, payload):
                raise ValueError("the entry does not match its digest")
            doc = _decode_document(payload, file)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        return doc

    def put(self, key: str, doc: Document) -> None:
        """Store *doc*; failures to write are ignored (the cache is only an accelerator)."""
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            payload = json.dumps(_encode_document(doc), separators=(",", ":"))
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


def _encode_document(doc: Document) -> dict[str, Any]:
    return {
        "data": _encode(doc.data),
        "positions": doc.positions,
        "keys": doc.key_positions,
        "lines": list(doc.lines),
    }


def _digest(key: str, payload: str) -> str:
    return hashlib.sha256(f"{key}\n{payload}".encode()).hexdigest()


def _decode_document(text: str, file: str) -> Document:
    entry = json.loads(text, object_hook=_decimal_hook)
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("data"), (dict, list))
        and isinstance(entry.get("positions"), dict)
        and isinstance(entry.get("keys"), dict)
        and isinstance(entry.get("lines"), list)
    ):
        raise ValueError("not a cache entry")
    return Document(file, entry["data"], entry["positions"], entry["keys"], tuple(entry["lines"]))
