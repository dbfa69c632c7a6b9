"""What every CLI command shares: the date parameter, JSON output, and turning errors into exit codes."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

from engine.problems import CatalogError, FactError, LookupProblem, UnknownId


class DateType(click.ParamType):  # type: ignore[type-arg]
    """A YYYY-MM-DD date."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from engine.dates import parse_date

        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


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
        fail(
            f"the catalog has {len(exc.errors)} error(s); run 'care-catalog validate' for details",
            1,
        )
