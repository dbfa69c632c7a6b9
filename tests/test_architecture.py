"""The architecture as the folders show it: layered subpackages, imports only downward."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

LAYERS = ["cli", "site", "catalog", "model", "validate", "rules", "read", "core"]


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts of pyproject.toml, checked on the engine/ under *root*."""
    command = [
        sys.executable,
        "-c",
        "from importlinter.cli import lint_imports_command; lint_imports_command()",
    ]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_imports_run_only_downward() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "engine", tmp_path / "engine", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    money = tmp_path / "engine" / "core" / "money.py"
    money.write_text(
        money.read_text() + "\nfrom engine.site.presentation import web_link  # noqa\n"
    )
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "engine.core is not allowed to import engine.site" in result.stdout
    assert "engine.core.money -> engine.site.presentation" in result.stdout


def test_the_lookup_path_imports_neither_jinja2_nor_jsonschema() -> None:
    code = "import sys, engine; engine.load(); print(sorted(m for m in ('jinja2', 'jsonschema') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_the_layers_are_the_subpackages_and_the_readme_shows_them() -> None:
    packages = sorted(p.name for p in (ROOT / "engine").iterdir() if (p / "__init__.py").is_file())
    assert packages == sorted(LAYERS)
    config = (ROOT / "pyproject.toml").read_text()
    assert f"layers = {LAYERS!r}".replace("'", '"') in config
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Architecture") :]
    section = section.split("\n## ", 1)[0]
    for layer in LAYERS:
        assert re.search(rf"^engine/{layer}/\s", section, re.M), (
            f"README Architecture lacks {layer}"
        )
        for module in (ROOT / "engine" / layer).rglob("*.py"):
            if module.name != "__init__.py":
                assert module.stem in section, (
                    f"README Architecture lacks {module.relative_to(ROOT)}"
                )


def test_no_module_is_over_360_lines() -> None:
    sizes = {
        str(m.relative_to(ROOT)): len(m.read_text().splitlines())
        for m in (ROOT / "engine").rglob("*.py")
    }
    assert {m: n for m, n in sizes.items() if n > 360} == {}
