"""What changed between two catalogs, value by value: folders and git revisions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine
from engine.catalog.changes import changes
from engine.cli import cli
from tests.conftest import ROOT
from tests.sitekit import git


def copy_of_shipped(target: Path) -> Path:
    shutil.copytree(ROOT / "catalog", target, ignore=shutil.ignore_patterns(".cache"))
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_one_changed_fee_is_the_one_change(tmp_path: Path) -> None:
    new = copy_of_shipped(tmp_path / "new")
    edit(new / "products" / "mini-3.yaml", "flyaway_fee: 1149", "flyaway_fee: 1099")
    found = changes(engine.load(ROOT / "catalog"), engine.load(new))
    assert len(found) == 1
    change = found[0]
    assert (change.product, change.plan, change.region, change.what) == (
        "mini-3",
        "care-refresh-1y",
        "pl",
        "flyaway fee",
    )
    assert (change.old, change.new) == (
        {"amount": "1149", "currency": "PLN"},
        {"amount": "1099", "currency": "PLN"},
    )
    assert (
        change.text()
        == "Mini 3, 1-Year, Poland: flyaway fee 1\u00a0149,00\u00a0zł → 1\u00a0099,00\u00a0zł"
    )
    assert change.source == "https://lemona.ee/en/dji-care-refresh-dji-mini-3-dji.html"
    code, out = run("changes", str(ROOT / "catalog"), str(new), "--json")
    assert code == 0
    assert [c["text"] for c in json.loads(out)["changes"]] == [change.text()]


def test_models_offers_flyaway_entries_terms_and_rules(tmp_path: Path) -> None:
    new = copy_of_shipped(tmp_path / "new")
    shutil.copy(new / "products" / "mini-3.yaml", new / "products" / "mini-9.yaml")
    edit(new / "products" / "mini-9.yaml", "id: mini-3", "id: mini-9")
    edit(new / "products" / "mini-9.yaml", "name: Mini 3", "name: Mini 9")
    (new / "products" / "avata-2.yaml").unlink()
    edit(new / "products" / "mavic-3.yaml", "name: Mavic 3", "name: Mavic 3 Classic")
    edit(new / "plans" / "care-refresh-2y.yaml", "replacements: 4", "replacements: 5")
    edit(
        new / "rules" / "care-refresh.yaml",
        "because: Every replacement",
        "because: Each replacement",
    )
    found = changes(engine.load(ROOT / "catalog"), engine.load(new))
    texts = [c.text() for c in found]
    assert any(t.startswith("Mini 9: model added") for t in texts)
    assert any(t.startswith("Avata 2: model removed") for t in texts)
    assert "Mavic 3 Classic: name Mavic 3 → Mavic 3 Classic" in texts
    terms = [c for c in found if c.plan == "care-refresh-2y" and c.what.startswith("terms of")]
    assert terms and "5 replacements" in (terms[0].new_text or "")
    rules = [c for c in found if "rule 'used-up'" in c.what]
    assert rules and all(
        c.kind == "changed" and "Each replacement" in (c.new_text or "") for c in rules
    )
    # Nothing else moved: every change is one of those edits.
    assert {c.product for c in found if c.product} == {"mini-9", "avata-2", "mavic-3"}


def test_git_revisions_are_read_without_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    copy_of_shipped(repo / "catalog")
    git(repo, "init", "-q")
    git(repo, "add", "catalog")
    git(repo, "commit", "-q", "-m", "catalog")
    edit(repo / "catalog" / "products" / "mini-3.yaml", "flyaway_fee: 1149", "flyaway_fee: 1099")
    git(repo, "commit", "-q", "-am", "a new flyaway fee")
    edit(repo / "catalog" / "products" / "mini-3.yaml", "flyaway_fee: 1099", "flyaway_fee: 999")
    monkeypatch.chdir(repo)
    code, out = run("changes", "HEAD~1", "HEAD")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("from HEAD~1 (") and lines[0].endswith(": 1 change(s)")
    assert lines[1:3] == [
        "Mini 3",
        "  1-Year, Poland (terms of 2023-07-13): flyaway fee 1\u00a0149,00\u00a0zł → 1\u00a0099,00\u00a0zł",
    ]
    # A revision against the working tree, which is a folder.
    code, out = run("changes", "HEAD", "catalog", "--json")
    assert [c["text"].split(": ")[1] for c in json.loads(out)["changes"]] == [
        "flyaway fee 1\u00a0099,00\u00a0zł → 999,00\u00a0zł"
    ]
    code, out = run("changes", "no-such-branch", "HEAD")
    assert code == 2 and "no revision 'no-such-branch'" in out
