"""``connect-numbers source-numbers``: the numbers ImportPhoneNumber can take."""

from __future__ import annotations

import click

from ._cli_support import Column, call, fetch, output_option, show_rows

__all__ = ["source_numbers"]


@click.group("source-numbers")
def source_numbers() -> None:
    """Register, list or remove source numbers that accounts can import.

    \b
    Examples:
      connect-numbers source-numbers add 000000000000 us-east-1 +12065550100
      connect-numbers source-numbers list
      connect-numbers source-numbers remove phone-0123456789abcdef0123456789abcdef
    """


@source_numbers.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("account_id")
@click.argument("region")
@click.argument("phone_number")
@click.pass_context
def sources_add(ctx: click.Context, account_id: str, region: str, phone_number: str) -> None:
    """Register PHONE_NUMBER (E.164) as held by ACCOUNT_ID in REGION; prints its ARN.

    \b
    Example:
      connect-numbers source-numbers add 000000000000 us-east-1 +12065550100
    """
    body = {"account_id": account_id, "region": region, "phone_number": phone_number}
    call(ctx, "POST", "source-numbers", body)


_SOURCE_COLUMNS = [
    Column("ID", "id"),
    Column("PHONE NUMBER", "phone_number"),
    Column("COUNTRY", "country"),
    Column("TYPE", "type"),
    Column("ACCOUNT", "account_id"),
    Column("REGION", "region"),
    Column("REGISTERED", "created_at", time=True),
    Column("IMPORTED AS", "imported_as"),
]


@source_numbers.command("list")
@output_option
@click.pass_context
def sources_list(ctx: click.Context, output: str | None) -> None:
    """List the registered source numbers, with the phone number imported from each.

    \b
    Examples:
      connect-numbers source-numbers list
      connect-numbers source-numbers list --output json
    """
    answer = fetch(ctx, "GET", "source-numbers")
    show_rows(answer, answer["source_numbers"], _SOURCE_COLUMNS, output)


@source_numbers.command("remove")
@click.argument("source_id")
@click.pass_context
def sources_remove(ctx: click.Context, source_id: str) -> None:
    """Unregister SOURCE_ID (refused while a number imported from it is held).

    \b
    Example:
      connect-numbers source-numbers remove phone-0123456789abcdef0123456789abcdef
    """
    call(ctx, "DELETE", f"source-numbers/{source_id}")
