"""What every CLI command shares: the date parameter, JSON output, and turning errors into exit codes."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from engine.core.problems import CatalogError, FactError, LookupProblem, UnknownId
from engine.core.resources import data_dir

if TYPE_CHECKING:
    from engine.catalog.lookups import Catalog


class DateType(click.ParamType):  # type: ignore[type-arg]
    """A YYYY-MM-DD date."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from engine.core.dates import parse_date

        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()


def resolve_catalog(given: Path | None) -> tuple[Path, str]:
    """The catalog a command reads, and how to name it: the one given (``--catalog``,
    ``CARE_CATALOG`` or an argument), else ``./catalog`` when the working directory holds one (an
    editor's clone), else the shipped one, named ``shipped (…)``."""
    from engine.read.files import display_path

    if given is not None:
        return given, display_path(given).rstrip("/") + "/"
    local = Path("catalog")
    if (local / "catalog.yaml").is_file():
        return local, "catalog/"
    shipped = data_dir("catalog")
    return shipped, f"shipped ({display_path(shipped)}/)"


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def chosen_catalog(ctx: click.Context, given: Path | None = None) -> tuple[Path, str]:
    """The catalog of this command (its own argument, else the group's), remembered for hints."""
    path, label = resolve_catalog(given or ctx.obj.get("catalog"))
    ctx.obj["catalog_path"] = path
    return path, label


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into messages and exit codes; never a traceback for a user's mistake."""
    try:
        yield
    except (UnknownId, FactError) as exc:
        fail(str(exc), 2)
    except LookupProblem as exc:
        fail(str(exc), 1)
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        from engine.read.files import display_path

        ctx = click.get_current_context(silent=True)
        catalog = ctx.obj.get("catalog_path") if ctx and ctx.obj else None
        where = f" {display_path(catalog)}" if catalog is not None else ""
        fail(
            f"the catalog has {len(exc.errors)} error(s); "
            f"run 'care-catalog validate{where}' for details",
            1,
        )


def load_catalog(ctx: click.Context) -> Catalog:
    from engine.catalog.loader import load

    cached: Catalog | None = ctx.obj.get("catalog_obj")
    if cached is None:
        path, label = chosen_catalog(ctx)
        click.echo(f"catalog: {label}", err=True)
        cached = load(path)
        ctx.obj["catalog_obj"] = cached
    return cached


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        return (
            indent + "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False))
        ).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
