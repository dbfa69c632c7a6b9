"""``care-catalog quote`` and ``care-catalog decide``: a number with its source, an answer with its rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from engine.catalog import quote_index
from engine.cli.common import (
    DATE,
    echo_json,
    load_catalog,
    user_errors,
)
from engine.cli.fast import quote_lines


@click.command()
@click.argument("product_id")
@click.argument("plan_id")
@click.option("--region", help="The market (default: the catalog's default region).")
@click.option(
    "--replacement",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Which replacement.",
)
@click.option("--flyaway", is_flag=True, help="Quote the flyaway replacement fee.")
@click.option(
    "--price", "plan_price", is_flag=True, help="Quote the plan's price instead of a fee."
)
@click.option("--on", type=DATE, help="Use the terms in force on this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def quote(
    ctx: click.Context,
    product_id: str,
    plan_id: str,
    region: str | None,
    replacement: int,
    flyaway: bool,
    plan_price: bool,
    on: dt.date | None,
    as_json: bool,
) -> None:
    """What a replacement (or the plan) costs, with the source of the number."""
    with user_errors():
        cat = load_catalog(ctx)
        reg = cat.region(region)
        if plan_price:
            found = cat.price_quote(product_id, plan_id, reg.id, on)
        else:
            found = cat.fee_quote(product_id, plan_id, reg.id, replacement, flyaway, on)
        if ctx.obj.get("catalog") is None:
            quote_index.write(cat, ctx.obj["catalog_path"])  # the next quote reads only this
        if as_json:
            echo_json(found.to_json(reg))
            return
        what = (
            "plan price"
            if plan_price
            else ("flyaway fee" if flyaway else f"replacement {replacement}")
        )
        click.echo("\n".join(quote_lines(found.to_json(reg), what)))


class _DecideCommand(click.Command):
    """``decide``: its help lists every decision's facts, read from the decisions contract."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from engine.rules.contract import FACTS, OUTCOMES, REQUIRED

        for decision, facts in FACTS.items():
            rows = []
            for fact in facts.values():
                if fact.default is REQUIRED:
                    default = "required"
                elif fact.name in ("product_region", "service_region"):
                    default = "default: region"
                else:
                    default = (
                        f"default: {'null' if fact.default is None else str(fact.default).lower()}"
                    )
                kind = f"{fact.type.sure()}{' or null' if fact.type.nullable else ''}"
                rows.append((fact.name, f"{kind}, {default}. {fact.description}"))
            with formatter.section(
                f"Facts of {decision} (outcomes: {', '.join(OUTCOMES[decision])})"
            ):
                formatter.write_dl(rows)
        formatter.write_paragraph()
        formatter.write_text(
            "Dates are YYYY-MM-DD, datetimes YYYY-MM-DDTHH:MM; ids are those of 'care-catalog show'."
        )


@click.command(cls=_DecideCommand)
@click.argument("decision", type=click.Choice(["purchase", "claim", "renewal"]))
@click.argument("facts", nargs=-1, metavar="FACT=VALUE...")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@click.option("--explain", is_flag=True, help="Also print every rule tried and whether it held.")
@click.pass_context
def decide(
    ctx: click.Context, decision: str, facts: tuple[str, ...], as_json: bool, explain: bool
) -> None:
    """Decide a purchase, claim or renewal from facts; print the outcome, its reason and its rule."""
    given: dict[str, Any] = {}
    for item in facts:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"facts are written FACT=VALUE, not {item!r}")
        given[name] = None if value == "null" else value
    with user_errors():
        cat = load_catalog(ctx)
        found = cat.decide(decision, **given)
        if as_json:
            echo_json(found.to_json())
            return
        locale = cat.region(found.facts["region"]["id"]).locale
        click.echo(found.outcome)
        click.echo(f"  because: {found.because}")
        click.echo(f"  rule: {found.rule} ({found.location})")
        for name, value in found.values.items():
            shown = (
                value.format(locale)
                if hasattr(value, "format") and hasattr(value, "currency")
                else value
            )
            click.echo(f"  {name}: {'not published' if shown is None else shown}")
        if explain:
            click.echo("  rules tried:")
            width = max(len(step.rule) for step in found.trace)
            for step in found.trace:
                click.echo(
                    f"    {'yes' if step.held else 'no ':<3}  {step.rule:<{width}}  "
                    f"when {step.when}  ({step.location})"
                )
