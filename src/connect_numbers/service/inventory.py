"""The inventory of available numbers: synthetic by default, or loaded by an operator.

Once an operator has loaded numbers for a (country, type), only loaded numbers
are offered and claimable there; elsewhere the synthetic inventory serves.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from ..domain import inventory as synthetic
from ..domain.errors import InvalidParameter
from ..domain.inventory import NumberType
from .context import Services, Tx, transaction

__all__ = ["MAX_ROWS", "Refusal", "classify_claimable", "load_inventory"]

MAX_ROWS = 1_000_000
_TYPES = {t.value for t in NumberType}

MAX_REFUSALS_SHOWN = 100  # per load; the count of refusals is always complete
Row = tuple[str, str, str]  # (e164, country, type)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a row was given, for messages."""

    where: str
    line: int | None = None


Placed = tuple[Place, Row]


def classify_claimable(tx: Tx, e164: str) -> tuple[str, str] | None:
    """(country, type) of a number in the inventory, or None if it is not in it."""
    loaded = tx.uow.inventory.contains(e164)
    if loaded is not None:
        return loaded
    key = tx.inventory.locate(e164)
    if key is None or tx.uow.inventory.loaded(key.country, key.number_type.value):
        return None
    return key.country, key.number_type.value


@dataclass(frozen=True, slots=True)
class Refusal:
    """A row that is not loaded: where it was given, and why."""

    where: str  # "numbers[3]", "ranges[1] (+42)", "csv line 7"
    reason: str
    line: int | None = None  # the csv line, for a row of the csv text

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def as_document(self) -> dict[str, Any]:
        return {"where": self.where, "line": self.line, "reason": self.reason}


def load_inventory(services: Services, document: dict[str, Any]) -> dict[str, Any]:
    """Load ``numbers`` rows, ``ranges`` and/or ``csv`` text.

    All or nothing by default; with ``"partial": true`` the rows that can be loaded
    are, and the others are answered as refusals.
    """
    partial = document.get("partial", False)
    if not isinstance(partial, bool):
        raise InvalidParameter("partial must be true or false")
    rows, refusals = _rows(document)
    if refusals and not partial:
        raise InvalidParameter(_not_loaded(refusals))
    if not rows and not refusals:
        raise InvalidParameter("Give numbers, ranges or csv to load")
    with transaction(services, write=True) as tx:
        rows, changed = _unchanged_buckets(tx, rows)
        if changed and not partial:
            raise InvalidParameter(_not_loaded(changed))
        added = sum(tx.uow.inventory.add(chunk) for chunk in _chunks(rows))
        tx.uow.commit()
    answer = _counts(rows, added)
    if partial:
        refused = sorted(refusals + changed, key=lambda r: r.line or 0)  # stable: in order given
        answer["received"] += len(refused)
        answer["refused"] = len(refused)
        answer["refusals"] = [r.as_document() for r in refused[:MAX_REFUSALS_SHOWN]]
    return answer


def _not_loaded(refusals: list[Refusal]) -> str:
    return "Inventory not loaded: " + "; ".join(str(r) for r in refusals[:20])


def _chunks(rows: list[Placed]) -> list[list[Row]]:
    plain = [row for _, row in rows]
    return [plain[i : i + 500] for i in range(0, len(plain), 500)]


def _unchanged_buckets(tx: Tx, rows: list[Placed]) -> tuple[list[Placed], list[Refusal]]:
    """The rows not already in the inventory under another country or type, and refusals
    for those that are."""
    kept: list[Placed] = []
    changed: list[Refusal] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        known = tx.uow.inventory.known([row[0] for _, row in chunk])
        for place, (e164, country, kind) in chunk:
            bucket = known.get(e164, (country, kind))
            if bucket == (country, kind):
                kept.append((place, (e164, country, kind)))
            else:
                reason = (
                    f"{e164} is already in the inventory as {'/'.join(bucket)}, "
                    f"not {country}/{kind}"
                )
                changed.append(Refusal(place.where, reason, place.line))
    return kept, changed


def _counts(rows: list[Placed], added: int) -> dict[str, Any]:
    buckets: dict[str, int] = {}
    for _, (_, country, number_type) in rows:
        buckets[f"{country}/{number_type}"] = buckets.get(f"{country}/{number_type}", 0) + 1
    return {
        "received": len(rows),
        "added": added,
        "already_present": len(rows) - added,
        "buckets": buckets,
    }


