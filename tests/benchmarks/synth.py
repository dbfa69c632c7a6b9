"""Synthetic catalogs of any size, built from the shipped catalog's plans and vocabularies."""

from __future__ import annotations

import shutil
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[2] / "catalog"
REGIONS = ["us", "pl", "de", "fr", "jp", "gb", "cz", "nz"]
# Half a unit where the region's currency has minor units (the yen has none).
CENTS = {region: "" if region == "jp" else ".50" for region in REGIONS}


def product_yaml(index: int) -> str:
    """One ~6 KB product file with 24 offers across plans, regions and terms versions."""
    lines = [
        "# yaml-language-server: $schema=../../schema/product.schema.json",
        f"id: synthetic-{index:05d}",
        f"name: Synthetic {index}",
        "family: mini",
        "description: A generated model for measuring the pipeline at scale.",
        "flyaway:",
        "  - from: 2021-01-27",
        "    eligible: true",
        "    source: https://example.org/flyaway",
        "offers:",
    ]
    for n, region in enumerate(REGIONS):
        base = 100 + (index * 7 + n * 13) % 400
        lines += [
            "  - plan: care-refresh-1y",
            f"    region: {region}",
            "    terms: 2020-01-01",
            f"    price: {base + 50}",
            f"    fees: [{base}, {base + 40}]",
            f"    flyaway_fee: {base * 3}",
            "    seller: Example retailer",
            f"    source: https://example.org/{index}/{region}/1y-2020",
            '    checked: "~2022"',
            "    note: Generated escalating fees under the older terms.",
            "  - plan: care-refresh-1y",
            f"    region: {region}",
            "    terms: 2023-07-13",
            f"    fee_each: {base}{CENTS[region]}",
            "    seller: Example retailer",
            f"    source: https://example.org/{index}/{region}/1y-2023",
            '    checked: "2024"',
            "  - plan: care-refresh-2y",
            f"    region: {region}",
            "    terms: 2023-07-13",
            f"    price: {base + 120}",
            f"    fees: [{base}, {base}, {base + 10}, {base + 20}]",
            "    seller: Example retailer",
            f"    source: https://example.org/{index}/{region}/2y-2023",
            '    checked: "2024-03"',
        ]
    return "\n".join(lines) + "\n"


def make_catalog(root: Path, products: int) -> Path:
    """A valid catalog under *root* with *products* synthetic product files."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(SHIPPED, root, ignore=shutil.ignore_patterns(".cache", "products", "cases"))
    (root / "products").mkdir()
    for index in range(products):
        (root / "products" / f"synthetic-{index:05d}.yaml").write_text(product_yaml(index))
    return root
