"""The browser the site tests share: Chromium through Playwright, the built site served on
127.0.0.1, and a page visit that records everything that went wrong on the way.

A pytest plugin (``tests/conftest.py`` loads it): its fixtures serve every test module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.catalog.lookups import Catalog
from engine.site.builder import BuildResult, build
from tests.sitekit import BUILD_DAY, missing, served

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, launched headless through Playwright."""
    if not CHROMIUM.exists():
        missing("Chromium", "install it with 'apt-get install -y chromium'")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright", "install the test extra: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(
    shipped: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, BuildResult]]:
    """The shipped catalog's site, served on 127.0.0.1."""
    result = build(shipped, tmp_path_factory.mktemp("browser") / "_site", on=BUILD_DAY)
    with served(result.path) as url:
        yield url, result


class Visit:
    """A page opened in a fresh context, with everything that went wrong on the way."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int], **options: Any):
        self.base = base
        self.problems: list[str] = []
        self.context = browser.new_context(viewport=viewport, **options)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on(
            "dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss())
        )

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.base, "data:")):
            route.continue_()
        else:
            self.problems.append(f"request left the site: {url}")
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def open(self, path: str, status: int = 200) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        if response is None or response.status != status:
            self.problems.append(f"{path}: status {response.status if response else None}")
        if status == 404:  # the browser reports the missing document itself as an error
            self.problems = [p for p in self.problems if "status of 404" not in p]
        return response

    def close(self) -> None:
        self.context.close()
