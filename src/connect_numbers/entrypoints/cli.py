"""The ``connect-numbers`` command line."""

from __future__ import annotations

import json
import re
import sys
from typing import Any
from urllib.parse import quote

import click

from .. import __version__
from ._cli_support import Column, fetch, output_option, show_rows
from ._cli_support import call as _call
from .cli_accounts import accounts
from .cli_faults import faults
from .cli_inventory import inventory
from .cli_reads import churn, cooldowns, numbers_list
from .cli_sources import source_numbers

__all__ = ["main", "parse_duration"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^(-?\d+(?:\.\d+)?)([smhdw]?)$")


def parse_duration(text: str) -> float:
    """Seconds in ``text``: ``90s``, ``15m``, ``12h``, ``181d``, ``2w`` (the unit is required)."""
    found = _DURATION.match(text.strip())
    if found is None:
        raise click.BadParameter(
            f"{text!r} is not a duration like 45s, 15m, 12h or 181d", param_hint="DURATION"
        )
    if not found[2]:
        number = found[1]
        raise click.BadParameter(
            f"{text!r} has no unit: say {number}s, {number}m, {number}h, {number}d or {number}w",
            param_hint="DURATION",
        )
    return float(found[1]) * _UNITS[found[2]]


class StartupFailure(click.ClickException):
    """``serve`` cannot start: one line on stderr, exit status 2."""

    exit_code = 2


class _ServeCommand(click.Command):
    """``serve``, whose option mistakes (``--port abc``) are one line too, not a usage text."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            message = " ".join(error.format_message().split())
            raise StartupFailure(f"{message} (see connect-numbers serve --help)") from None


@click.group()
@click.version_option(__version__, prog_name="connect-numbers", message="%(prog)s %(version)s")
@click.option(
    "--endpoint",
    envvar="CONNECT_NUMBERS_ENDPOINT",
    default="http://127.0.0.1:4590",
    show_default=True,
    help="The server the admin commands talk to.",
)
@click.option(
    "--admin-token",
    envvar="CONNECT_NUMBERS_ADMIN_TOKEN",
    default=None,
    help="Bearer token for the admin API (if the server has one).",
)
def main(endpoint: str, admin_token: str | None) -> None:
    """connect-numbers: Amazon Connect's phone-number lifecycle, self-hosted.

    \b
    Examples:
      Start a server:      connect-numbers serve
      Move its clock:      connect-numbers clock advance 181d
      Read its settings:   connect-numbers config show
    """


@main.command("serve", cls=_ServeCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=4590, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--db",
    envvar="CONNECT_NUMBERS_DB",
    default="",
    help="sqlite:///path.db, or postgresql://user:password@host/db (postgres:// too)  "
    "[default: one SQLite file in the user's data directory, shared by every server "
    "of this user]",
)
@click.option(
    "--synchronous",
    type=click.Choice(["NORMAL", "FULL"]),
    default="NORMAL",
    show_default=True,
    help="SQLite durability: NORMAL survives a crash of the server, FULL also a power loss.",
)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes.")
@click.option(
    "--db-connect-timeout",
    envvar="CONNECT_NUMBERS_DB_CONNECT_TIMEOUT",
    default=5.0,
    show_default=True,
    type=float,
    help="Seconds to wait for a new PostgreSQL connection before the request fails "
    "(500, which SDKs retry).",
)
@click.option(
    "--db-statement-timeout",
    envvar="CONNECT_NUMBERS_DB_STATEMENT_TIMEOUT",
    default=5.0,
    show_default=True,
    type=float,
    help="Seconds one statement may take: PostgreSQL cancels it (a hung server is given "
    "up 1 s later); SQLite waits that long for its write lock.",
)
@click.option(
    "--maintenance-interval",
    envvar="CONNECT_NUMBERS_MAINTENANCE_INTERVAL",
    default=60.0,
    show_default=True,
    type=float,
    help="Seconds between background passes that delete expired client tokens (and "
    "history beyond history_retention_days); 0 turns them off.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
    help="Least severe level logged; the access log (connect_numbers.access) is at info.",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per record; json: one JSON object per line.",
)
@click.option(
    "--admin-token",
    "serve_admin_token",
    envvar="CONNECT_NUMBERS_ADMIN_TOKEN",
    default=None,
    help="Bearer token the admin API requires (needed off loopback).  "
    "[env: CONNECT_NUMBERS_ADMIN_TOKEN]",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    host: str,
    port: int,
    db: str,
    synchronous: str,
    workers: int,
    db_connect_timeout: float,
    db_statement_timeout: float,
    maintenance_interval: float,
    log_level: str,
    log_format: str,
    serve_admin_token: str | None,
) -> None:
    """Start the server (Connect's API, and the admin API under /_connect-numbers/).

    \b
    Examples:
      connect-numbers serve
      connect-numbers serve --port 4591 --db sqlite:///./numbers.db
      connect-numbers serve --host 0.0.0.0 --admin-token s3cret
      connect-numbers serve --db postgresql://user:password@db.internal/connect_numbers
    """
    from .server import ServerSettings, StartupError, serve  # the admin commands need none of it

    settings = ServerSettings(
        host=host,
        port=port,
        db=db,
        admin_token=serve_admin_token or ctx.find_root().params["admin_token"],
        synchronous=synchronous,
        log_level=log_level,
        workers=workers,
        log_format=log_format,
        db_connect_timeout=db_connect_timeout,
        db_statement_timeout=db_statement_timeout,
        maintenance_interval=maintenance_interval,
    )
    try:
        serve(settings)
    except StartupError as error:
        raise StartupFailure(str(error)) from None


@main.group()
def clock() -> None:
    """Read or move the service clock (every rule reads it; the wall clock is untouched).

    \b
    Examples:
      connect-numbers clock show
      connect-numbers clock advance 181d
      connect-numbers clock freeze
    """


@clock.command("show")
@click.pass_context
def clock_show(ctx: click.Context) -> None:
    """Print the service time, its offset from the wall clock and whether it is frozen.

    \b
    Example:
      connect-numbers clock show
    """
    _call(ctx, "GET", "clock")


@clock.command("advance", context_settings={"ignore_unknown_options": True})
@click.argument("duration")
@click.pass_context
def clock_advance(ctx: click.Context, duration: str) -> None:
    """Move the clock forward by DURATION: a number and its unit, s, m, h, d or w
    (45s, 15m, 12h, 181d, 2w; negative goes back). A bare number is refused.

    \b
    Examples:
      connect-numbers clock advance 181d
      connect-numbers clock advance -12h
    """
    _call(ctx, "POST", "clock", {"advance_seconds": parse_duration(duration)})


@clock.command("set")
@click.argument("epoch", type=float)
@click.pass_context
def clock_set(ctx: click.Context, epoch: float) -> None:
    """Set the clock to EPOCH seconds.

    \b
    Example:
      connect-numbers clock set 1798761600
    """
    _call(ctx, "POST", "clock", {"set": epoch})


@clock.command("freeze")
@click.pass_context
def clock_freeze(ctx: click.Context) -> None:
    """Stop the clock at its current reading.

    \b
    Example:
      connect-numbers clock freeze
    """
    _call(ctx, "POST", "clock", {"freeze": True})


@clock.command("unfreeze")
@click.pass_context
def clock_unfreeze(ctx: click.Context) -> None:
    """Let a frozen clock run again from its reading.

    \b
    Example:
      connect-numbers clock unfreeze
    """
    _call(ctx, "POST", "clock", {"freeze": False})


@clock.command("reset")
@click.pass_context
def clock_reset(ctx: click.Context) -> None:
    """Return the clock to the wall clock.

    \b
    Example:
      connect-numbers clock reset
    """
    _call(ctx, "POST", "clock", {"reset": True})


@main.group()
def config() -> None:
    """Read or change the rules' configuration.

    \b
    Examples:
      connect-numbers config show
      connect-numbers config set cooldown_days=30
    """


@config.command("show")
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Print the whole configuration.

    \b
    Example:
      connect-numbers config show
    """
    _call(ctx, "GET", "config")


@config.command("set")
@click.argument("assignments", nargs=-1, required=True)
@click.pass_context
def config_set(ctx: click.Context, assignments: tuple[str, ...]) -> None:
    """Change settings given as KEY=VALUE (throttling.rate=2 for nested ones).

    \b
    Examples:
      connect-numbers config set cooldown_days=30 churn_window_days=30
      connect-numbers config set throttling.enabled=true throttling.rate=2
    """
    _call(ctx, "PUT", "config", _assignments(assignments))


def _assignments(assignments: tuple[str, ...]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for item in assignments:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        target = changes
        *parents, leaf = key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return changes


@main.group()
def quotas() -> None:
    """Read or change an account's phone-number quota in a region.

    \b
    Examples:
      connect-numbers quotas show 000000000000 us-east-1
      connect-numbers quotas set 000000000000 us-east-1 99
    """


@quotas.command("show")
@click.argument("account")
@click.argument("region")
@click.pass_context
def quotas_show(ctx: click.Context, account: str, region: str) -> None:
    """Print the quota of ACCOUNT in REGION.

    \b
    Example:
      connect-numbers quotas show 000000000000 us-east-1
    """
    _call(ctx, "GET", f"quotas/{account}/{region}")


@quotas.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("account")
@click.argument("region")
@click.argument("phone_numbers_per_instance", type=int)
@click.pass_context
def quotas_set(
    ctx: click.Context, account: str, region: str, phone_numbers_per_instance: int
) -> None:
    """Set the phone numbers per instance of ACCOUNT in REGION (the churn rule uses it too).

    \b
    Example:
      connect-numbers quotas set 000000000000 us-east-1 99
    """
    body = {"phone_numbers_per_instance": phone_numbers_per_instance}
    _call(ctx, "PUT", f"quotas/{account}/{region}", body)


@main.group()
def numbers() -> None:
    """Every number held, a phone number's history, and restoring a released one.

    \b
    Examples:
      connect-numbers numbers list --status CLAIMED
      connect-numbers numbers history +12065550100
      connect-numbers numbers restore +12065550100
    """


_HISTORY_COLUMNS = [
    Column("TIME", "time", time=True),
    Column("EVENT", "event"),
    Column("ACCOUNT", "account_id"),
    Column("REGION", "region"),
    Column("PRINCIPAL", "principal"),
    Column("REQUEST ID", "request_id"),
    Column("DETAILS", "details"),
]
_EVENT_FIELDS = {c.field for c in _HISTORY_COLUMNS} | {"phone_number", "phone_number_id"}


@numbers.command("history")
@click.argument("phone_number")
@output_option
@click.pass_context
def numbers_history(ctx: click.Context, phone_number: str, output: str | None) -> None:
    """Print every lifecycle event of PHONE_NUMBER (E.164).

    \b
    Examples:
      connect-numbers numbers history +12065550100
      connect-numbers numbers history +12065550100 --output json
    """
    answer = fetch(ctx, "GET", f"numbers/{quote(phone_number)}/history")
    rows = [
        {**event, "details": {k: v for k, v in event.items() if k not in _EVENT_FIELDS} or None}
        for event in answer["events"]
    ]
    show_rows(answer, rows, _HISTORY_COLUMNS, output)


@numbers.command("restore")
@click.argument("phone_number")
@click.pass_context
def numbers_restore(ctx: click.Context, phone_number: str) -> None:
    """Give a number in cooldown back to its last owner (what AWS Support does).

    \b
    Example:
      connect-numbers numbers restore +12065550100
    """
    _call(ctx, "POST", f"numbers/{quote(phone_number)}/restore", {})


@main.command("health")
@click.pass_context
def health(ctx: click.Context) -> None:
    """Check that the server answers.

    \b
    Example:
      connect-numbers health
    """
    _call(ctx, "GET", "health")


@main.command("maintenance")
@click.option("--limit", default=1000, show_default=True, type=int, help="Rows of each kind.")
@click.pass_context
def maintenance(ctx: click.Context, limit: int) -> None:
    """Run one background-maintenance pass now: delete expired client tokens (and history
    beyond history_retention_days), at most LIMIT rows of each kind; print the counts.

    \b
    Example:
      connect-numbers maintenance
    """
    _call(ctx, "POST", "maintenance", {"limit": limit})


@main.command("reset")
@click.confirmation_option(prompt="Wipe all state of the server?")
@click.pass_context
def reset(ctx: click.Context) -> None:
    """Wipe all state of the server (for tests).

    \b
    Example:
      connect-numbers reset --yes
    """
    _call(ctx, "POST", "reset", {})


main.add_command(accounts)
main.add_command(inventory)
main.add_command(cooldowns)
main.add_command(churn)
numbers.add_command(numbers_list)
main.add_command(source_numbers)
main.add_command(faults)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
