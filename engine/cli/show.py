"""``care-catalog show``: products, families, regions, incidents, one product, one plan."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from engine.cli.common import (
    DATE,
    echo_json,
    load_catalog,
    table,
    user_errors,
)

if TYPE_CHECKING:
    from engine.catalog.lookups import Catalog


@click.group()
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

    with user_errors():
        cat = load_catalog(ctx)
        products = cat.products(family=family, category=category)
        if as_json:
            echo_json([product_summary_json(cat, p) for p in products])
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
            table(["id", "model", "family", "category", "offers", "flyaway listed"], rows, "")
        )
        click.echo(f"\n{len(products)} products")


@show.command("families")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_families(ctx: click.Context, as_json: bool) -> None:
    """List the product families: category, models and default covered components."""
    with user_errors():
        cat = load_catalog(ctx)
        families = sorted(cat.families.values(), key=lambda f: f.id)
        models = {f.id: [p.id for p in cat.products(family=f.id)] for f in families}
        if as_json:
            echo_json(
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
        click.echo(table(["id", "family", "category", "models"], rows, ""))
        click.echo(f"\n{len(families)} families")


@show.command("regions")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_regions(ctx: click.Context, as_json: bool) -> None:
    """List the markets: currency, locale, service area, and how many offers each has."""
    with user_errors():
        cat = load_catalog(ctx)
        offers: dict[str, int] = {}
        for product in cat.products():
            for offer in product.offers:
                offers[offer.region] = offers.get(offer.region, 0) + 1
        regions = sorted(cat.regions.values(), key=lambda r: r.id)
        if as_json:
            echo_json(
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
            table(["id", "market", "currency", "locale", "service area", "offers"], rows, "")
        )
        click.echo(f"\n{len(regions)} regions (* the default)")


@show.command("incidents")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_incidents(ctx: click.Context, as_json: bool) -> None:
    """List what can happen to a device: the incident ids a claim is decided for."""
    with user_errors():
        cat = load_catalog(ctx)
        incidents = list(cat.incidents.values())
        if as_json:
            echo_json(
                [
                    {"id": i.id, "name": i.name, "kind": i.kind, "description": i.description}
                    for i in incidents
                ]
            )
            return
        rows = [[i.id, i.name, i.kind] for i in incidents]
        click.echo(table(["id", "incident", "kind"], rows, ""))
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

    with user_errors():
        cat = load_catalog(ctx)
        product = cat.product(product_id)
        if region:
            cat.region(region)
        data = product_json(cat, product, region, on)
        if as_json:
            echo_json(data)
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
    lines.append(table(["plan", "terms", "replacements", "flyaway", "term", "warranty"], rows))
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
            table(
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

    with user_errors():
        cat = load_catalog(ctx)
        data = plan_json(cat, cat.plan(plan_id), on)
        if as_json:
            echo_json(data)
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
