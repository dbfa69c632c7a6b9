"""Finding a catalog's files: which kind each is, and every file or folder that is not one.

A catalog's product, family or plan is one regular ``.yaml`` file inside the catalog folder. So
that nothing drops out of a catalog unnoticed, anything else where such a file belongs is an
error: a missing required folder, a file where a folder belongs, a folder, FIFO or device where a
file belongs, a file not ending in ``.yaml``, a symbolic link that dangles, loops or leaves the
catalog folder, and a file larger than ``MAX_FILE_BYTES``. Hidden entries (``.cache/``, editors'
swap files) are passed over.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from engine.core.problems import Problem, Severity
from engine.read.limits import MAX_FILE_BYTES
from engine.read.places import shown

SINGLE_FILES = {
    "catalog.yaml": "catalog",
    "regions.yaml": "regions",
    "components.yaml": "components",
    "incidents.yaml": "incidents",
}
FOLDERS = {
    "families": "family",
    "products": "product",
    "plans": "plan",
    "rules": "rules",
    "cases": "cases",
}
# A catalog without these has nothing to publish; rules/ and cases/ may be absent.
REQUIRED_FOLDERS = ("families", "products", "plans")


def display_path(path: Path) -> str:
    """*path* relative to the working directory when below it, else absolute."""
    return shown(str(path))


def catalog_name(root: Path, file: Path) -> str:
    """*file* named from the catalog folder: ``catalog/products/mini-3.yaml``, wherever one stands."""
    return f"{root.resolve().name}/{file.relative_to(root).as_posix()}"


def _problem(path: Path, code: str, message: str, warning: bool = False) -> Problem:
    severity = Severity.WARNING if warning else Severity.ERROR
    return Problem(display_path(path), 1, 1, code, message, severity=severity)


def entry_problem(root: Path, path: Path, want_folder: bool = False) -> Problem | None:
    """Why *path* cannot be read as a catalog file (or folder), or None when it can."""
    what = "folder" if want_folder else "file"
    if path.is_symlink():
        target = os.path.realpath(path)
        try:
            os.stat(path)
        except OSError as exc:
            why = "loops" if exc.errno == 40 else "points nowhere"
            return _problem(path, "bad-link", f"this symbolic link {why}: no {what} is read")
        if not Path(target).is_relative_to(Path(os.path.realpath(root))):
            return _problem(
                path,
                "link-outside",
                f"this symbolic link leads outside the catalog folder (to {target}); "
                "catalog files must be inside it",
            )
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _problem(path, "unreadable", f"cannot read it: {exc.strerror}")
    if want_folder:
        if not stat.S_ISDIR(mode):
            return _problem(path, "not-a-folder", "a folder of catalog files belongs here")
        return None
    if stat.S_ISDIR(mode):
        return _problem(path, "not-a-file", "a folder where a catalog file belongs")
    if not stat.S_ISREG(mode):
        return _problem(path, "not-a-file", "not a regular file (a FIFO, socket or device)")
    if os.stat(path).st_size > MAX_FILE_BYTES:
        return _problem(path, "too-large", f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
    return None


def _listed_problem(root: Path, path: Path, item: os.DirEntry[str]) -> Problem | None:
    """``entry_problem`` for a listed entry: a plain file needs one ``lstat``, taken from the
    listing (a catalog folder holds thousands of files)."""
    if item.is_symlink():
        return entry_problem(root, path)
    try:
        status = item.stat(follow_symlinks=False)
    except OSError:
        return entry_problem(root, path)
    if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
        return entry_problem(root, path)
    return None


# What find_files found: (kind, path) of each file, the problems, the refused entries.
Listing = tuple[list[tuple[str, Path]], list[Problem], list[tuple[str, Path]]]


def find_files(root: Path) -> Listing:
    """Every catalog file under *root* with its kind; missing, stray and unreadable entries as
    problems; and the (kind, path) of each ``.yaml`` entry refused (``<folder>/*`` for a whole
    folder), so that its ids still count as existing and a broken file is reported once, not
    again wherever it is named."""
    found: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    refused: list[tuple[str, Path]] = []
    for name, kind in SINGLE_FILES.items():
        path = root / name
        if not path.exists() and not path.is_symlink():
            problems.append(_problem(path, "missing-file", f"the catalog needs {name}"))
        elif (problem := entry_problem(root, path)) is not None:
            problems.append(problem)
        else:
            found.append((kind, path))
    for folder, kind in FOLDERS.items():
        path = root / folder
        if not path.exists() and not path.is_symlink():
            if folder in REQUIRED_FOLDERS:
                problems.append(
                    _problem(path, "missing-folder", f"the catalog needs a {folder}/ folder")
                )
                refused.append((kind, path / "*"))
            continue
        if (problem := entry_problem(root, path, want_folder=True)) is not None:
            problems.append(problem)
            refused.append((kind, path / "*"))
            continue
        before = len(found) + len(refused)
        with os.scandir(path) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for item in entries:
            if item.name.startswith("."):
                continue
            entry = path / item.name
            if entry.suffix != ".yaml":
                problems.append(
                    _problem(
                        entry,
                        "stray-file",
                        f"'{entry.name}' is not a catalog file: files in {folder}/ end in .yaml",
                    )
                )
            elif (problem := _listed_problem(root, entry, item)) is not None:
                problems.append(problem)
                refused.append((kind, entry))
            else:
                found.append((kind, entry))
        if folder in REQUIRED_FOLDERS and len(found) + len(refused) == before:
            problems.append(
                _problem(
                    path, "empty-folder", f"{folder}/ holds no catalog file: nothing to publish"
                )
            )
    for path in sorted(root.glob("*.y*ml")):
        if path.name not in SINGLE_FILES:
            problems.append(
                _problem(
                    path,
                    "stray-file",
                    f"'{path.name}' is not a catalog file; it is ignored",
                    warning=True,
                )
            )
    return found, problems, refused
