"""The command line: a thin layer over the library. Exit 0 ok, 1 catalog or case problems, 2 usage."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine import __version__
from engine.cli.common import DATE, chosen_catalog
from engine.cli.common import echo_json as _echo_json
from engine.cli.common import fail as _fail
from engine.cli.common import user_errors as _user_errors
from engine.cli.site import build_site, serve

if TYPE_CHECKING:  # the CLI imports the library lazily, so a lookup loads only what it uses
    from engine.catalog.lookups import Catalog


def _load(ctx: click.Context) -> Catalog:
    from engine.catalog.loader import load

    cached: Catalog | None = ctx.obj.get("catalog_obj")
    if cached is None:
        path, label = chosen_catalog(ctx)
        click.echo(f"catalog: {label}", err=True)
        cached = load(path)
        ctx.obj["catalog_obj"] = cached
    return cached


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        return (
            indent + "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False))
        ).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


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


@cli.command()
@click.argument(
    "catalog", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-cache", is_flag=True, help="Re-read and re-validate every file.")
@click.pass_context
def validate(ctx: click.Context, catalog: Path | None, fmt: str, no_cache: bool) -> None:
    """Check every catalog file; print each problem with its file:line:col, then a summary."""
    from engine.catalog.loader import check

    path, label = chosen_catalog(ctx, catalog)
    report = check(path, use_cache=not no_cache)
    cat = report.catalog
    summary = {
        "catalog": label,
        "files": report.files,
        "products": len(cat.products()) if cat else None,
        "plans": len(cat.plans) if cat else None,
        "offers": sum(len(p.offers) for p in cat.products()) if cat else None,
        "cases": report.cases,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
    }
    if fmt == "json":
        _echo_json({"problems": [p.to_json() for p in report.problems], "summary": summary})
    else:
        for problem in report.problems:
            click.echo(problem.format())
        checked = f"checked {report.files} files in {label}"
        if cat:
            checked += f": {summary['products']} products, {summary['plans']} plans, {summary['offers']} offers"
        checked += f", {report.cases} cases"
        verdict = "ok" if not report.errors else "FAILED"
        click.echo(
            f"{verdict}: {checked}; {_plural(len(report.errors), 'error')}, "
            f"{_plural(len(report.warnings), 'warning')}"
        )
    sys.exit(1 if report.errors else 0)


@cli.group()
def show() -> None:
    """Show products, a product, a plan, families, regions or incidents."""


@show.command("products")
@click.option("--family", help="Only this family's products.")
@click.option("--category", help="Only this category's products.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_products(
    ctx: click.Context, family: str | None, category: str | None, as_json: bool
) -> None:
    """List the catalog's products."""
    from engine.catalog.export import product_summary_json

    with _user_errors():
        cat = _load(ctx)
        products = cat.products(family=family, category=category)
        if as_json:
            _echo_json([product_summary_json(cat, p) for p in products])
            return
        rows = [
            [
                p.id,
                p.name,
                cat.families[p.family].name,
                cat.categories[p.category].name,
                str(len(p.offers)),
                ("" if p.flyaway_since_exact else "by ") + p.flyaway_since.isoformat()
                if p.flyaway_since
                else "-",
            ]
            for p in products
        ]
        click.echo(
            _table(["id", "model", "family", "category", "offers", "flyaway listed"], rows, "")
        )
        click.echo(f"\n{len(products)} products")


@show.command("families")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_families(ctx: click.Context, as_json: bool) -> None:
    """List the product families: category, models and default covered components."""
    with _user_errors():
        cat = _load(ctx)
        families = sorted(cat.families.values(), key=lambda f: f.id)
        models = {f.id: [p.id for p in cat.products(family=f.id)] for f in families}
        if as_json:
            _echo_json(
                [
                    {
                        "id": f.id,
                        "name": f.name,
                        "category": f.category,
                        "products": models[f.id],
                        "covered_components": list(f.covered_components)
                        if f.covered_components is not None
                        else None,
                    }
                    for f in families
                ]
            )
            return
        rows = [
            [f.id, f.name, cat.categories[f.category].name, ", ".join(models[f.id])]
            for f in families
        ]
        click.echo(_table(["id", "family", "category", "models"], rows, ""))
        click.echo(f"\n{len(families)} families")


