"""The static website: pages rendered with Jinja2, the JSON API, schemas and assets, published atomically.

``build(catalog, out)`` renders every page of ``engine.site.views`` with the templates in ``site/``,
writes the API of ``engine.site.api``, copies the JSON Schemas, the OpenAPI document and the static
assets, and publishes it all with ``engine.site.publish`` (written aside, unchanged files kept,
swapped in at the end). The same catalog, day and base URL give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from engine.catalog.lookups import Catalog
from engine.catalog.revisions import head
from engine.core.bulk import bulk
from engine.core.resources import data_dir
from engine.site import api, state
from engine.site.bundle import rules_data
from engine.site.incremental import Keys, build_day, manifest_bytes, previous_outputs, still_current
from engine.site.incremental import base_url as _base_url
from engine.site.incremental import read as read_manifest
from engine.site.publish import Published, Publisher
from engine.site.shares import NotRead, Shares
from engine.site.views import Page, SiteViews

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildResult:
    """A finished build: where it is, the day of its figures, its pages and files, what changed,
    and how many pages and API files it rendered (the others were kept from the last build)."""

    path: Path
    on: dt.date
    pages: int
    published: Published
    seconds: float
    rendered: int = 0

    @property
    def changed(self) -> tuple[str, ...]:
        """Files that are new or whose bytes changed since the previous build."""
        return self.published.changed


class _Environment(jinja2.Environment):
    """Jinja2's environment, reading a key of a plain dict first: the views are dicts, and
    Jinja2 otherwise looks for an attribute (and fails) before every key (a fifth of a render)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment(templates: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment: autoescaped, strict about undefined names, whitespace-trimmed.

    The shipped templates' compiled code is kept in the user's cache folder (Jinja2 checks each
    against its template's source), so a rebuild does not compile them again.
    """
    return _Environment(
        bytecode_cache=_bytecode_cache() if templates is None else None,
        loader=jinja2.FileSystemLoader(templates or data_dir("site") / "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates in ``$XDG_CACHE_HOME/care-catalog/templates`` (a folder of the user's
    own, as Jinja2 requires of code it loads), or none if it cannot be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "care-catalog", "templates")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        status = os.stat(folder)
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None  # others could write code into it
    return jinja2.FileSystemBytecodeCache(folder)


def build(
    catalog: Catalog,
    out: str | Path = "_site",
    *,
    base_url: str | None = None,
    on: dt.date | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    incremental: bool = True,
    views: SiteViews | None = None,
    manifest: dict[str, Any] | None = None,
) -> BuildResult:
    """Build the site of *catalog* into *out*; on any failure the previous site stays as it was.

    *workers*: processes rendering pages and API documents (default: one per core for a large
    catalog, none for a small one); the bytes are the same whatever the number.
    *incremental*: render only the pages and API files whose inputs changed since the previous
    build into *out* (``engine.site.incremental``), linking the others; the bytes are those of a
    full build either way.
    For a rebuild that knows more (``engine.site.quick``): *views*, the site's views when they
    are not all of *catalog*'s; *manifest*, the last build's manifest when it was already read.
    """
    started = time.perf_counter()
    day = build_day(on)
    base = _base_url(base_url)
    keys = Keys(catalog.inputs, day.isoformat(), base, head(catalog.root))
    publisher = Publisher(Path(out))
    keeping: threading.Thread | None = None
    try:
        if not (incremental and catalog.inputs):
            manifest = {}
        elif manifest is None or not still_current(publisher.target, manifest):
            manifest = read_manifest(publisher.target)  # read again under the lock
        previous = previous_outputs(manifest)
        sizes: dict[str, int] = manifest.get("sizes", {}) if previous else {}
        if previous:  # most files will be kept: linked all at once while the pages are planned
            publisher.clone()
        if views is None:
            kept = state.kept(Path(out), keys) if incremental else None
            views = SiteViews(catalog, day, kept=kept)
        env = environment()
        with bulk():  # the lists of every model, kept for the whole build
            pages, planned, outputs = _plan(views, keys, env, base)
        jobs = [
            (path, make)
            for path, key, make in planned
            if previous.get(path) != key or not publisher.keep(path, sizes.get(path))
        ]
        first = len(planned) - len(jobs) + 1
        for done, (path, data) in enumerate(_produce(jobs, workers, views.shares), first):
            publisher.write(path, data)
            if progress:
                progress(done, len(planned))
        with bulk():
            publisher.write("static/rules-data.js", rules_data(views))
        # Every share is made now: the state is written while the rest is published.
        if catalog.inputs:
            keeping = threading.Thread(target=_keep_state, args=(publisher.target, keys, views))
            keeping.start()
        _write_assets(publisher, catalog, base, env, pages)
        written = manifest_bytes(catalog.root, keys, outputs, publisher.sizes)
        published = publisher.commit(written if catalog.inputs else None, sizes or None)
    except BaseException:
        publisher.abort()
        raise
    finally:
        if keeping is not None:
            keeping.join()
    return BuildResult(
        published.path, day, len(pages), published, time.perf_counter() - started, len(jobs)
    )


Planned = list[tuple[str, str, Callable[[], bytes]]]


def _plan(
    views: SiteViews, keys: Keys, env: jinja2.Environment, base: str
) -> tuple[list[Page], Planned, dict[str, str]]:
    """Every page, and every page, API document and feed as (path, key, how to make its bytes)."""
    common = views.common()
    pages = list(views.pages())
    digests = {kind: views.shares.digest(kind, views.ids) for kind in ("summary", "events")}
    outputs: dict[str, str] = {}
    planned: Planned = []

    def key(path: str, shows: tuple[str, ...] | None, uses: tuple[str, ...], *extra: str) -> str:
        if uses:
            extra += tuple(digests[kind] for kind in uses)
            shows = shows or ()
        outputs[path] = keys.key(path, shows, *extra)
        return outputs[path]

    for page in pages:
        made = key(page.path, page.shows, page.uses, page.template, page.title, page.shape)
        planned.append((page.path, made, partial(_page_bytes, env, page, common, base)))
    for path, make, shows, uses in api.documents(views):
        planned.append((path, key(path, shows, uses), partial(_doc_bytes, make)))
    for path, product_id, shows, uses in views.feed_documents():
        made = key(path, shows, uses, "feed")
        planned.append((path, made, partial(_feed_bytes, env, views, product_id, base)))
    return pages, planned, outputs


def _write_assets(
    publisher: Publisher, catalog: Catalog, base: str, env: jinja2.Environment, pages: list[Page]
) -> None:
    """The static files, the markets' style, the OpenAPI document, the schemas, robots.txt and
    (where the site's address is known) the sitemap."""
    site = data_dir("site")
    for asset in sorted((site / "static").iterdir()):
        publisher.write(f"static/{asset.name}", asset.read_bytes())
    publisher.write("static/markets.css", markets_css(sorted(catalog.regions)).encode())
    publisher.write(f"{api.PREFIX}/openapi.json", (site / "api" / "openapi.json").read_bytes())
    for schema in sorted(data_dir("schema").glob("*.schema.json")):
        publisher.write(f"schema/{schema.name}", served_schema(schema, base))
    publisher.write("robots.txt", robots_txt(base).encode())
    if base.startswith(("http://", "https://")):  # the protocol wants absolute addresses
        urls = [f"{base}{p.path}" for p in pages if p.path != "404.html"]
        sitemap = env.get_template("sitemap.xml").render(urls=urls)
        publisher.write("sitemap.xml", sitemap.encode())


def _keep_state(site: Path, keys: Keys, views: SiteViews) -> None:
    try:
        with bulk():
            state.write(site, keys, views)
    except (OSError, NotRead):
        pass  # without a state the next build computes every share again


def served_schema(path: Path, base: str) -> bytes:
    """A JSON Schema as the site serves it: its relative ``$id`` made absolute where the site's
    address is known, so the schema names the very URL it is served at."""
    data = path.read_bytes()
    if base.startswith(("http://", "https://")):
        relative = f'"$id": "{path.name}"'.encode()
        data = data.replace(relative, f'"$id": "{base}schema/{path.name}"'.encode(), 1)
    return data


def robots_txt(base: str) -> str:
    """Every page may be indexed; the sitemap is named where the site's address is known."""
    lines = ["User-agent: *", "Allow: /"]
    if base.startswith(("http://", "https://")):
        lines.append(f"Sitemap: {base}sitemap.xml")
    return "\n".join(lines) + "\n"


def markets_css(region_ids: list[str]) -> str:
    """The rules that show the reader's market (``html[data-market]``, set by market.js) alone.

    Region ids are lower-case identifiers (the schema's pattern), so they need no quoting.
    """
    lines = [
        "/* Generated from the catalog's regions: the reader's market, chosen by market.js. */"
    ]
    for r in region_ids:
        lines += [
            f"html[data-market={r}] .market-block:not([data-market={r}]) {{ display: none; }}",
            f"html[data-market={r}] tr[data-market={r}] > :first-child {{ box-shadow: inset 4px 0 0 var(--accent); }}",
        ]
    return "\n".join(lines) + "\n"


def _page_bytes(env: jinja2.Environment, page: Page, common: dict[str, Any], base: str) -> bytes:
    return render(env, page, common, base).encode()


def _feed_bytes(env: jinja2.Environment, views: SiteViews, product_id: str, base: str) -> bytes:
    depth = "../../" if product_id else ""
    feed = views.feed(product_id or None)
    return env.get_template("feed.xml").render(feed=feed, base=base or depth).encode()


def _doc_bytes(make: Callable[[], Any]) -> bytes:
    return api.encode(make())


# Large builds render in forked processes; each inherits the jobs and runs a slice of them,
# and sends back with its bytes the model shares it computed, for the build state.
PARALLEL_FROM = 400
_CHUNK = 32
_jobs: list[tuple[str, Callable[[], bytes]]] = []
_shares: list[Shares] = []


def _run_slice(bounds: tuple[int, int]) -> tuple[list[bytes], dict[tuple[str, str], bytes]]:
    made = [make() for _, make in _jobs[bounds[0] : bounds[1]]]
    return made, _shares[0].taken()


def _produce(
    jobs: list[tuple[str, Callable[[], bytes]]], workers: int | None, shares: Shares
) -> Iterator[tuple[str, bytes]]:
    """Each job's (path, bytes), in order; in a pool of forked processes when that pays."""
    if workers is None:
        workers = _cores() if len(jobs) >= PARALLEL_FROM else 1
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for path, make in jobs:
            yield path, make()
        return
    global _jobs
    _jobs = jobs
    _shares[:] = [shares]
    shares.mark()
    slices = [(i, min(i + _CHUNK, len(jobs))) for i in range(0, len(jobs), _CHUNK)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for (start, _), (results, found) in zip(
                slices, pool.imap(_run_slice, slices), strict=True
            ):
                shares.add(found)
                for offset, data in enumerate(results):
                    yield jobs[start + offset][0], data
    finally:
        _jobs = []
        _shares.clear()
        shares.unmark()


def _cores() -> int:
    """The cores this process may run on (fewer than the machine's in a container or cgroup)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def render(env: jinja2.Environment, page: Page, common: dict[str, Any], base_url: str) -> str:
    """One page's HTML."""
    root = page.root
    if page.path == "404.html":
        # Served for any missing address, so its links cannot be relative to where it lies.
        root = base_url or "/"
    context = {
        **common,
        **page.make_view(),
        "page": {"path": page.path, "title": page.title},
        "root": root,
        "base_url": base_url,
    }
    return env.get_template(page.template).render(context)
