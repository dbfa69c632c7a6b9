"""Publishing a folder atomically: written aside, unchanged files reused, then swapped in.

A build writes every file into a staging folder beside the target. A file whose bytes equal the
published one is hard-linked from it instead of rewritten (its inode and modification time stay,
so a sync or a web server sees only real changes). ``commit`` swaps the staging folder in with one
``renameat2(RENAME_EXCHANGE)`` where the kernel has it (Linux), else with two renames; ``abort``
(or any failure before ``commit``) removes the staging folder and leaves the published one as it
was. A folder is only ever replaced when a previous build marked it as its own.

Builds into one folder take turns: each holds a lock (``.<name>.lock`` beside the folder) from
start to commit, so two concurrent builds end with one complete site, the last one's. A build
killed on the way (even after the swap) leaves its staging folder behind; the next build, holding
the lock, removes every such leftover first. Nothing temporary is ever written inside the
published folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MARKER = ".care-catalog-site"


class PublishError(Exception):
    """The target folder cannot be replaced (it holds something else, or cannot be written)."""


@dataclass(frozen=True)
class Published:
    """What a commit did: files in the new folder, how many were new or changed, how many removed."""

    path: Path
    files: int
    changed: tuple[str, ...]
    removed: tuple[str, ...]


class Publisher:
    """Collects a folder's files aside; ``commit()`` swaps it in, ``abort()`` drops it."""

    def __init__(self, target: Path):
        self.target = target.absolute()
        if self.target.exists() and not _replaceable(self.target):
            raise PublishError(
                f"{target} exists and was not built by care-catalog; "
                "choose an empty or new folder with --out"
            )
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(
            self.target.parent / f".{self.target.name}.lock", os.O_RDWR | os.O_CREAT
        )
        fcntl.flock(self._lock, fcntl.LOCK_EX)  # another build into this folder finishes first
        if self.target.exists() and not _replaceable(self.target):
            self._unlock()
            raise PublishError(
                f"{target} exists and was not built by care-catalog; "
                "choose an empty or new folder with --out"
            )
        for leftover in self.target.parent.glob(f".{self.target.name}.building-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # of builds killed on the way
        self.staging = self.target.parent / f".{self.target.name}.building-{os.getpid()}"
        self.staging.mkdir()
        self.manifest = self.target.parent / f".{self.target.name}.manifest.json"
        self._files: dict[str, None] = {}  # in the order written, each once
        self._changed: list[str] = []
        self.sizes: dict[str, int] = {}
        # Plain strings for the file-by-file work: a site has tens of thousands of files.
        self._new, self._old = str(self.staging), str(self.target)
        self._folders: set[str] = set()
        self._cloning: subprocess.Popen[bytes] | None = None
        self._present: set[str] | None = None  # the files of the clone, once it is made
        self._spare = self.target.parent / f".{self.target.name}.spare"
        self._spare_record = self.target.parent / f".{self.target.name}.spare.json"

    def clone(self) -> None:
        """Start the new folder as hard links to every published file, so that keeping a file
        costs no call of its own; files not kept or written are taken out before the swap.

        The folder the last build swapped out (``.<name>.spare``, one generation behind) is
        brought up to date with the files that build changed, when it is that build's; else
        ``cp -al`` copies the published folder in a process beside this one (on Linux)."""
        if self._reuse_spare():
            return
        if not (sys.platform.startswith("linux") and self.target.is_dir() and shutil.which("cp")):
            return
        self._cloning = subprocess.Popen(
            ["cp", "-al", "--", os.path.join(self._old, "."), self._new],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _reuse_spare(self) -> bool:
        spare, record = self._spare, self._spare_record
        try:
            info = json.loads(record.read_text("utf-8"))
            record.unlink()
        except (OSError, ValueError):
            info = None
        if not spare.is_dir():
            return False
        try:
            if not (
                isinstance(info, dict)
                and info.get("marker") == _identity(self.target / MARKER)
                and isinstance(info.get("changed"), list)
                and isinstance(info.get("removed"), list)
            ):
                raise OSError("not the published folder's spare")
            self.staging.rmdir()
            os.rename(spare, self.staging)
            for relative in info["removed"] + info["changed"]:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self._new, relative))
            for relative in info["changed"]:
                os.makedirs(os.path.dirname(os.path.join(self._new, relative)), exist_ok=True)
                os.link(os.path.join(self._old, relative), os.path.join(self._new, relative))
        except OSError:
            shutil.rmtree(spare, ignore_errors=True)
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging.mkdir()
            return False
        self._present = set(_files_under(self.staging))
        return True

    def _settle(self) -> set[str] | None:
        """Wait for the clone; the files it holds (None: no clone, or it failed and is gone)."""
        if self._cloning is not None:
            done, self._cloning = self._cloning.wait(), None
            if done == 0:
                self._present = set(_files_under(self.staging))
            else:
                shutil.rmtree(self.staging, ignore_errors=True)
                self.staging.mkdir()
        return self._present

    def write(self, relative: str, data: bytes) -> None:
        """Put *data* at *relative* (a ``/``-separated path) in the new folder."""
        if relative.startswith("/") or ".." in relative.split("/"):
            raise ValueError(f"not a path inside the site: {relative!r}")
        present = self._settle()
        destination = self._place(relative)
        previous = os.path.join(self._old, relative)
        self._files[relative] = None
        self.sizes[relative] = len(data)
        if present is None or relative in present:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(destination)  # a link: its inode is the published file's
        try:
            same_size = os.stat(previous).st_size == len(data) and os.path.isfile(previous)
        except OSError:
            same_size = False
        if same_size:
            with open(previous, "rb") as handle:
                same = handle.read() == data
            if same:
                try:
                    os.link(previous, destination)
                except OSError:
                    shutil.copy2(previous, destination)
                return
        self._changed.append(relative)
        with open(destination, "wb") as handle:
            handle.write(data)

    def keep(self, relative: str, size: int | None = None) -> bool:
        """Put the published file at *relative* in the new folder unread; False if there is none.

        *size*: its size, as the last build recorded it (else it is read from the file)."""
        present = self._settle()
        if present is not None and isinstance(size, int):
            if relative not in present:
                return False
            self._files[relative] = None
            self.sizes[relative] = size
            return True
        destination = self._place(relative)
        previous = os.path.join(self._old, relative)
        try:
            os.link(previous, destination)
            if not isinstance(size, int):
                size = os.stat(destination).st_size
        except OSError:
            return False
        self._files[relative] = None
        self.sizes[relative] = size
        return True

    def _place(self, relative: str) -> str:
        """The path of *relative* in the new folder, its folder made (once per folder)."""
        folder, _, _ = relative.rpartition("/")
        if folder not in self._folders:
            os.makedirs(os.path.join(self._new, folder), exist_ok=True)
            self._folders.add(folder)
        return os.path.join(self._new, relative)

    def commit(
        self, manifest: bytes | None = None, published: Iterable[str] | None = None
    ) -> Published:
        """Swap the new folder in and remove the old one; *manifest* is written beside it.

        The old manifest goes first and the new one comes after the swap, so a manifest never
        describes another folder than the one in place (a build killed between the two leaves
        none, and the next build renders everything). *published*: the files of the published
        folder, as the last build's manifest lists them (else the folder is walked), to tell
        which are removed.
        """
        present = self._settle()
        if present is not None:  # what the clone holds beyond this build's files goes
            emptied = set()
            for extra in sorted(present - self._files.keys()):
                os.unlink(os.path.join(self._new, extra))
                emptied.add(extra.rpartition("/")[0])
            _prune(self._new, emptied)
        (self.staging / MARKER).write_bytes(
            b"built by care-catalog; replaced whole by each build\n"
        )
        if published is not None:
            old_files = set(published)
        else:
            old_files = set(_files_under(self.target)) if self.target.exists() else set()
        removed = tuple(sorted(old_files - set(self._files) - {MARKER}))
        try:
            self.manifest.unlink(missing_ok=True)
            swapped = self.target.exists()
            if swapped:
                _exchange(self.staging, self.target)
            else:
                os.rename(self.staging, self.target)
            if manifest is not None:
                aside = self.manifest.with_name(self.manifest.name + f".{os.getpid()}")
                aside.write_bytes(manifest)
                os.replace(aside, self.manifest)
            if swapped:
                self._keep_spare(self._changed, removed)
        finally:
            self._unlock()
        return Published(self.target, len(self._files), tuple(self._changed), removed)

    def _keep_spare(self, changed: list[str], removed: tuple[str, ...]) -> None:
        """Keep the folder swapped out (now at the staging path) as the next build's start,
        with what it lacks of the published one; removed instead when that is much."""
        if len(changed) + len(removed) > max(16, len(self._files) // 8):
            shutil.rmtree(self.staging, ignore_errors=True)  # cheaper to clone anew
            return
        shutil.rmtree(self._spare, ignore_errors=True)
        os.rename(self.staging, self._spare)
        info = {
            "marker": _identity(self.target / MARKER),
            "changed": changed,
            "removed": list(removed),
        }
        aside = self._spare_record.with_name(f"{self._spare_record.name}.{os.getpid()}")
        aside.write_text(json.dumps(info), "utf-8")
        os.replace(aside, self._spare_record)

    def abort(self) -> None:
        """Drop everything written; the published folder is untouched."""
        if self._cloning is not None:
            self._cloning.kill()
            self._cloning.wait()
            self._cloning = None
        shutil.rmtree(self.staging, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock >= 0:
            os.close(self._lock)  # closing releases the lock
            self._lock = -1


def _identity(path: Path) -> list[int] | None:
    """Which file *path* is (inode, size, time): a site's marker names its generation."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_ino, status.st_size, status.st_mtime_ns]


def _replaceable(folder: Path) -> bool:
    return folder.is_dir() and ((folder / MARKER).is_file() or not any(folder.iterdir()))


def _files_under(folder: Path) -> list[str]:
    """The files below *folder*, as ``/``-separated relative paths (from the listings' types:
    no call per file)."""
    found: list[str] = []
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.append(prefix + entry.name)
    return found


def _prune(root: str, folders: Iterable[str]) -> None:
    """Remove those of *folders* (below *root*) left empty, and their parents left empty."""
    for folder in sorted(folders, key=len, reverse=True):
        while folder:
            try:
                os.rmdir(os.path.join(root, folder))
            except OSError:
                break  # not empty
            folder = folder.rpartition("/")[0]


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(new: Path, old: Path) -> None:
    """Atomically exchange two folders where the kernel can; else rename the old one aside first."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = None
    if libc_name:
        with contextlib.suppress(OSError, AttributeError):
            renameat2 = ctypes.CDLL(libc_name, use_errno=True).renameat2
    if renameat2 is not None:
        result = renameat2(
            _AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(old), _RENAME_EXCHANGE
        )
        if result == 0:
            return
    aside = new.with_name(new.name + ".old")
    os.rename(old, aside)
    os.rename(new, old)
    os.rename(aside, new)
