"""The static website: view data of every page, rendering, the JSON API, atomic publishing and
the preview server.

Built on ``engine.catalog``; the CLI is the only thing above it.
"""

from engine.site.build import BuildResult, build, build_day

__all__ = ["BuildResult", "build", "build_day"]
