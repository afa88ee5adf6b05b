"""What the command groups share: calling the admin API and printing its answer."""

from __future__ import annotations

import json
from typing import Any

import click

from .admin_client import AdminClient, AdminClientError

__all__ = ["call"]


def call(ctx: click.Context, method: str, path: str, body: Any = None) -> None:
    """Call the admin API of the server named by the root options; print the JSON answer."""
    options = ctx.find_root().params
    client = AdminClient(options["endpoint"], options["admin_token"])
    try:
        answer = client.call(method, path, body)
    except AdminClientError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(answer, indent=2, sort_keys=True))
