"""How a path is shown, and where a catalog's cache lives, worked out with ``os.path`` alone so the fastest commands can
find it without importing ``pathlib``."""

from __future__ import annotations

import os


def shown(path: str) -> str:
    """*path* relative to the working directory when below it, else as given."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def cache_folder(catalog_root: str) -> str | None:
    """``.cache/`` beside the catalog when writable, else the user cache directory; None if neither."""
    local = os.path.join(catalog_root, ".cache")
    if os.access(catalog_root, os.W_OK) or (os.path.isdir(local) and os.access(local, os.W_OK)):
        return local
    import hashlib

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    tag = hashlib.sha256(os.path.realpath(catalog_root).encode()).hexdigest()[:12]
    target = os.path.join(base, "care-catalog", tag)
    try:
        os.makedirs(target, exist_ok=True)
    except OSError:
        return None
    return target
