"""The pre-commit hook a catalog repository uses: it accepts the shipped catalog and rejects a
broken one with located errors (``pre-commit try-repo`` against this repository)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.sitekit import git


def try_repo(repo: Path) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    return subprocess.run(
        [str(pre_commit), "try-repo", str(ROOT), "care-catalog-validate", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_hook_accepts_the_shipped_catalog_and_rejects_a_broken_one(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("pre-commit try-repo needs this project as a git repository")
    repo = tmp_path / "catalog-repo"
    shutil.copytree(ROOT / "catalog", repo / "catalog", ignore=shutil.ignore_patterns(".cache"))
    git(repo, "init", "-q")
    git(repo, "add", "catalog")
    git(repo, "commit", "-q", "-m", "the catalog")
    good = try_repo(repo)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "care-catalog validate" in good.stdout and "Passed" in good.stdout
    product = repo / "catalog" / "products" / "mini-3.yaml"
    product.write_text(product.read_text().replace("\nname: Mini 3\n", "\nnmae: Mini 3\n", 1))
    bad = try_repo(repo)
    assert bad.returncode != 0
    assert "catalog/products/mini-3.yaml:3:1: error[unknown-key]: unknown key 'nmae'" in bad.stdout
