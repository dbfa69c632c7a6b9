"""``care-catalog policy``: one unit's cover followed through claims and renewals, in date order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from engine.cli.common import DATE, echo_json, load_catalog, user_errors


def _claim(text: str) -> tuple[dt.date, str, bool]:
    """``DATE:INCIDENT`` or ``DATE:INCIDENT:unbound`` (the aircraft was not bound to the account)."""
    day, _, rest = text.partition(":")
    incident, _, flag = rest.partition(":")
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(
            f"'{text}': a claim is DATE:INCIDENT, e.g. 2024-03-01:collision", param_hint="--claim"
        ) from None
    if not incident or flag not in ("", "unbound"):
        raise click.BadParameter(
            f"'{text}': a claim is DATE:INCIDENT or DATE:INCIDENT:unbound", param_hint="--claim"
        )
    return when, incident, flag != "unbound"


@click.command()
@click.argument("product_id")
@click.argument("plan_id")
@click.option("--region", help="The market the plan was bought in (default: the catalog's).")
@click.option("--start", type=DATE, required=True, help="The day cover started.")
@click.option(
    "--claim",
    "claims",
    multiple=True,
    metavar="DATE:INCIDENT",
    help="A claim: its day and incident id (add ':unbound' when the aircraft was not bound). Repeatable.",
)
@click.option("--renew", "renewals", type=DATE, multiple=True, help="A renewal's day. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@click.pass_context
def policy(
    ctx: click.Context,
    product_id: str,
    plan_id: str,
    region: str | None,
    start: dt.date,
    claims: tuple[str, ...],
    renewals: tuple[dt.date, ...],
    as_json: bool,
) -> None:
    """Follow a policy through its claims and renewals: each decision, fee and what is left,
    and how the policy ends."""
    events: list[tuple[dt.date, int, str, Any]] = [
        (day, order, "claim", (incident, bound))
        for order, (day, incident, bound) in enumerate(_claim(c) for c in claims)
    ]
    events += [(day, len(events) + i, "renewal", None) for i, day in enumerate(renewals)]
    events.sort(key=lambda e: (e[0], e[1]))
    with user_errors():
        cat = load_catalog(ctx)
        reg = cat.region(region)
        ledger = cat.policy(product_id, plan_id, region=reg.id, start=start)
        timeline: list[dict[str, Any]] = []
        for day, _, kind, detail in events:
            if kind == "claim":
                incident, bound = detail
                decision = ledger.claim(incident, day, rc_bound=bound)
            else:
                decision = ledger.renew(day)
            timeline.append(
                {
                    "on": day.isoformat(),
                    "event": kind if kind == "renewal" else f"claim: {incident}",
                    "decision": decision,
                    "status": ledger.status(day),
                }
            )
        last = max(dt.date.fromisoformat(timeline[-1]["on"]) if timeline else start, start)
        end = ledger.status(last)
        ending = ledger.ending(last)
        if as_json:
            echo_json(
                {
                    "product": product_id,
                    "plan": plan_id,
                    "region": reg.id,
                    "start": start.isoformat(),
                    "events": [
                        {
                            "on": t["on"],
                            "event": t["event"],
                            "decision": t["decision"].to_json(),
                            "status": t["status"],
                        }
                        for t in timeline
                    ],
                    "status": end,
                    "ends": ending,
                }
            )
            return
        product, plan = cat.product(product_id), cat.plan(plan_id)
        click.echo(f"{product.name}, {plan.name}, bought in {reg.name}, cover from {start}")
        first = ledger.periods[0]
        flyaway = "flyaway not published" if first.flyaway is None else f"{first.flyaway} flyaway"
        click.echo(
            f"  {first.replacements} replacements ({flyaway}), cover to {first.end}"
            + (f", warranty to {first.warranty_end}" if first.warranty_end else "")
        )
        for t in timeline:
            d = t["decision"]
            fee = d.values.get("fee", "")
            shown = fee.format(reg.locale) if hasattr(fee, "currency") else ""
            if "fee" in d.values and fee is None:
                shown = "fee not published"
            status = t["status"]
            left = f"left: {status['replacements_left']}"
            if status["flyaway_left"] is not None:
                left += f" (flyaway {status['flyaway_left']})"
            click.echo(f"{t['on']}  {t['event']:<22} {d.outcome:<20} {shown:<16} {left}")
            click.echo(f"            because: {d.because} (rule {d.rule}, {d.location})")
        click.echo(f"ends: {ending['text']}")
