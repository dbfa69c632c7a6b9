"""The command group: every command, its options and help, through Click."""

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


def run(argv: Sequence[str]) -> None:
    """Run the command line *argv* (without the program name) through Click."""
    try:
        cli.main(args=list(argv), prog_name="care-catalog")
    except KeyboardInterrupt:
        fail("interrupted", 130)
