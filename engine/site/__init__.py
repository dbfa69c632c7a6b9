"""The static website: view data of every page, rendering, the JSON API, atomic publishing and
the preview server.

Built on ``engine.catalog``; the CLI is the only thing above it. The names below are imported on
first use, so a module of the package (the build manifest, say) comes without Jinja2.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from engine.site.builder import BuildResult, build
    from engine.site.incremental import build_day

_PUBLIC = {
    "BuildResult": "engine.site.builder",
    "build": "engine.site.builder",
    "build_day": "engine.site.incremental",
}


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'engine.site' has no attribute {name!r}")


__all__ = ["BuildResult", "build", "build_day"]
