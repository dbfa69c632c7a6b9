"""The hostile-input corpus: every case, run through the CLI in a subprocess, gives located
errors, exit 1, no traceback, and leaves the site already published byte for byte as it was.

Each file of ``tests/fixtures/hostile/`` is a list of cases, each an edit of the minimal valid
catalog (``tests/fixtures/valid/minimal``) and the problems it must report (``file:line:col:
severity[code]``, in ``<file>.golden.yaml`` beside it). An edit is one of::

    {file: F, text: T}              write F (T a string, or a list of strings and
                                    {repeat: S, times: N} pieces)
    {file: F, replace: OLD, with: T}   replace the first OLD in F (it must be there)
    {file: F, append: T}            add T at the end of F
    {file: F, bytes: HEX}           write F as raw bytes
    {delete: F}                     remove a file or folder
    {mkdir: F}  {mkfifo: F}         make a folder, a FIFO
    {symlink: F, to: T}             make F a symbolic link to T

``CARE_CATALOG_UPDATE_GOLDEN=1`` rewrites the golden files from what the cases report.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

import engine
from engine.site import build

from .conftest import MINIMAL, ROOT
from .test_crash_safety import snapshot

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
DAY = "2026-11-22"
BUILD_DAY = dt.date(2026, 11, 22)
LOCATED = re.compile(r"^(catalog/[^:]*):(\d+):(\d+): (error|warning)\[([a-z0-9-]+)\]: \S")
REFUSAL = re.compile(
    r"^error: the catalog has \d+ error\(s\); run 'care-catalog validate catalog' for details$"
)


def case_files() -> list[Path]:
    return sorted(p for p in HOSTILE.glob("*.yaml") if not p.name.endswith(".golden.yaml"))


def cases() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for file in case_files():
        for case in yaml.safe_load(file.read_text()):
            found.append((file.stem, case))
    return found


def text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "".join(p if isinstance(p, str) else p["repeat"] * p["times"] for p in value)


def apply(catalog: Path, edit: dict[str, Any]) -> None:
    """Carry out one edit of a case on the catalog copy *catalog*."""
    if "delete" in edit:
        target = catalog / edit["delete"]
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
        return
    for kind in ("mkdir", "mkfifo", "symlink"):
        if kind in edit:
            target = catalog / edit[kind]
            target.parent.mkdir(parents=True, exist_ok=True)
            if kind == "mkdir":
                target.mkdir()
            elif kind == "mkfifo":
                os.mkfifo(target)
            else:
                target.symlink_to(edit["to"])
            return
    target = catalog / edit["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    if "bytes" in edit:
        target.write_bytes(bytes.fromhex(edit["bytes"]))
    elif "text" in edit:
        target.write_text(text_of(edit["text"]))
    elif "replace" in edit:
        before = target.read_text()
        assert edit["replace"] in before, f"{edit['replace']!r} is not in {edit['file']}"
        target.write_text(before.replace(edit["replace"], text_of(edit["with"]), 1))
    else:
        target.write_text(target.read_text() + text_of(edit["append"]))


def run_case(work: Path, site: Path, case: dict[str, Any]) -> dict[str, Any]:
    """Build the edited catalog over a copy of the published site; what the CLI did."""
    catalog = work / "catalog"
    shutil.copytree(MINIMAL, catalog, ignore=shutil.ignore_patterns(".cache"))
    shutil.copytree(site, work / "site")
    for edit in case["edit"]:
        apply(catalog, edit)
    command = [sys.executable, "-c", "from engine.cli import main; main()"]
    command += ["build", "catalog", "--out", "site", "--on", DAY]
    env = {k: v for k, v in os.environ.items() if k != "CARE_CATALOG"}
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=120)
    return {
        "code": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "site": snapshot(work / "site"),
    }


def located(stderr: str) -> list[str]:
    return [
        f"{m[1]}:{m[2]}:{m[3]}: {m[4]}[{m[5]}]"
        for line in stderr.splitlines()
        if (m := LOCATED.match(line))
    ]


def test_the_corpus_has_at_least_300_cases_with_unique_names() -> None:
    names = [f"{group}: {case['name']}" for group, case in cases()]
    assert len(names) >= 300
    assert len(names) == len(set(names))


def test_every_hostile_case_is_refused_with_located_errors_and_changes_nothing(
    tmp_path: Path,
) -> None:
    site = build(engine.load(MINIMAL, use_cache=False), tmp_path / "published", on=BUILD_DAY).path
    published = snapshot(site)
    everything = cases()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = [
            pool.submit(run_case, tmp_path / f"case-{index}", site, case)
            for index, (_, case) in enumerate(everything)
        ]
        results = [future.result() for future in futures]
    goldens: dict[str, dict[str, list[str]]] = {}
    failures = []
    for (group, case), result in zip(everything, results, strict=True):
        name = f"{group}: {case['name']}"
        lines = located(result["stderr"])
        goldens.setdefault(group, {})[case["name"]] = lines
        why = []
        if result["code"] != 1:
            why.append(f"exit {result['code']}")
        if "Traceback" in result["stderr"] + result["stdout"]:
            why.append("a traceback")
        for line in result["stderr"].splitlines():
            if not (LOCATED.match(line) or line.startswith("    hint: ") or REFUSAL.match(line)):
                why.append(f"an unlocated line: {line!r}")
        if not any(": error[" in line for line in lines):
            why.append("no located error")
        if result["site"] != published:
            why.append("the published site changed")
        if not os.environ.get("CARE_CATALOG_UPDATE_GOLDEN"):
            expected = _golden(group).get(case["name"])
            if lines != expected:
                why.append(f"reported {lines}, golden {expected}")
        if why:
            failures.append(
                f"{name}: " + "; ".join(why) + f"\n    stderr: {result['stderr'][:600]!r}"
            )
    if os.environ.get("CARE_CATALOG_UPDATE_GOLDEN"):
        for group, golden in goldens.items():
            (HOSTILE / f"{group}.golden.yaml").write_text(
                yaml.safe_dump(golden, sort_keys=False, width=200, allow_unicode=True)
            )
    assert failures == [], f"{len(failures)} of {len(everything)} cases failed:\n" + "\n".join(
        failures
    )


def _golden(group: str) -> dict[str, list[str]]:
    file = HOSTILE / f"{group}.golden.yaml"
    return yaml.safe_load(file.read_text()) if file.exists() else {}
