"""What the command groups share: calling the admin API and printing its answer.

Commands that print a list take ``--output table|json`` (``output_option``) and print
with ``show_rows``: the table form has one line per row, aligned columns and times
in UTC; the JSON form is the admin API's answer as it came.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from .admin_client import AdminClient, AdminClientError

__all__ = [
    "Column",
    "call",
    "client",
    "fetch",
    "human_time",
    "output_option",
    "render_table",
    "show_rows",
]

Command = TypeVar("Command", bound=Callable[..., Any])


def client(ctx: click.Context) -> AdminClient:
    """An admin client for the server named by the root options."""
    options = ctx.find_root().params
    return AdminClient(options["endpoint"], options["admin_token"])


def fetch(ctx: click.Context, method: str, path: str, body: Any = None) -> Any:
    """The admin API's JSON answer; a failure is a one-line CLI error."""
    try:
        return client(ctx).call(method, path, body)
    except AdminClientError as error:
        raise click.ClickException(str(error)) from None


def call(ctx: click.Context, method: str, path: str, body: Any = None) -> None:
    """Call the admin API of the server named by the root options; print the JSON answer."""
    click.echo(json.dumps(fetch(ctx, method, path, body), indent=2, sort_keys=True))


# --- lists: --output table|json ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header, and the row's field it shows (None: the row itself).

    ``time`` columns hold epoch seconds and are shown in UTC.
    """

    header: str
    field: str | None = None
    time: bool = False

    def cell(self, row: Any) -> str:
        value = row.get(self.field) if self.field is not None else row
        if value is None or value == "":
            return "-"
        if self.time and isinstance(value, int | float) and not isinstance(value, bool):
            return human_time(value)
        if isinstance(value, dict | list):
            return json.dumps(value, separators=(",", ":"), sort_keys=True)
        return str(value)


def output_option(command: Command) -> Command:
    """``--output table|json``: table on a terminal, JSON otherwise (for scripts)."""
    option = click.option(
        "--output",
        "-o",
        type=click.Choice(["table", "json"]),
        default=None,
        help="table (aligned columns, times in UTC) or json (the admin API's answer). "
        "[default: table on a terminal, json otherwise]",
    )
    return option(command)


def show_rows(
    answer: Any, rows: Sequence[Any], columns: Sequence[Column], output: str | None
) -> None:
    """Print ``rows`` of ``answer`` as a table, or ``answer`` as JSON (see ``output_option``)."""
    if (output or _default_output()) == "json":
        click.echo(json.dumps(answer, indent=2, sort_keys=True))
    else:
        click.echo(render_table(rows, columns))


def render_table(rows: Sequence[Any], columns: Sequence[Column]) -> str:
    """Aligned columns under their headers; ``(none)`` under the headers of no rows."""
    cells = [[column.cell(row) for column in columns] for row in rows]
    headers = [column.header for column in columns]
    widths = [max(len(text) for text in column) for column in zip(headers, *cells, strict=False)]
    lines = [_line(headers, widths), *(_line(row, widths) for row in cells)]
    if not rows:
        lines.append("(none)")
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(text.ljust(width) for text, width in zip(cells, widths, strict=True)).rstrip()


def human_time(epoch: float) -> str:
    """``2026-12-01 15:39:13 UTC``; fractions of a second are dropped."""
    try:
        moment = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        return str(epoch)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _default_output() -> str:
    return "table" if sys.stdout.isatty() else "json"
