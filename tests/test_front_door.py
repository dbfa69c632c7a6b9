"""What a new user meets first: the installed package, which catalog a command reads, the façade."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import engine

from .conftest import ROOT


def test_every_name_in_all_is_exported() -> None:
    missing = [name for name in engine.__all__ if not hasattr(engine, name)]
    assert missing == []
    namespace: dict[str, object] = {}
    exec("from engine import *", namespace)
    assert set(engine.__all__) <= set(namespace)
    assert engine.Decision.__name__ == "Decision" and engine.Policy.__name__ == "Policy"
    assert issubclass(engine.FactError, Exception)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this checkout while the catalog has a loader cache beside it."""
    engine.load(ROOT / "catalog")  # writes catalog/.cache/, which the wheel must leave out
    assert any((ROOT / "catalog" / ".cache").iterdir())
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("care_catalog-*.whl")
    return found


def test_the_wheel_ships_the_catalog_schemas_and_site_but_no_cache(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if "/.cache/" in n or "__pycache__" in n]
    shipped = sorted(
        f"engine/_data/catalog/{p.relative_to(ROOT / 'catalog').as_posix()}"
        for p in (ROOT / "catalog").rglob("*.yaml")
        if ".cache" not in p.parts
    )
    assert sorted(n for n in names if n.startswith("engine/_data/catalog/")) == shipped
    schemas = {p.name for p in (ROOT / "schema").glob("*.json")}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("engine/_data/schema/")} == schemas
    assert "engine/_data/site/templates/product.html" in names
    assert "engine/py.typed" in names


def _installed(wheel: Path, target: Path) -> dict[str, str]:
    """Install *wheel* alone into *target*; the environment that runs it from there."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return {**os.environ, "PYTHONPATH": str(target)}


def _care_catalog(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # -P: the working directory (a clone, with its own engine/) is not put on the import path,
    # so the installed copy runs, as the console script would.
    code = "from engine.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-P", "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_installed_copy_validates_the_clone_it_is_run_in(wheel: Path, tmp_path: Path) -> None:
    env = _installed(wheel, tmp_path / "site-packages")
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "catalog", clone / "catalog", ignore=shutil.ignore_patterns(".cache"))
    shutil.copytree(ROOT / "engine", clone / "engine")
    product = clone / "catalog" / "products" / "mini-3.yaml"
    product.write_text(product.read_text().replace("family: mini\n", "family: minni\n"))

    broken = _care_catalog(env, clone, "validate")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "catalog/products/mini-3.yaml:4:9: error[unknown-family]" in broken.stdout
    assert "in catalog/" in broken.stdout.splitlines()[-1]

    refused = _care_catalog(env, clone, "build", "--out", str(tmp_path / "site"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "run 'care-catalog validate catalog' for details" in refused.stderr
    assert not (tmp_path / "site").exists()

    elsewhere = _care_catalog(env, tmp_path, "validate")
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr
    last = elsewhere.stdout.splitlines()[-1]
    assert last.startswith("ok: checked 87 files in shipped (") and "site-packages" in last


def test_lookups_say_which_catalog_they_read(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from engine.cli import cli

    result = CliRunner().invoke(
        cli,
        [
            "--catalog",
            str(ROOT / "catalog"),
            "quote",
            "mavic-3",
            "care-refresh-1y",
            "--region",
            "us",
            "--on",
            "2022-06-01",
            "--json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["amount"] == "159"
    assert result.stderr == "catalog: catalog/\n"


@pytest.mark.parametrize("where", ["root", "elsewhere"])
def test_locations_are_named_from_the_catalog_folder_wherever_one_stands(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT if where == "root" else tmp_path)
    cat = engine.load(ROOT / "catalog")
    decision = cat.decide(
        "purchase",
        product="mavic-3",
        plan="care-refresh-1y",
        region="us",
        activated_at="2024-02-27T00:00",
        now="2024-02-29T12:00",
    )
    assert str(decision.location) == "catalog/rules/care-refresh.yaml:69"
    assert decision.to_json()["trace"][0]["location"] == "catalog/rules/care-refresh.yaml:9"
    assert str(cat.product("mini-3").offers[0].location).startswith("catalog/products/mini-3.yaml:")


def test_a_flyaway_before_the_first_dated_list_is_unknown_with_what_would_settle_it() -> None:
    cat = engine.load(ROOT / "catalog")
    decision = cat.decide(
        "claim",
        product="air-3",
        plan="care-refresh-1y",
        region="pl",
        policy_start="2024-01-01",
        incident="flyaway",
        incident_on="2024-03-01",
        replacements_used=0,
        flyaway_used=0,
        rc_bound=True,
    )
    assert decision.outcome == "unknown"
    assert "is not known" in decision.because and "would settle it" in decision.because
    assert decision.values["listed_by"].isoformat() == "2026-11-01"


def test_a_known_by_entry_leaves_the_days_before_it_unknown(minimal_copy: Path) -> None:
    product = minimal_copy / "products" / "mini-3.yaml"
    text = product.read_text()
    assert "  - from: 2021-01-27\n" in text
    product.write_text(
        text.replace(
            "  - from: 2021-01-27\n",
            "  - from: 2020-06-01\n    eligible: false\n    source: https://example.com/a\n"
            "  - known_by: 2021-01-27\n",
        )
    )
    mini = engine.load(minimal_copy).product("mini-3")
    assert mini.flyaway_eligible_on(dt.date(2020, 5, 31)) is False  # before every entry
    assert mini.flyaway_eligible_on(dt.date(2020, 6, 1)) is None  # may have changed already
    assert mini.flyaway_eligible_on(dt.date(2021, 1, 26)) is None
    assert mini.flyaway_unknown_until(dt.date(2021, 1, 26)) == dt.date(2021, 1, 27)
    assert mini.flyaway_eligible_on(dt.date(2021, 1, 27)) is True
    assert mini.flyaway_since_exact is False


def test_an_entry_with_both_from_and_known_by_is_one_located_error(minimal_copy: Path) -> None:
    product = minimal_copy / "products" / "mini-3.yaml"
    product.write_text(
        product.read_text().replace(
            "  - from: 2021-01-27\n", "  - from: 2021-01-27\n    known_by: 2021-02-01\n"
        )
    )
    report = engine.check(minimal_copy)
    assert [(p.code, p.line) for p in report.errors] == [("ambiguous", 5)]
    assert "needs exactly one of 'from', 'known_by' (found 2)" in report.errors[0].message


def test_importing_engine_loads_no_library_module_until_a_name_is_used() -> None:
    code = (
        "import sys, engine; before = sorted(m for m in sys.modules if m.startswith('engine.'));"
        "engine.load; print(before, 'engine.catalog.loader' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "['engine.core', 'engine.core.version'] True", result.stderr
    assert sorted(engine.__all__) == sorted([*engine._PUBLIC, "__version__"])
