"""The inventory of available numbers: synthetic by default, or loaded by an operator.

Once an operator has loaded numbers for a (country, type), only loaded numbers
are offered and claimable there; elsewhere the synthetic inventory serves.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..domain import inventory as synthetic
from ..domain.errors import InvalidParameter
from ..domain.inventory import NumberType
from .context import Services, Tx, transaction

__all__ = ["MAX_ROWS", "classify_claimable", "load_inventory"]

MAX_ROWS = 1_000_000
_TYPES = {t.value for t in NumberType}

Row = tuple[str, str, str]  # (e164, country, type)
Placed = list[tuple[str, Row]]  # each row with where it was given, for error messages


def classify_claimable(tx: Tx, e164: str) -> tuple[str, str] | None:
    """(country, type) of a number in the inventory, or None if it is not in it."""
    loaded = tx.uow.inventory.contains(e164)
    if loaded is not None:
        return loaded
    key = tx.inventory.locate(e164)
    if key is None or tx.uow.inventory.loaded(key.country, key.number_type.value):
        return None
    return key.country, key.number_type.value


def load_inventory(services: Services, document: dict[str, Any]) -> dict[str, Any]:
    """Load ``numbers`` rows, ``ranges`` and/or ``csv`` text; all or nothing."""
    rows, errors = _rows(document)
    if errors:
        raise InvalidParameter("Inventory not loaded: " + "; ".join(errors[:20]))
    if not rows:
        raise InvalidParameter("Give numbers, ranges or csv to load")
    with transaction(services, write=True) as tx:
        chunks = [rows[i : i + 500] for i in range(0, len(rows), 500)]
        changed = []
        for chunk in chunks:
            known = tx.uow.inventory.known([e164 for e164, _, _ in chunk])
            changed += [
                f"{e164} is already in the inventory as {'/'.join(known[e164])}, "
                f"not {country}/{kind}"
                for e164, country, kind in chunk
                if known.get(e164, (country, kind)) != (country, kind)
            ]
        if changed:
            raise InvalidParameter("Inventory not loaded: " + "; ".join(changed[:20]))
        added = sum(tx.uow.inventory.add(chunk) for chunk in chunks)
        tx.uow.commit()
    buckets: dict[str, int] = {}
    for _, country, number_type in rows:
        buckets[f"{country}/{number_type}"] = buckets.get(f"{country}/{number_type}", 0) + 1
    return {
        "received": len(rows),
        "added": added,
        "already_present": len(rows) - added,
        "buckets": buckets,
    }


def _rows(document: dict[str, Any]) -> tuple[list[Row], list[str]]:
    unknown = set(document) - {"numbers", "ranges", "csv"}
    if unknown:
        return [], [f"unknown keys {sorted(unknown)}"]
    rows: Placed = []
    errors: list[str] = []
    for line, item in enumerate(_list(document.get("numbers")), start=1):
        _add_row(rows, errors, f"numbers[{line}]", item)
    for line, item in enumerate(_list(document.get("ranges")), start=1):
        _add_range(rows, errors, f"ranges[{line}]", item)
    text = document.get("csv")
    if text is not None:
        _add_csv(rows, errors, text)
    errors.extend(_conflicts(rows))
    if len(rows) > MAX_ROWS:
        errors.append(f"at most {MAX_ROWS} numbers per load, not {len(rows)}")
    return [row for _, row in rows], errors


def _conflicts(rows: Placed) -> list[str]:
    """A number given twice with different countries or types, naming both rows."""
    seen: dict[str, tuple[str, Row]] = {}
    found = []
    for where, row in rows:
        first_where, first = seen.setdefault(row[0], (where, row))
        if first[1:] != row[1:]:
            found.append(
                f"{where}: {row[0]} is given as {row[1]}/{row[2]} here and as "
                f"{first[1]}/{first[2]} in {first_where}"
            )
    return found


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidParameter("numbers and ranges must be JSON arrays")
    return value


def _add_row(rows: Placed, errors: list[str], where: str, item: Any) -> None:
    if not isinstance(item, dict):
        errors.append(f"{where}: not an object")
        return
    row = (item.get("phone_number"), item.get("country"), item.get("type"))
    problem = _problem(*row)
    if problem:
        errors.append(f"{where}: {problem}")
    else:
        rows.append((where, row))  # type: ignore[arg-type]


def _add_csv(rows: Placed, errors: list[str], text: Any) -> None:
    if not isinstance(text, str):
        errors.append("csv: must be text")
        return
    for line, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or fields == ["phone_number", "country", "type"]:
            continue
        if len(fields) != 3:
            errors.append(f"csv line {line}: expected phone_number,country,type")
            continue
        e164, country, number_type = (f.strip() for f in fields)
        problem = _problem(e164, country, number_type)
        if problem:
            errors.append(f"csv line {line}: {problem}")
        else:
            rows.append((f"csv line {line}", (e164, country, number_type)))


def _add_range(rows: Placed, errors: list[str], where: str, item: Any) -> None:
    if not isinstance(item, dict):
        errors.append(f"{where}: not an object")
        return
    start, count = item.get("start"), item.get("count")
    country, number_type = item.get("country"), item.get("type")
    if not isinstance(start, str) or not start[1:].isdigit() or not start.startswith("+"):
        errors.append(f"{where}: start must be an E.164 number")
        return
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_ROWS:
        errors.append(f"{where}: count must be a whole number from 1 to {MAX_ROWS}")
        return
    width = len(start) - 1
    for offset in range(count):
        e164 = "+" + str(int(start[1:]) + offset).zfill(width)
        problem = _problem(e164, country, number_type)
        if problem:
            errors.append(f"{where} (+{offset}): {problem}")
            if len(errors) > 20:
                return
        else:
            rows.append((f"{where} (+{offset})", (e164, str(country), str(number_type))))


def _problem(e164: Any, country: Any, number_type: Any) -> str | None:
    if not isinstance(e164, str) or not isinstance(country, str):
        return "phone_number and country must be strings"
    if number_type not in _TYPES:
        return f"type must be one of {sorted(_TYPES)}"
    if not synthetic.conforms(e164, country, NumberType(number_type)):
        return f"{e164} is not a valid {number_type} number of {country}"
    return None
