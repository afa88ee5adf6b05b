"""``connect-numbers faults``: make chosen calls fail on purpose (docs/faults.md)."""

from __future__ import annotations

from typing import Any

import click

from ._cli_support import call

__all__ = ["faults"]


@click.group("faults")
def faults() -> None:
    """Add, list and remove fault rules: errors, delays and FAILED outcomes on purpose.

    \b
    Examples:
      connect-numbers faults add ClaimPhoneNumber --error ThrottlingException --count 2
      connect-numbers faults add '*' --latency-ms 500 --probability 0.1 --seed 7
      connect-numbers faults add ClaimPhoneNumber --outcome FAILED
      connect-numbers faults list
      connect-numbers faults remove 4c1f8a4e-...
      connect-numbers faults clear
    """


@faults.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("operation")
@click.option("--error", "error_code", help="The error code to answer (ThrottlingException).")
@click.option("--message", help="The error's message (or the FAILED outcome's reason).")
@click.option("--latency-ms", type=int, help="Delay the answer (0 to 60000 ms).")
@click.option("--outcome", type=click.Choice(["FAILED"]), help="Settle the operation FAILED.")
@click.option("--count", type=int, help="Hit this many matching requests [default: until removed].")
@click.option("--probability", type=float, help="Hit each matching request with this chance.")
@click.option("--seed", type=int, help="Make the probability's choices repeatable.")
@click.option("--account", "account_id", help="Only this account's requests.")
@click.option("--region", help="Only requests to this region.")
@click.option("--phone-number", help="Only requests about this E.164 number.")
@click.pass_context
def faults_add(ctx: click.Context, /, operation: str, **options: Any) -> None:
    """Add a rule for OPERATION (a Connect operation name, or '*' for all); prints it.

    \b
    Example:
      connect-numbers faults add ClaimPhoneNumber --error ThrottlingException --count 2
    """
    rule: dict[str, Any] = {"operation": operation}
    code, message = options.pop("error_code"), options.pop("message")
    if code is not None:
        rule["error"] = {"code": code, **({"message": message} if message else {})}
    elif message is not None:
        rule["error"] = {"message": message}  # refused by the server, naming error.code
    rule.update({k: v for k, v in options.items() if v is not None})
    call(ctx, "POST", "faults", rule)


@faults.command("list")
@click.pass_context
def faults_list(ctx: click.Context) -> None:
    """List the rules in force, with their hits and remaining count.

    \b
    Example:
      connect-numbers faults list
    """
    call(ctx, "GET", "faults")


@faults.command("remove")
@click.argument("rule_id")
@click.pass_context
def faults_remove(ctx: click.Context, rule_id: str) -> None:
    """Remove the rule RULE_ID.

    \b
    Example:
      connect-numbers faults remove 4c1f8a4e-6f0e-4a53-9f3c-0d7f5d4f1b2a
    """
    call(ctx, "DELETE", f"faults/{rule_id}")


@faults.command("clear")
@click.pass_context
def faults_clear(ctx: click.Context) -> None:
    """Remove every rule.

    \b
    Example:
      connect-numbers faults clear
    """
    call(ctx, "DELETE", "faults")
