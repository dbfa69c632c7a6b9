"""The command line: a thin layer over the library. Exit 0 ok, 1 catalog or case problems, 2 usage.

Each command group lives in its own module (check, show, answer, site); they import the library
lazily, so a lookup loads only what it uses. A quote is first tried from the catalog's quote
index (``fast.py``) before Click and the library are imported at all.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from collections.abc import Sequence

    import click


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``care-catalog`` script."""
    import sys

    args = list(argv) if argv is not None else sys.argv[1:]
    from engine.cli.fast import answer_quickly

    if answer_quickly(args):
        return
    from engine.cli.group import run

    run(args)


def __getattr__(name: str) -> click.Group:
    if name == "cli":
        from engine.cli.group import cli

        return cli
    raise AttributeError(f"module 'engine.cli' has no attribute {name!r}")


__all__ = ["cli", "main"]
