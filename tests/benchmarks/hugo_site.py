"""The same product pages as a Hugo site, for timing Hugo on equivalent work.

Each product's page view (``SiteViews.product``: every field our product page prints) becomes a
content file with JSON front matter, and ``hugo/layouts`` is our ``product.html`` and
``base.html`` written as Go templates: the same markup from the same fields. Hugo gets the view
data precomputed; our build computes it from the catalog, so the comparison favours Hugo. Hugo
is Debian's package (``apt-get install -y hugo``); nothing is downloaded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from engine.catalog.lookups import Catalog
from engine.site.views import SiteViews

LAYOUTS = Path(__file__).with_name("hugo") / "layouts"


def hugo() -> str | None:
    """The Hugo binary, or None when it is not installed."""
    return shutil.which("hugo")


def write_site(catalog: Catalog, views: SiteViews, root: Path) -> Path:
    """A Hugo project under *root* with one page per product of *catalog*."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(LAYOUTS, root / "layouts")
    common = views.common()
    config = {
        "title": catalog.title,
        "disableKinds": [
            "taxonomy",
            "term",
            "RSS",
            "sitemap",
            "home",
            "section",
            "404",
            "robotsTXT",
        ],
        "uglyURLs": True,
        "params": {
            "catalog": common["catalog"],
            "on": common["on"],
            "nav_plans": common["nav_plans"],
        },
    }
    (root / "config.json").write_text(json.dumps(config))
    content = root / "content" / "products"
    content.mkdir(parents=True)
    for product in catalog.products():
        front = {"title": product.name, **views.product(product)}
        (content / f"{product.id}.md").write_text(json.dumps(front, ensure_ascii=False) + "\n")
    return root


def build_seconds(root: Path, out: Path) -> float:
    """Wall time of one ``hugo`` build of *root* into *out*."""
    binary = hugo()
    assert binary is not None
    started = time.perf_counter()
    subprocess.run(
        [binary, "--quiet", "--source", str(root), "--destination", str(out)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started