def _rows(document: dict[str, Any]) -> tuple[list[Placed], list[Refusal]]:
    """The rows of the document, each with where it was given, and the rows refused.

    A mistake in the document itself (an unknown key, csv not text, too many rows) is
    raised: no row of it is loaded.
    """
    unknown = set(document) - {"numbers", "ranges", "csv", "partial"}
    if unknown:
        raise InvalidParameter(f"Inventory not loaded: unknown keys {sorted(unknown)}")
    rows: list[Placed] = []
    refusals: list[Refusal] = []
    for index, item in enumerate(_list(document.get("numbers")), start=1):
        _add_row(rows, refusals, f"numbers[{index}]", item)
    for index, item in enumerate(_list(document.get("ranges")), start=1):
        _add_range(rows, refusals, f"ranges[{index}]", item)
    text = document.get("csv")
    if text is not None:
        _add_csv(rows, refusals, text)
    rows = _without_conflicts(rows, refusals)
    if len(rows) + len(refusals) > MAX_ROWS:
        raise InvalidParameter(
            f"Inventory not loaded: at most {MAX_ROWS} numbers per load, "
            f"not {len(rows) + len(refusals)}"
        )
    return rows, refusals


def _without_conflicts(rows: list[Placed], refusals: list[Refusal]) -> list[Placed]:
    """A number given twice with different countries or types: the later row is refused,
    naming both rows."""
    seen: dict[str, Placed] = {}
    kept: list[Placed] = []
    for place, row in rows:
        first_place, first = seen.setdefault(row[0], (place, row))
        if first[1:] == row[1:]:
            kept.append((place, row))
            continue
        reason = (
            f"{row[0]} is given as {row[1]}/{row[2]} here and as "
            f"{first[1]}/{first[2]} in {first_place.where}"
        )
        refusals.append(Refusal(place.where, reason, place.line))
    return kept


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidParameter("numbers and ranges must be JSON arrays")
    return value


def _add_row(rows: list[Placed], refusals: list[Refusal], where: str, item: Any) -> None:
    if not isinstance(item, dict):
        refusals.append(Refusal(where, "not an object"))
        return
    row = (item.get("phone_number"), item.get("country"), item.get("type"))
    problem = _problem(*row)
    if problem:
        refusals.append(Refusal(where, problem))
    else:
        rows.append((Place(where), row))  # type: ignore[arg-type]


def _add_csv(rows: list[Placed], refusals: list[Refusal], text: Any) -> None:
    if not isinstance(text, str):
        raise InvalidParameter("Inventory not loaded: csv must be text")
    for line, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or fields == ["phone_number", "country", "type"]:
            continue
        where = f"csv line {line}"
        if len(fields) != 3:
            refusals.append(Refusal(where, "expected phone_number,country,type", line))
            continue
        e164, country, number_type = (f.strip() for f in fields)
        problem = _problem(e164, country, number_type)
        if problem:
            refusals.append(Refusal(where, problem, line))
        else:
            rows.append((Place(where, line), (e164, country, number_type)))


def _add_range(rows: list[Placed], refusals: list[Refusal], where: str, item: Any) -> None:
    if not isinstance(item, dict):
        refusals.append(Refusal(where, "not an object"))
        return
    start, count = item.get("start"), item.get("count")
    country, number_type = item.get("country"), item.get("type")
    if not isinstance(start, str) or not start[1:].isdigit() or not start.startswith("+"):
        refusals.append(Refusal(where, "start must be an E.164 number"))
        return
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_ROWS:
        refusals.append(Refusal(where, f"count must be a whole number from 1 to {MAX_ROWS}"))
        return
    width = len(start) - 1
    wrong = 0
    for offset in range(count):
        e164 = "+" + str(int(start[1:]) + offset).zfill(width)
        problem = _problem(e164, country, number_type)
        if problem:
            refusals.append(Refusal(f"{where} (+{offset})", problem))
            wrong += 1
            if wrong > 20:
                return
        else:
            rows.append((Place(f"{where} (+{offset})"), (e164, str(country), str(number_type))))


def _problem(e164: Any, country: Any, number_type: Any) -> str | None:
    if not isinstance(e164, str) or not isinstance(country, str):
        return "phone_number and country must be strings"
    if number_type not in _TYPES:
        return f"type must be one of {sorted(_TYPES)}"
    if not synthetic.conforms(e164, country, NumberType(number_type)):
        return f"{e164} is not a valid {number_type} number of {country}"
    return None
