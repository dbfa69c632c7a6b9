"""``care-catalog validate`` and ``care-catalog test``: check the catalog and its scenario cases."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.cli.common import (
    chosen_catalog,
    echo_json,
    load_catalog,
    plural,
    user_errors,
)


@click.command()
@click.argument(
    "catalog", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-cache", is_flag=True, help="Re-read and re-validate every file.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (a stale source, say).")
@click.pass_context
def validate(
    ctx: click.Context, catalog: Path | None, fmt: str, no_cache: bool, strict: bool
) -> None:
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
        echo_json({"problems": [p.to_json() for p in report.problems], "summary": summary})
    else:
        for problem in report.problems:
            click.echo(problem.format())
        checked = f"checked {report.files} files in {label}"
        if cat:
            checked += f": {summary['products']} products, {summary['plans']} plans, {summary['offers']} offers"
        checked += f", {report.cases} cases"
        failed = report.errors or (strict and report.warnings)
        verdict = "FAILED" if failed else "ok"
        click.echo(
            f"{verdict}: {checked}; {plural(len(report.errors), 'error')}, "
            f"{plural(len(report.warnings), 'warning')}"
        )
    sys.exit(1 if report.errors or (strict and report.warnings) else 0)


@click.command("test")
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

    with user_errors():
        cat = load_catalog(ctx)
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
        echo_json(
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
