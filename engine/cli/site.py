"""The site commands: ``care-catalog build`` and ``care-catalog serve`` (with a rebuilding watcher)."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine.cli.common import DATE, chosen_catalog, fail, user_errors
from engine.core.problems import CatalogError

if TYPE_CHECKING:
    from engine.catalog.lookups import Catalog


def _site_options(command: Any) -> Any:
    command = click.option(
        "--on",
        type=DATE,
        help="The day the figures are for (default: SOURCE_DATE_EPOCH if set, else today).",
    )(command)
    command = click.option(
        "--base-url",
        help="Where the site will be published (http(s)://...); used for canonical links and the sitemap.",
    )(command)
    command = click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("_site"),
        show_default=True,
        help="The folder to build into; replaced whole, only if a previous build made it.",
    )(command)
    command = click.option(
        "--full",
        is_flag=True,
        help="Render every page again, not only those whose inputs changed since the last build.",
    )(command)
    return click.argument(
        "catalog", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
    )(command)


def _build(
    ctx: click.Context,
    catalog: Path | None,
    out: Path,
    base_url: str | None,
    on: dt.date | None,
    full: bool = False,
) -> Any:
    if base_url and not (base_url.startswith(("http://", "https://", "/")) and " " not in base_url):
        raise click.BadParameter(
            f"'{base_url}' is not an http(s) address or an absolute path", param_hint="--base-url"
        )
    day = _build_day(on)
    path, ctx.obj["catalog_label"] = chosen_catalog(ctx, catalog)
    if not full:
        from engine.read.files import find_files
        from engine.site.incremental import base_url as normal
        from engine.site.incremental import read, up_to_date

        listing, last = find_files(path), read(out)
        manifest = up_to_date(path, out, day.isoformat(), normal(base_url), listing, last)
        if manifest is not None:
            return UpToDate(out.absolute(), day, len(manifest["sizes"]))
        quick = _quick(path, out, day, normal(base_url), listing, last)
        if quick is not None:
            return quick
    from engine.catalog.loader import load

    with user_errors():
        cat = load(path)
        return _publish(cat, out, base_url, day, full)


def _quick(path: Path, out: Path, day: dt.date, base_url: str, listing: Any, last: Any) -> Any:
    """The rebuild that reads only the changed models (``engine.site.quick``), or None."""
    from engine.site.publish import PublishError
    from engine.site.quick import rebuild

    try:
        return rebuild(path, out, day, base_url, listing, last)
    except (PublishError, OSError):
        return None  # the usual build says what is wrong


def _build_day(on: dt.date | None) -> dt.date:
    from engine.site.incremental import build_day

    try:
        return build_day(on)
    except ValueError as exc:
        fail(str(exc), 2)


@dataclass(frozen=True)
class UpToDate:
    """A build with nothing to do: no catalog file, template or setting changed since the last."""

    path: Path
    on: dt.date
    files: int


def _publish(cat: Catalog, out: Path, base_url: str | None, day: dt.date, full: bool) -> Any:
    from engine.site.builder import build
    from engine.site.publish import PublishError

    try:
        if sys.stderr.isatty():
            with click.progressbar(length=1, label="building", file=sys.stderr) as bar:

                def progress(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                return build(
                    cat, out, base_url=base_url, on=day, progress=progress, incremental=not full
                )
        return build(cat, out, base_url=base_url, on=day, incremental=not full)
    except PublishError as exc:
        fail(str(exc), 1)
    except OSError as exc:
        fail(f"cannot write the site to {out}: {exc.strerror or exc}", 1)


def _built(ctx: click.Context, result: Any) -> str:
    path = result.path
    if isinstance(result, UpToDate):
        return (
            f"up to date: nothing in {ctx.obj['catalog_label']} changed since the last build "
            f"({result.files} files) for {result.on}\nopen {path / 'index.html'}"
        )
    files = result.published.files
    return (
        f"built {result.pages} pages from {ctx.obj['catalog_label']} ({files} files, {len(result.changed)} changed, "
        f"{len(result.published.removed)} removed) for {result.on} in {result.seconds:.2f} s\n"
        f"open {path / 'index.html'}"
    )


@click.command("build")
@_site_options
@click.pass_context
def build_site(
    ctx: click.Context,
    catalog: Path | None,
    out: Path,
    base_url: str | None,
    on: dt.date | None,
    full: bool,
) -> None:
    """Build the website and JSON API into a folder (default _site/).

    Only what changed since the last build into the same folder is rendered again; with
    nothing changed, nothing is read beyond the files' sizes and times.
    """
    click.echo(_built(ctx, _build(ctx, catalog, out, base_url, on, full)))


@click.command()
@_site_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--watch/--no-watch",
    default=True,
    show_default=True,
    help="Rebuild when a catalog file changes.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    catalog: Path | None,
    out: Path,
    base_url: str | None,
    on: dt.date | None,
    full: bool,
    port: int,
    watch: bool,
) -> None:
    """Build the website, then serve it on 127.0.0.1 for preview (Ctrl-C stops)."""
    import threading

    from engine.site import serve as preview

    result = _build(ctx, catalog, out, base_url, on, full)
    click.echo(_built(ctx, result).splitlines()[0])
    try:
        server = preview.make_server(result.path, port, quiet=False)
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", 1)
    stop = threading.Event()
    watching = ""
    if watch:
        root = ctx.obj["catalog_path"]
        watcher = preview.CatalogWatcher(root)
        rebuild = functools.partial(_rebuild, root, out, base_url, on)
        threading.Thread(target=preview.watch, args=(watcher, rebuild, stop), daemon=True).start()
        watching = f", rebuilding when {root} changes"
    bound = server.server_address[1]
    click.echo(f"serving {result.path} at http://127.0.0.1:{bound}/{watching} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        stop.set()
        server.server_close()


def _rebuild(root: Path, out: Path, base_url: str | None, on: dt.date | None) -> None:
    """Rebuild after an edit; a broken catalog is reported and the site served stays as it was."""
    from engine.catalog.loader import load
    from engine.site.builder import build
    from engine.site.incremental import base_url as normal
    from engine.site.incremental import build_day
    from engine.site.publish import PublishError
    from engine.site.quick import rebuild

    try:
        day = build_day(on)
        result = rebuild(root, out, day, normal(base_url)) or build(
            load(root), out, base_url=base_url, on=day
        )
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        click.echo("not rebuilt: fix the catalog; the site served is the last good build", err=True)
        return
    except (PublishError, OSError) as exc:
        click.echo(f"not rebuilt: {exc}", err=True)
        return
    click.echo(
        f"rebuilt: {len(result.changed)} files changed, {len(result.published.removed)} removed"
    )
