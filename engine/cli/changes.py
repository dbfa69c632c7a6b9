"""``care-catalog changes OLD NEW``: what changed between two catalogs, value by value."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from engine.cli.common import chosen_catalog, echo_json, fail, user_errors


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.pass_context
def changes(ctx: click.Context, old: str, new: str, as_json: bool) -> None:
    """What changed from OLD to NEW, value by value: each a catalog folder, or a git revision
    of the catalog (read with git, no checkout needed; e.g. HEAD~1)."""
    from engine.catalog.changes import changes as compare
    from engine.catalog.loader import load
    from engine.catalog.revisions import RevisionError, catalog_at, revision_label
    from engine.core.problems import CatalogError
    from engine.core.version import __version__

    home = chosen_catalog(ctx)[0]
    with tempfile.TemporaryDirectory(prefix="care-catalog-changes-") as scratch, user_errors():
        folders, labels = [], []
        for n, given in enumerate((old, new)):
            if Path(given).is_dir():
                folders.append(Path(given))
                labels.append(given)
                continue
            try:
                folders.append(catalog_at(given, home, Path(scratch) / str(n)))
                labels.append(revision_label(given, home))
            except RevisionError as error:
                fail(f"'{given}' is neither a catalog folder nor a revision of {home}: {error}", 2)
        catalogs = []
        for folder, label in zip(folders, labels, strict=True):
            try:
                catalogs.append(load(folder, use_cache=False))
            except CatalogError as error:
                for problem in error.problems:
                    click.echo(problem.format(), err=True)
                fail(
                    f"the catalog of {label} does not load with this care-catalog ({__version__})",
                    1,
                )
        found = compare(catalogs[0], catalogs[1])
    if as_json:
        echo_json({"old": labels[0], "new": labels[1], "changes": [c.to_json() for c in found]})
        return
    click.echo(f"from {labels[0]} to {labels[1]}: {len(found)} change(s)")
    group = None
    for change in found:
        head = change.product_name or change.plan_name or ""
        if head != group:
            click.echo(head)
            group = head
        where = ", ".join(p for p in (change.plan_name, change.region_name) if p and change.product)
        terms = f" (terms of {change.terms})" if change.terms else ""
        text = change.text().removeprefix(f"{change.where}: ")
        click.echo(f"  {where + terms + ': ' if where else ''}{text}")
        if change.source or change.checked:
            click.echo(
                f"    source: {change.source or 'not named'}, checked {change.checked or 'not said'}"
            )