@show.command("regions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_regions(ctx: click.Context, as_json: bool) -> None:
    """List the markets: currency, locale, service area, and how many offers each has."""
    with _user_errors():
        cat = _load(ctx)
        offers: dict[str, int] = {}
        for product in cat.products():
            for offer in product.offers:
                offers[offer.region] = offers.get(offer.region, 0) + 1
        regions = sorted(cat.regions.values(), key=lambda r: r.id)
        if as_json:
            _echo_json(
                [
                    {
                        "id": r.id,
                        "name": r.name,
                        "currency": r.currency,
                        "locale": r.locale,
                        "service_area": r.service_area,
                        "sells_plans": r.sells_plans,
                        "offers": offers.get(r.id, 0),
                    }
                    for r in regions
                ]
            )
            return
        rows = [
            [
                r.id + (" *" if r.id == cat.default_region else ""),
                r.name,
                r.currency,
                r.locale,
                r.service_area,
                str(offers.get(r.id, 0)),
            ]
            for r in regions
        ]
        click.echo(
            _table(["id", "market", "currency", "locale", "service area", "offers"], rows, "")
        )
        click.echo(f"\n{len(regions)} regions (* the default)")


@show.command("incidents")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_incidents(ctx: click.Context, as_json: bool) -> None:
    """List what can happen to a device: the incident ids a claim is decided for."""
    with _user_errors():
        cat = _load(ctx)
        incidents = list(cat.incidents.values())
        if as_json:
            _echo_json(
                [
                    {"id": i.id, "name": i.name, "kind": i.kind, "description": i.description}
                    for i in incidents
                ]
            )
            return
        rows = [[i.id, i.name, i.kind] for i in incidents]
        click.echo(_table(["id", "incident", "kind"], rows, ""))
        click.echo(f"\n{len(incidents)} incidents")


@show.command("product")
@click.argument("product_id")
@click.option("--region", help="Only offers of this region.")
@click.option("--on", type=DATE, help="Terms in force on this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_product(
    ctx: click.Context, product_id: str, region: str | None, on: dt.date | None, as_json: bool
) -> None:
    """A product: covered components, flyaway eligibility, terms of each plan, and offers."""
    from engine.catalog.export import product_json

    with _user_errors():
        cat = _load(ctx)
        product = cat.product(product_id)
        if region:
            cat.region(region)
        data = product_json(cat, product, region, on)
        if as_json:
            _echo_json(data)
            return
        click.echo(_render_product(cat, data))


def _render_product(cat: Catalog, data: dict[str, Any]) -> str:
    names = {c.id: c.name.lower() for c in cat.components.values()}
    comps = data["covered_components"]
    lines = [
        f"{data['name']} ({data['id']}): {data['family']['name']} family, {cat.categories[data['category']].name.lower()}",
        "  covered components: "
        + (", ".join(names.get(c, c) for c in comps) if comps is not None else "not published"),
    ]
    eligible = [e for e in data["flyaway"] if e["eligible"]]
    if eligible:
        first = eligible[0]
        approx = f" (approximate: {first['approximate']})" if first["approximate"] else ""
        if first["from"]:
            lines.append(f"  flyaway cover: listed since {first['from']}{approx}")
        else:
            lines.append(
                f"  flyaway cover: listed by {first['known_by']}{approx}; since when is not known"
            )
    else:
        lines.append("  flyaway cover: not on any flyaway list")
    rows = []
    for plan_id, terms in data["terms"].items():
        plan = cat.plans[plan_id]
        if "unavailable" in terms:
            rows.append([plan.short_name, "-", "-", "-", "-", "-"])
            continue
        rows.append(
            [
                plan.short_name,
                terms["version"]["label"],
                str(terms["replacements"]),
                _count(terms["flyaway_replacements"]),
                _months(terms["term_months"]),
                _months(terms["warranty_months"], "standard"),
            ]
        )
    lines += ["", f"Terms for a plan bought on {data['on']}:"]
    lines.append(_table(["plan", "terms", "replacements", "flyaway", "term", "warranty"], rows))
    offers = data["offers"]
    lines += ["", f"Offers ({len(offers)}):" if offers else "Offers: none published"]
    if offers:
        rows = []
        for o in offers:
            fees = o["fees"]
            fee_text = (
                f"{fees[0]['formatted']} each"
                if o["fee_each"]
                else " / ".join(f["formatted"] for f in fees)
            )
            rows.append(
                [
                    cat.plans[o["plan"]].short_name,
                    o["region"],
                    o["terms"] or "?",
                    o["price"]["formatted"] if o["price"] else "-",
                    fee_text or "-",
                    o["flyaway_fee"]["formatted"] if o["flyaway_fee"] else "-",
                    o["checked"] + (" (doubtful)" if o["confidence"] == "doubtful" else ""),
                    o["seller"] or "",
                ]
            )
        lines.append(
            _table(
                [
                    "plan",
                    "region",
                    "terms",
                    "price",
                    "replacement fees",
                    "flyaway fee",
                    "checked",
                    "seller",
                ],
                rows,
            )
        )
    return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _count(value: int | None) -> str:
    return "not published" if value is None else str(value)


def _months(value: int | None, absent: str = "-") -> str:
    return absent if value is None else f"{value} months"


@show.command("plan")
@click.argument("plan_id")
@click.option("--on", type=DATE, help="Mark the version in force on this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_plan(ctx: click.Context, plan_id: str, on: dt.date | None, as_json: bool) -> None:
    """A plan: every version of its terms, and which one is in force."""
    from engine.catalog.export import plan_json

    with _user_errors():
        cat = _load(ctx)
        data = plan_json(cat, cat.plan(plan_id), on)
        if as_json:
            _echo_json(data)
            return
        lines = [f"{data['name']} ({data['id']})"]
        if data["description"]:
            lines.append(f"  {data['description']}")
        if data["renews"]:
            lines.append(f"  renews: {', '.join(data['renews'])}")
        lines.append(f"  in force on {data['on']}: " + (data["in_force"] or "not yet sold"))
        for v in data["versions"]:
            marker = "*" if v["from"] == data["in_force"] else " "
            approx = " (approximate)" if v["approximate"] else ""
            sold = "" if v["sold"] else " - not sold"
            lines += ["", f"{marker} from {v['from']}{approx}: {v['label']}{sold}"]
            if v["sold"]:
                lines.append(
                    f"    term {_months(v['term_months'])}, warranty {_months(v['warranty_months'], 'standard')}"
                    + (f", {v['fee_model']} fees" if v["fee_model"] else "")
                )
                for cat_id, a in v["allowances"].items():
                    lines.append(
                        f"    {cat.categories[cat_id].name.lower()}: {a['replacements']} replacements, "
                        f"flyaway {_count(a['flyaway'])}"
                    )
            lines += [f"    - {c}" for c in v["changes"]]
        click.echo("\n".join(lines))


@cli.command()
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
    with _user_errors():
        cat = _load(ctx)
        reg = cat.region(region)
        if plan_price:
            found = cat.price_quote(product_id, plan_id, reg.id, on)
        else:
            found = cat.fee_quote(product_id, plan_id, reg.id, replacement, flyaway, on)
        if as_json:
            _echo_json(found.to_json(reg))
            return
        click.echo(found.money.format(reg.locale))
        what = (
            "plan price"
            if plan_price
            else ("flyaway fee" if flyaway else f"replacement {replacement}")
        )
        era = "" if found.era_matched else " (the source does not state its terms version)"
        click.echo(
            f"  {what}; terms: {found.version.label} (from {found.version.start}){era}\n"
            f"  source: {found.offer.source}\n"
            f"  seller: {found.offer.seller or 'not named'}, checked {found.offer.checked}"
            + (", doubtful" if found.offer.doubtful else "")
        )
        if found.offer.note:
            click.echo(f"  note: {found.offer.note}")


class _DecideCommand(click.Command):
    """``decide``: its help lists every decision's facts, read from the decisions contract."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from engine.rules.decision import FACTS, OUTCOMES, REQUIRED

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


@cli.command(cls=_DecideCommand)
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
    with _user_errors():
        cat = _load(ctx)
        found = cat.decide(decision, **given)
        if as_json:
            _echo_json(found.to_json())
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


@cli.command("test")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.option(
    "--coverage",
    is_flag=True,
    help="Also list the rules that decided no case; any such rule fails.",
)
@click.pass_context
def run_tests(ctx: click.Context, files: tuple[Path, ...], as_json: bool, coverage: bool) -> None:
    """Run scenario cases (default: the catalog's cases/) and report expected vs actual."""
    from engine.catalog.cases import case_files, read_cases, run_case

    with _user_errors():
        cat = _load(ctx)
        default = [ctx.obj["catalog_path"] / "cases"]
        cases = read_cases(case_files(files or default))
        outcomes = [run_case(cat, case) for case in cases]
    failed = [o for o in outcomes if not o.passed]
    uncovered = []
    if coverage:
        decided = {o.decided_by for o in outcomes if o.decided_by}
        uncovered = [
            (plan, decision, rule)
            for plan, decision, rule in cat.rules()
            if f"{rule.id} ({rule.location})" not in decided
        ]
    if as_json:
        _echo_json(
            [
                {
                    "name": o.case.name,
                    "at": o.case.where,
                    "passed": o.passed,
                    "mismatches": o.mismatches,
                }
                for o in outcomes
            ]
        )
    else:
        for outcome in failed:
            click.echo(outcome.report())
        if coverage:
            total = len(cat.rules())
            click.echo(f"rules that decided a case: {total - len(uncovered)} of {total}")
            for plan, decision, rule in uncovered:
                click.echo(
                    f"  never decided: {decision} rule '{rule.id}' ({rule.location}), used by {plan}"
                )
        click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed or uncovered else 0)


cli.add_command(build_site)
cli.add_command(serve)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``care-catalog`` script."""
    _run(cli, argv)


def _run(command: click.Command, argv: Sequence[str] | None) -> None:
    try:
        command.main(args=list(argv) if argv is not None else None, prog_name="care-catalog")
    except KeyboardInterrupt:
        _fail("interrupted", 130)


__all__ = ["cli", "main"]
