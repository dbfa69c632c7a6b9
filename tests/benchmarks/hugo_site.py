"""The same product pages as a Hugo site, for timing Hugo on equivalent work.

Each product's page view (``SiteViews.product``: every field our product page prints) becomes a
content file with JSON front matter, and ``hugo/layouts`` is our ``product.html`` and
``base.html`` written as Go templates: the same markup from the same fields. With
``documents=True`` each product also gets the other two files our build writes for it, from
the same data: its JSON API document (``single.json``) and its Atom feed (``single.atom.xml``).
Hugo gets all of it precomputed; our build computes it from the catalog, so the comparison
favours Hugo. Hugo is Debian's package (``apt-get install -y hugo``); nothing is downloaded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from engine.catalog.lookups import Catalog
from engine.site import api
from engine.site.views import SiteViews

LAYOUTS = Path(__file__).with_name("hugo") / "layouts"


def hugo() -> str | None:
    """The Hugo binary, or None when it is not installed."""
    return shutil.which("hugo")


def write_site(catalog: Catalog, views: SiteViews, root: Path, *, documents: bool = False) -> Path:
    """A Hugo project under *root* with one page per product of *catalog* (and, with
    *documents*, its API document and feed)."""
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
    if documents:
        config["outputs"] = {"page": ["HTML", "JSON", "Atom"]}
        config["mediaTypes"] = {"application/atom+xml": {"suffixes": ["xml"]}}
        config["outputFormats"] = {
            "Atom": {"mediaType": "application/atom+xml", "rel": "alternate"}
        }
    (root / "config.json").write_text(json.dumps(config))
    content = root / "content" / "products"
    content.mkdir(parents=True)
    for product in catalog.products():
        front = {"title": product.name, **views.product(product)}
        if documents:
            front["api"] = api.product_doc(catalog, views.model, product.id, views.on)
            front["feed"] = views.feed(product.id)
        (content / f"{product.id}.md").write_text(
            json.dumps(front, ensure_ascii=False, default=str) + "\n"
        )
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
