"""A catalog folder as it was at a git revision, read with ``git archive``: no checkout needed."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path


class RevisionError(Exception):
    """The revision cannot be read (no git, not a repository, an unknown revision)."""


def _git(folder: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("git is not installed, so a revision cannot be read") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def catalog_at(revision: str, folder: Path, into: Path) -> Path:
    """The catalog at *folder* (inside a git work tree) as it was at *revision*, written under
    *into*; the path of its copy."""
    folder = folder.resolve()
    top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
    inside = folder.relative_to(top).as_posix()
    try:
        commit = _git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except RevisionError:
        raise RevisionError(f"no revision '{revision}' in {top}") from None
    data = _git(top, "archive", "--format=tar", commit.decode().strip(), "--", inside)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(into, filter="data")
    copy = into / inside
    if not copy.is_dir():
        raise RevisionError(f"{inside}/ does not exist at {revision}")
    return copy


def revision_label(revision: str, folder: Path) -> str:
    """*revision* with its short commit id and date: ``HEAD~1 (3f2a9c1, 2026-11-20)``."""
    line = _git(folder, "log", "-1", "--format=%h %cs", revision, "--").decode().strip()
    return f"{revision} ({line.replace(' ', ', ')})"


def git_log(folder: Path, *args: str) -> str | None:
    """``git log ARGS -- .`` in *folder*; None outside a git work tree or without git."""
    try:
        done = subprocess.run(
            ["git", "log", *args, "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    return done.stdout if done.returncode == 0 else None


def head(folder: Path) -> str | None:
    """The commit the catalog's history ends at, or None outside git (for build keys)."""
    text = git_log(folder, "-n1", "--format=%H")
    return text.strip() or None if text is not None else None
