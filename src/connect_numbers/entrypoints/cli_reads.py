"""``numbers list``, ``cooldowns`` and ``churn``: the admin read API from the command line."""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import quote, urlencode

import click

from ._cli_support import Column, fetch, human_time, output_option, show_rows

__all__ = ["churn", "cooldowns", "numbers_list"]

_NUMBER_COLUMNS = [
    Column("PHONE NUMBER", "phone_number"),
    Column("STATUS", "status"),
    Column("ACCOUNT", "account_id"),
    Column("REGION", "region"),
    Column("TYPE", "type"),
    Column("INSTANCE", "instance_id"),
    Column("CLAIMED", "claimed_at", time=True),
    Column("DESCRIPTION", "description"),
]
_COOLDOWN_COLUMNS = [
    Column("PHONE NUMBER", "phone_number"),
    Column("ACCOUNT", "account_id"),
    Column("REGION", "region"),
    Column("RELEASED", "released_at", time=True),
    Column("COOLING UNTIL", "cooldown_until", time=True),
]
_BUDGET_COLUMNS = [Column("CHURN BUDGET", "name"), Column("", "value")]


def _page_options(command: Any) -> Any:
    for option in (
        click.option("--limit", type=click.IntRange(1, 1000), help="Items per page (1-1000)."),
        click.option("--next-token", help="The page after the one that gave this token."),
        click.option("--account", "account_id", help="Only this account (12 digits)."),
        click.option("--region", help="Only this region."),
    ):
        command = option(command)
    return command


def _query(**params: Any) -> str:
    given = {k: v for k, v in params.items() if v is not None}
    return f"?{urlencode(given)}" if given else ""


def _next_page(answer: dict[str, Any], output: str | None) -> None:
    table = (output or ("table" if sys.stdout.isatty() else "json")) == "table"
    if answer.get("next_token") and table:
        click.echo(f"(more: --next-token {answer['next_token']})", err=True)


@click.command("list")
@_page_options
@click.option(
    "--status", type=click.Choice(["CLAIMED", "IN_PROGRESS", "FAILED"]), help="Only this status."
)
@click.option("--instance", "instance_id", help="Only numbers on this instance id.")
@click.option("--prefix", help="Only numbers that start with this (+ and digits).")
@output_option
@click.pass_context
def numbers_list(ctx: click.Context, /, output: str | None, **filters: Any) -> None:
    """List the numbers held in every account and region, in E.164 order.

    \b
    Examples:
      connect-numbers numbers list
      connect-numbers numbers list --account 000000000000 --status CLAIMED
      connect-numbers numbers list --prefix +1206 --limit 1000 --output json
    """
    answer = fetch(ctx, "GET", f"numbers{_query(**filters)}")
    show_rows(answer, answer["numbers"], _NUMBER_COLUMNS, output)
    _next_page(answer, output)


@click.command("cooldowns")
@_page_options
@output_option
@click.pass_context
def cooldowns(ctx: click.Context, /, output: str | None, **filters: Any) -> None:
    """List released numbers still cooling, the soonest to come back first.

    \b
    Examples:
      connect-numbers cooldowns
      connect-numbers cooldowns --account 000000000000 --region us-east-1
    """
    answer = fetch(ctx, "GET", f"cooldowns{_query(**filters)}")
    show_rows(answer, answer["cooldowns"], _COOLDOWN_COLUMNS, output)
    _next_page(answer, output)


@click.command("churn")
@click.argument("account")
@click.argument("region")
@output_option
@click.pass_context
def churn(ctx: click.Context, account: str, region: str, output: str | None) -> None:
    """Show the churn budget of ACCOUNT in REGION: can it claim, and until when not.

    \b
    Examples:
      connect-numbers churn 000000000000 us-east-1
      connect-numbers churn 000000000000 us-east-1 --output json
    """
    answer = fetch(ctx, "GET", f"churn/{quote(account, safe='')}/{quote(region, safe='')}")
    show_rows(answer, _budget_rows(answer), _BUDGET_COLUMNS, output)


def _budget_rows(budget: dict[str, Any]) -> list[dict[str, Any]]:
    if budget["claims_allowed"]:
        claims = "allowed"
    elif budget["claims_never_resume"]:
        claims = "refused until the quota is raised"
    else:
        claims = f"refused until {human_time(budget['claims_resume_at'])}"
    rows = [
        ("claims", claims),
        ("releases in window", f"{budget['releases_in_window']} of {budget['limit']}"),
        ("releases left before lockout", budget["releases_left_before_lockout"]),
        ("limit", f"{budget['churn_percent']:g}% of the quota of {budget['quota']}"),
        ("window", f"{budget['window_days']:g} days"),
    ]
    rows += [
        (f"leave the window {human_time(s['at'])}", s["releases_leaving_window"])
        for s in budget["schedule"][:10]
    ]
    return [{"name": name, "value": value} for name, value in rows]
