"""The pipeline: find files → read → validate → lint → build the frozen Catalog.

Every stage collects all its problems; a catalog with an error never yields a Catalog.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog.linker import build_catalog
from engine.catalog.lookups import Catalog
from engine.core.bulk import bulk
from engine.core.problems import CatalogError, Problem, Severity
from engine.core.resources import data_dir
from engine.core.version import __version__
from engine.read.cache import DocumentCache, cache_dir
from engine.read.document import Document
from engine.read.files import Listing, display_path, find_files
from engine.read.reader import read_bytes
from engine.read.sources import Sources
from engine.validate.lints import run_lints
from engine.validate.schemas import SchemaSet


@dataclass
class Report:
    """What checking a catalog found: every problem, what was checked, and the Catalog if usable."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    cases: int = 0
    catalog: Catalog | None = None
    cache_hits: int = 0
    inputs: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity error."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems of severity warning."""
        return [p for p in self.problems if p.severity is Severity.WARNING]


def check(
    path: str | Path | None = None,
    *,
    use_cache: bool = True,
    products: Collection[str] | None = None,
    listing: Listing | None = None,
) -> Report:
    """Read, validate and lint the catalog at *path* (default: the shipped one); never raises CatalogError.

    *products*: read only these product files (by stem), and take the others as they were when
    last read whole; the Catalog then holds only these products, and ``Report.inputs`` only the
    files read. For a rebuild that knows the other files are unchanged (``engine.site.quick``).
    *listing*: what ``find_files(path)`` found, if it was already called.
    """
    root = Path(path) if path is not None else data_dir("catalog")
    report = Report(root)
    if not root.is_dir():
        report.problems.append(
            Problem(display_path(root), 1, 1, "not-found", "no catalog folder here")
        )
        return report
    schemas = SchemaSet(data_dir("schema"))
    files, problems, refused = listing or find_files(root)
    report.problems.extend(problems)
    report.files = len(files)
    cache = DocumentCache(
        cache_dir(root) if use_cache else None, f"{__version__}:{schemas.fingerprint}"
    )
    sources = Sources()
    sources.broken.update((kind, path.stem) for kind, path in refused)
    folder = root.resolve().name  # files are named from the catalog folder, as catalog_name does
    with bulk():
        for kind, file in files:
            if kind == "product" and products is not None and file.stem not in products:
                sources.elsewhere.add((kind, file.stem))
                continue
            name = f"{folder}/{file.relative_to(root).as_posix()}"
            doc = _read_valid(file, kind, schemas, cache, report.problems, report.inputs, name)
            if doc is None:
                sources.broken.add((kind, file.stem))
                continue
            doc.catalog_file = name
            if kind == "cases":
                report.cases += len(doc.data)
            if kind in ("family", "product", "plan", "rules", "cases"):
                sources.table(kind)[file.stem] = doc
            else:
                setattr(sources, kind, doc)
        report.cache_hits = cache.hits
        report.problems.extend(run_lints(sources))
        if not report.errors:
            catalog, link_problems = build_catalog(root, sources)
            report.problems.extend(link_problems)
            if not report.errors:
                catalog.inputs = report.inputs
                report.catalog = catalog
    report.problems.sort()
    return report


def _read_valid(
    file: Path,
    kind: str,
    schemas: SchemaSet,
    cache: DocumentCache,
    problems: list[Problem],
    inputs: dict[str, tuple[int, int, str]],
    name: str,
) -> Document | None:
    shown = display_path(file)
    try:
        with open(file, "rb") as handle:
            stat = os.fstat(
                handle.fileno()
            )  # of the bytes read, whatever happens to the file later
            raw = handle.read()
    except OSError as exc:
        problems.append(Problem(shown, 1, 1, "unreadable", f"cannot read the file: {exc.strerror}"))
        return None
    key = cache.key(raw)
    inputs[name] = (stat.st_size, stat.st_mtime_ns, key)
    cached = cache.get(key, shown, file)
    if cached is not None:
        return cached
    doc, found = read_bytes(shown, raw, shallow=True)
    if doc is None:
        problems.extend(found)
        return None
    found = schemas.check(doc, kind)
    if found:
        problems.extend(found)
        return None
    cache.put(key, doc)
    return doc


def load(path: str | Path | None = None, *, use_cache: bool = True) -> Catalog:
    """The Catalog at *path* (default: the shipped one); raises CatalogError holding every problem."""
    report = check(path, use_cache=use_cache)
    if report.catalog is None:
        raise CatalogError(report.problems)
    return report.catalog
