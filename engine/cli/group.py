"""The command line: a thin layer over the library. Exit 0 ok, 1 catalog or case problems, 2 usage.

Each command group lives in its own module (check, show, answer, site); they import the library
lazily, so a lookup loads only what it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from engine.cli.answer import decide, quote
from engine.cli.changes import changes
from engine.cli.check import run_tests, validate
from engine.cli.common import fail
from engine.cli.policy import policy
from engine.cli.show import show
from engine.cli.site import build_site, serve
from engine.core.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="care-catalog")
@click.option(
    "--catalog",
    "-C",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="CARE_CATALOG",
    help="Catalog folder (default: ./catalog when the working directory has one, else the shipped DJI Care Refresh catalog).",
)
@click.pass_context
def cli(ctx: click.Context, catalog: Path | None) -> None:
    """care-catalog: look up, check and publish a catalog of device protection plans."""
    ctx.ensure_object(dict)
    ctx.obj["catalog"] = catalog


for command in (validate, show, quote, decide, policy, changes, run_tests, build_site, serve):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``care-catalog`` script."""
    _run(cli, argv)


def _run(command: click.Command, argv: Sequence[str] | None) -> None:
    try:
        command.main(args=list(argv) if argv is not None else None, prog_name="care-catalog")
    except KeyboardInterrupt:
        fail("interrupted", 130)


__all__ = ["cli", "main"]
