"""``connect-numbers inventory load``: an operator's numbers from a CSV file of any size.

The file is read line by line and sent in parts well below the server's body limit
(``POST inventory`` with ``"partial": true``): each part is loaded as one
transaction, rows the server refuses are reported with their line in the file, and
loading the same file again only counts its numbers as already present.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import click

from ._cli_support import client
from .admin_client import AdminClient, AdminClientError

__all__ = ["CHUNK_BYTES", "inventory"]

CHUNK_BYTES = 512 << 10  # JSON text of one part; the server takes bodies up to 1 MiB
REFUSALS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Part:
    """Consecutive lines of the file, from ``first_line`` on."""

    first_line: int
    lines: list[str]
    size: int  # bytes of the file they came from

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1


@dataclass(slots=True)
class Tally:
    """What the server answered so far."""

    started: float = field(default_factory=time.monotonic)
    loaded: int = 0
    present: int = 0
    refused: int = 0
    refusals: list[tuple[int, str]] = field(default_factory=list)  # (file line, reason)

    @property
    def rows(self) -> int:
        return self.loaded + self.present + self.refused

    def add(self, part: Part, answer: dict[str, Any]) -> None:
        self.loaded += answer["added"]
        self.present += answer["already_present"]
        self.refused += answer.get("refused", 0)
        for refusal in answer.get("refusals", []):
            if len(self.refusals) < REFUSALS_SHOWN:
                line = part.first_line + (refusal.get("line") or 1) - 1
                self.refusals.append((line, refusal["reason"]))

    def rate(self) -> float:
        return self.rows / max(time.monotonic() - self.started, 1e-6)

    def status(self) -> str:
        return (
            f"{self.loaded:,} loaded, {self.present:,} already present, "
            f"{self.refused:,} refused, {self.rate():,.0f} rows/s"
        )

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        lines = [
            f"Loaded {self.loaded:,} numbers, {self.present:,} already present, "
            f"{self.refused:,} refused ({self.rows:,} rows in {elapsed:.1f} s, "
            f"{self.rate():,.0f} rows/s)."
        ]
        lines += [f"  line {line}: {reason}" for line, reason in self.refusals]
        if self.refused > len(self.refusals):
            lines.append(f"  ... and {self.refused - len(self.refusals):,} more refused")
        return "\n".join(lines)


def parts(handle: IO[str], limit: int = CHUNK_BYTES) -> Iterator[Part]:
    """The file's lines in parts whose JSON text stays under ``limit`` bytes."""
    lines: list[str] = []
    first, size, encoded = 1, 0, 0
    for number, line in enumerate(handle, start=1):
        cost = len(json.dumps(line)) - 2
        if lines and encoded + cost > limit:
            yield Part(first, lines, size)
            lines, first, size, encoded = [], number, 0, 0
        lines.append(line)
        size += len(line.encode("utf-8", "replace"))
        encoded += cost
    if lines:
        yield Part(first, lines, size)


@click.group()
def inventory() -> None:
    """Load your own number inventory.

    \b
    Example:
      connect-numbers inventory load numbers.csv
    """


@inventory.command("load")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.pass_context
def inventory_load(ctx: click.Context, csv_file: str) -> None:
    """Load numbers from CSV_FILE (phone_number,country,type rows; - for stdin).

    The file may be of any size: it is sent in parts of at most 512 KiB. A row the
    server refuses (not a valid number of its country and type, or already loaded
    as another type) is reported with its line; the other rows are loaded. The exit
    status is 1 if any row was refused. Loading a file again is safe: its numbers
    count as already present. On a terminal a progress bar shows the counts and the
    rate; elsewhere only the summary is printed.

    \b
    Example:
      printf '+12065550100,US,DID\\n+12065550101,US,DID\\n' > numbers.csv
      connect-numbers inventory load numbers.csv
    """
    admin = client(ctx)
    tally = Tally()
    with click.open_file(csv_file, "r", encoding="utf-8", errors="replace") as handle:
        total = os.path.getsize(csv_file) if csv_file != "-" else 0
        if total and sys.stderr.isatty():
            _load_with_bar(admin, handle, total, tally)
        else:
            _load(admin, handle, tally)
    click.echo(tally.summary())
    if tally.refused:
        ctx.exit(1)


def _load(admin: AdminClient, handle: IO[str], tally: Tally) -> None:
    for part in parts(handle):
        _send(admin, part, tally)


def _load_with_bar(admin: AdminClient, handle: IO[str], total: int, tally: Tally) -> None:
    with click.progressbar(
        length=total,
        label="Loading",
        file=sys.stderr,
        item_show_func=lambda status: status,
        show_eta=True,
    ) as bar:
        for part in parts(handle):
            _send(admin, part, tally)
            bar.update(part.size, tally.status())


def _send(admin: AdminClient, part: Part, tally: Tally) -> None:
    body = {"csv": "".join(part.lines), "partial": True}
    try:
        tally.add(part, admin.call("POST", "inventory", body))
    except AdminClientError as error:
        raise click.ClickException(
            f"{error} (lines {part.first_line}-{part.last_line}; lines before them are "
            f"loaded: {tally.status()}; loading the file again is safe)"
        ) from None
