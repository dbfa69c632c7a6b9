"""The command line: a thin layer over the library. Exit 0 ok, 1 catalog or case problems, 2 usage."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from engine import __version__
from engine.problems import CatalogError, FactError, LookupProblem, UnknownId

if TYPE_CHECKING:  # the CLI imports the library lazily, so a lookup loads only what it uses
    from engine.catalog import Catalog


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


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False))


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn library errors into messages and exit codes; never a traceback for a user's mistake."""
    try:
        yield
    except (UnknownId, FactError) as exc:
        _fail(str(exc), 2)
    except LookupProblem as exc:
        _fail(str(exc), 1)
    except CatalogError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        _fail(
            f"the catalog has {len(exc.errors)} error(s); run 'care-catalog validate' for details",
            1,
        )


def _load(ctx: click.Context) -> Catalog:
    from engine.loader import load

    cached: Catalog | None = ctx.obj.get("catalog_obj")
    if cached is None:
        cached = load(ctx.obj.get("catalog"))
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
    help="Catalog folder (default: the shipped DJI Care Refresh catalog).",
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
    from engine.loader import check

    report = check(catalog or ctx.obj.get("catalog"), use_cache=not no_cache)
    cat = report.catalog
    summary = {
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
        checked = f"checked {report.files} files"
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
    """Show a product, a plan, or the list of products."""


@show.command("products")
@click.option("--family", help="Only this family's products.")
@click.option("--category", help="Only this category's products.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_products(
    ctx: click.Context, family: str | None, category: str | None, as_json: bool
) -> None:
    """List the catalog's products."""
    from engine.export import product_summary_json

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
                p.flyaway_since.isoformat() if p.flyaway_since else "-",
            ]
            for p in products
        ]
        click.echo(
            _table(["id", "model", "family", "category", "offers", "flyaway since"], rows, "")
        )
        click.echo(f"\n{len(products)} products")


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
    from engine.export import product_json

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
        lines.append(f"  flyaway cover: listed since {first['from']}{approx}")
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
    from engine.export import plan_json

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


@cli.command()
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
            for step in found.trace:
                click.echo(
                    f"    {'yes' if step.held else 'no ':<3}  {step.rule:<24} {step.location}"
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
    from engine.cases import case_files, read_cases, run_case

    with _user_errors():
        cat = _load(ctx)
        default = [(ctx.obj.get("catalog") / "cases")] if ctx.obj.get("catalog") else []
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
    return click.argument(
        "catalog", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
    )(command)


def _build(
    ctx: click.Context,
    catalog: Path | None,
    out: Path,
    base_url: str | None,
    on: dt.date | None,
) -> Any:
    from engine.loader import load

    if base_url and not (base_url.startswith(("http://", "https://", "/")) and " " not in base_url):
        raise click.BadParameter(
            f"'{base_url}' is not an http(s) address or an absolute path", param_hint="--base-url"
        )
    day = _build_day(on)
    with _user_errors():
        cat = load(catalog or ctx.obj.get("catalog"))
        return _publish(cat, out, base_url, day)


def _build_day(on: dt.date | None) -> dt.date:
    from engine.site import build_day

    try:
        return build_day(on)
    except ValueError as exc:
        _fail(str(exc), 2)


def _publish(cat: Catalog, out: Path, base_url: str | None, day: dt.date) -> Any:
    from engine.publish import PublishError
    from engine.site import build

    try:
        if sys.stderr.isatty():
            with click.progressbar(length=1, label="building", file=sys.stderr) as bar:

                def progress(done: int, total: int) -> None:
                    bar.length = total
                    bar.update(done - bar.pos)

                return build(cat, out, base_url=base_url, on=day, progress=progress)
        return build(cat, out, base_url=base_url, on=day)
    except PublishError as exc:
        _fail(str(exc), 1)
    except OSError as exc:
        _fail(f"cannot write the site to {out}: {exc.strerror or exc}", 1)


def _built(result: Any) -> str:
    path = result.path
    files = result.published.files
    return (
        f"built {result.pages} pages ({files} files, {len(result.changed)} changed, "
        f"{len(result.published.removed)} removed) for {result.on} in {result.seconds:.2f} s\n"
        f"open {path / 'index.html'}"
    )


@cli.command("build")
@_site_options
@click.pass_context
def build_site(
    ctx: click.Context, catalog: Path | None, out: Path, base_url: str | None, on: dt.date | None
) -> None:
    """Build the website and JSON API into a folder (default _site/)."""
    click.echo(_built(_build(ctx, catalog, out, base_url, on)))


@cli.command()
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
    port: int,
    watch: bool,
) -> None:
    """Build the website, then serve it on 127.0.0.1 for preview (Ctrl-C stops)."""
    import threading

    from engine import serve as preview

    result = _build(ctx, catalog, out, base_url, on)
    click.echo(_built(result).splitlines()[0])
    try:
        server = preview.make_server(result.path, port, quiet=False)
    except OSError as exc:
        _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", 1)
    stop = threading.Event()
    watching = ""
    if watch:
        from engine.resources import data_dir

        root = Path(catalog or ctx.obj.get("catalog") or data_dir("catalog"))
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
    from engine.loader import load
    from engine.publish import PublishError
    from engine.site import build, build_day

    try:
        result = build(load(root), out, base_url=base_url, on=build_day(on))
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


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``care-catalog`` script."""
    _run(cli, argv)


def _run(command: click.Command, argv: Sequence[str] | None) -> None:
    try:
        command.main(args=list(argv) if argv is not None else None, prog_name="care-catalog")
    except KeyboardInterrupt:
        _fail("interrupted", 130)


__all__ = ["cli", "main"]
