"""``connect-numbers accounts``: accounts and their access keys."""

from __future__ import annotations

import json
from typing import Any

import click

from ._cli_support import Column, call, fetch, output_option, show_rows

__all__ = ["accounts"]


@click.group()
def accounts() -> None:
    """Create accounts and issue, list or revoke their access keys."""


@accounts.command("create")
@click.argument("account_id")
@click.pass_context
def accounts_create(ctx: click.Context, account_id: str) -> None:
    """Create the account ACCOUNT_ID (12 digits).

    \b
    Example:
      connect-numbers accounts create 111111111111
    """
    call(ctx, "POST", "accounts", {"account_id": account_id})


@accounts.command("list")
@output_option
@click.pass_context
def accounts_list(ctx: click.Context, output: str | None) -> None:
    """List the accounts.

    \b
    Examples:
      connect-numbers accounts list
      connect-numbers accounts list --output json
    """
    answer = fetch(ctx, "GET", "accounts")
    show_rows(answer, answer["accounts"], [Column("ACCOUNT")], output)


@accounts.group("keys")
def keys() -> None:
    """Access keys of an account."""


@keys.command("create")
@click.argument("account_id")
@click.argument("principal")
@click.option(
    "--policy",
    "policy_file",
    type=click.File("r"),
    default=None,
    help="A JSON file with an IAM-shaped policy; without one the key may do everything.",
)
@click.pass_context
def keys_create(ctx: click.Context, account_id: str, principal: str, policy_file: Any) -> None:
    """Issue a key acting as PRINCIPAL in ACCOUNT_ID; the secret is printed only now.

    \b
    Examples:
      connect-numbers accounts keys create 111111111111 alice
      connect-numbers accounts keys create 111111111111 ci --policy readonly.json
    """
    body: dict[str, Any] = {"principal": principal}
    if policy_file is not None:
        try:
            body["policy"] = json.load(policy_file)
        except ValueError as error:
            raise click.BadParameter(f"the policy file is not JSON: {error}") from None
    call(ctx, "POST", f"accounts/{account_id}/keys", body)


_KEY_COLUMNS = [
    Column("ACCESS KEY ID", "access_key_id"),
    Column("PRINCIPAL", "principal"),
    Column("CREATED", "created_at", time=True),
    Column("REVOKED", "revoked_at", time=True),
    Column("POLICY", "policy"),
]


@keys.command("list")
@click.argument("account_id")
@output_option
@click.pass_context
def keys_list(ctx: click.Context, account_id: str, output: str | None) -> None:
    """List the keys of ACCOUNT_ID (never their secrets).

    \b
    Examples:
      connect-numbers accounts keys list 111111111111
      connect-numbers accounts keys list 111111111111 --output json
    """
    answer = fetch(ctx, "GET", f"accounts/{account_id}/keys")
    show_rows(answer, answer["keys"], _KEY_COLUMNS, output)


@keys.command("revoke")
@click.argument("account_id")
@click.argument("access_key_id")
@click.pass_context
def keys_revoke(ctx: click.Context, account_id: str, access_key_id: str) -> None:
    """Revoke the key ACCESS_KEY_ID of ACCOUNT_ID (it stops working at once).

    \b
    Example:
      connect-numbers accounts keys revoke 111111111111 AKIAEXAMPLE0000000000
    """
    call(ctx, "DELETE", f"accounts/{account_id}/keys/{access_key_id}")
