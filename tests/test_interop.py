"""Third-party tools agree with us: ajv-cli (strict) on the schemas and every catalog file,
Redocly's recommended rules on the OpenAPI document, and the sitemap protocol.

The tools come from npm (``npm install --prefix .tools ajv-cli ajv-formats @redocly/cli``, as
``.ci/run`` does); without them these tests are skipped, and fail where
CARE_CATALOG_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import engine
from engine.read.files import FOLDERS, SINGLE_FILES
from engine.read.reader import read_bytes
from engine.site.builder import build
from engine.validate.schemas import KINDS
from tests.sitekit import BUILD_DAY, missing

from .conftest import ROOT

BIN = ROOT / ".tools" / "node_modules" / ".bin"
SCHEMAS = sorted((ROOT / "schema").glob("*.schema.json"))
QUIET = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


def tool(name: str) -> Path:
    path = BIN / name
    if not path.is_file():
        missing(
            name, "install it with 'npm install --prefix .tools ajv-cli ajv-formats @redocly/cli'"
        )
    return path


def ajv(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(tool("ajv")), *args, "--spec=draft2020", "--strict=true", "-c", "ajv-formats"],
        capture_output=True,
        text=True,
        cwd=ROOT / ".tools",  # where ajv-formats is installed
        timeout=120,
    )


def others(schema: Path, folder: Path) -> list[str]:
    """``-r`` options for every schema of *folder* but *schema*: what its ``$ref``s may name."""
    return [
        arg
        for s in sorted(folder.glob("*.schema.json"))
        if s.name != schema.name
        for arg in ("-r", str(s))
    ]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s.name for s in SCHEMAS])
def test_ajv_compiles_every_schema_in_strict_mode(schema: Path) -> None:
    run = ajv("compile", "-s", str(schema), *others(schema, schema.parent))
    assert run.returncode == 0, run.stdout + run.stderr


def as_json(path: Path, target: Path) -> Path:
    """The catalog file at *path* as JSON, read by our reader (YAML 1.2: dates stay strings)."""
    doc, problems = read_bytes(str(path), path.read_bytes())
    assert doc is not None, problems
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(doc.data, default=lambda d: float(d) if isinstance(d, Decimal) else d)
    )
    return target


def kind_files(root: Path) -> dict[str, list[Path]]:
    kinds: dict[str, list[Path]] = {}
    for name, kind in SINGLE_FILES.items():
        kinds.setdefault(kind, []).append(root / name)
    for folder, kind in FOLDERS.items():
        kinds.setdefault(kind, []).extend(sorted((root / folder).glob("*.yaml")))
    return kinds


def test_ajv_accepts_every_file_of_the_shipped_catalog(tmp_path: Path) -> None:
    for kind, files in kind_files(ROOT / "catalog").items():
        schema = ROOT / "schema" / KINDS[kind]
        data = [as_json(f, tmp_path / kind / f"{f.stem}.json") for f in files]
        run = ajv(
            "validate",
            "-s",
            str(schema),
            *others(schema, schema.parent),
            *(a for d in data for a in ("-d", str(d))),
        )
        assert run.returncode == 0, (kind, run.stdout + run.stderr)
        assert (run.stdout + run.stderr).count(" valid\n") == len(files)


def test_ajv_rejects_what_we_reject(tmp_path: Path) -> None:
    product = ROOT / "catalog" / "products" / "mavic-3.yaml"
    text = product.read_text().replace("family: mavic-3", "family: mavic-3\nfamlily: typo", 1)
    broken = tmp_path / "catalog" / "products" / "mavic-3.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text)
    doc, _ = read_bytes(str(broken), broken.read_bytes())
    assert doc is not None
    assert engine.check(ROOT / "catalog").errors == []
    schema = ROOT / "schema" / "product.schema.json"
    data = as_json(broken, tmp_path / "mavic-3.json")
    run = ajv("validate", "-s", str(schema), *others(schema, schema.parent), "-d", str(data))
    assert run.returncode != 0 and "famlily" in run.stdout + run.stderr


def test_the_served_schemas_carry_their_address_and_still_compile(
    shipped: engine.Catalog, tmp_path: Path
) -> None:
    site = build(
        shipped, tmp_path / "_site", base_url="https://plans.example/care/", on=BUILD_DAY
    ).path
    served = sorted((site / "schema").glob("*.schema.json"))
    assert len(served) == len(SCHEMAS)
    for schema in served:
        assert (
            json.loads(schema.read_text())["$id"]
            == f"https://plans.example/care/schema/{schema.name}"
        )
    product = site / "schema" / "product.schema.json"
    run = ajv("compile", "-s", str(product), *others(product, product.parent))
    assert run.returncode == 0, run.stdout + run.stderr


def test_redocly_lint_passes_the_recommended_rules() -> None:
    run = subprocess.run(
        [
            str(tool("redocly")),
            "lint",
            "--extends=recommended",
            "--format=stylish",
            str(ROOT / "site" / "api" / "openapi.json"),
        ],
        capture_output=True,
        text=True,
        env=QUIET,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in run.stdout.lower(), run.stdout


def test_the_sitemap_is_the_protocols(shipped: engine.Catalog, tmp_path: Path) -> None:
    site = build(
        shipped, tmp_path / "_site", base_url="https://plans.example/care/", on=BUILD_DAY
    ).path
    tree = ET.parse(site / "sitemap.xml")
    space = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [loc.text or "" for loc in tree.getroot().iter(f"{space}loc")]
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert len(locs) == len(pages) == len(set(locs))
    for loc in locs:
        parts = urlsplit(loc)
        assert (parts.scheme, parts.netloc) == ("https", "plans.example"), loc
        assert parts.path.removeprefix("/care/") in pages
