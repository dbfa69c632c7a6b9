"""Helpers shared by the site tests: a fixed build day, a hostile catalog, a local server."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine.site.serve import make_server

BUILD_DAY = dt.date(2026, 11, 22)
ROOT = Path(__file__).parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "valid" / "minimal"
SCRIPT = "<script>window.__pwned = 1</script>"
IMAGE = '<img src="x" onerror="window.__pwned = 2">'


def missing(tool: str, hint: str) -> None:
    """Skip for a developer without *tool*; fail where CARE_CATALOG_REQUIRE_BROWSER=1 (CI)."""
    message = f"{tool} is not available: {hint}"
    if os.environ.get("CARE_CATALOG_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (required: CARE_CATALOG_REQUIRE_BROWSER=1)")
    pytest.skip(message)


def hostile_catalog(target: Path) -> Path:
    """A copy of the minimal catalog whose text fields hold markup and javascript: URLs."""
    shutil.copytree(MINIMAL, target, ignore=shutil.ignore_patterns(".cache"))
    catalog = target / "catalog.yaml"
    catalog.write_text(
        catalog.read_text().replace("title: Test plans", f"title: 'Plans {SCRIPT}'")
        + f"description: 'About {IMAGE}'\nsite:\n  tagline: '\"><script>alert(1)</script>'\n"
    )
    product = target / "products" / "mini-3.yaml"
    text = product.read_text()
    text = text.replace("name: Mini 3", f"name: 'Mini 3 {SCRIPT}'\ndescription: '{IMAGE}'")
    text = text.replace(
        "source: https://example.org/mini-3\n",
        "source: 'javascript:window.__pwned=3'\n    note: '</td></tr></table>" + SCRIPT + "'\n",
    )
    text = text.replace(
        "source: https://example.org/flyaway-list",
        "source: ' JaVaScRiPt:window.__pwned=4'",
    )
    product.write_text(text)
    return target


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve *folder* on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    server = make_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def git(repo: Path, *args: str) -> None:
    """Run git in *repo* as an editor would (a name and an address for commits)."""
    subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )
