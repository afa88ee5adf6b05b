"""SearchAvailablePhoneNumbers: numbers that nobody holds and that are not cooling.

Candidates come from the operator's loaded inventory for the (country, type)
if there is one, else from the synthetic inventory. Each search starts at a
place derived from the caller's account, region and how many claims it has
made, so successive claims spread over the space instead of piling up at its
start; a page then walks on from there, wrapping around, and checks its
candidates in batches against held and cooling numbers. Its cost does not grow
with the number of numbers already claimed.

A walk ends: its NextTokens count the numbers offered so far, and once
``search_results_limit`` (configuration, default 1000) have been offered the
last page carries no NextToken, so a paginator without a limit of its own stops.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..domain.errors import InvalidParameter
from ..domain.inventory import BucketKey, NumberType, is_valid_prefix
from ..domain.pagination import decode_token, encode_token
from .context import Caller, Services, Tx, transaction
from .targets import resolve_target

__all__ = ["SearchPage", "SearchQuery", "search_available"]

_BATCH = 64


def _batch(limit: int, scanned: int) -> int:
    """How many candidates to check next: a page and two more first (few numbers of a
    space are held or cooling), then more."""
    return min(_BATCH, max(limit + 2, 8) << min(scanned // 8, 3))


_MAX_CANDIDATES = 4096  # per request; a page cut short carries a NextToken


@dataclass(frozen=True, slots=True)
class SearchQuery:
    country: str
    number_type: str
    prefix: str | None
    target_arn: str | None
    instance_id: str | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    numbers: list[str]
    next_token: str | None


def search_available(
    services: Services,
    caller: Caller,
    query: SearchQuery,
    max_results: int | None,
    next_token: str | None,
) -> SearchPage:
    if query.prefix is not None and not is_valid_prefix(query.prefix):
        raise InvalidParameter(
            "PhoneNumberPrefix must be '+' followed by 1 to 11 digits (the country code "
            f"included), not {query.prefix!r}"
        )
    limit = max_results or 10
    with transaction(services, write=False) as tx:
        resolve_target(tx, caller, query.target_arn, query.instance_id, home_only=False)
        if tx.uow.inventory.loaded(query.country, query.number_type):
            return _search_loaded(tx, caller, query, limit, next_token)
        return _search_synthetic(tx, caller, query, limit, next_token)


def _salt(tx: Tx, caller: Caller) -> str:
    claims = tx.uow.quotas.claims_made(caller.account_id, caller.region)
    return f"{caller.account_id}/{caller.region}/{claims}"


def _free(tx: Tx, caller: Caller, candidates: list[str]) -> set[str]:
    """The candidates nobody else holds and that are not cooling."""
    held = {
        n.e164 for n in tx.uow.numbers.among(candidates) if n.held_for(caller.account_id, tx.now)
    }
    cooling = tx.uow.releases.cooling_among(candidates, tx.now)
    return set(candidates) - held - cooling


def _search_synthetic(
    tx: Tx, caller: Caller, query: SearchQuery, limit: int, next_token: str | None
) -> SearchPage:
    if query.number_type not in {t.value for t in NumberType}:
        return SearchPage([], None)
    key = BucketKey(query.country, NumberType(query.number_type))
    space = tx.inventory.space(key, query.prefix)
    if space is None or space.count == 0:
        return SearchPage([], None)
    if next_token is None:
        start, after, given = space.start_index(_salt(tx, caller)), None, 0
    else:
        start, after, given = _synthetic_position(next_token, space.count)
    limit = min(limit, tx.config.search_results_limit - given)
    found: list[str] = []
    scanned = 0
    while len(found) < limit and scanned < _MAX_CANDIDATES:
        batch = list(space.scan(start, after, _batch(limit, scanned)))
        if not batch:
            return SearchPage(found, None)
        scanned += len(batch)
        free = _free(tx, caller, [number for _, number in batch])
        for position, number in batch:
            after = position
            if number in free:
                found.append(number)
                if len(found) == limit:
                    break
    given += len(found)
    done = after is not None and after + 1 >= space.count
    if done or given >= tx.config.search_results_limit:
        return SearchPage(found, None)
    return SearchPage(found, encode_token("search", [start, after, given]))


def _synthetic_position(next_token: str, count: int) -> tuple[int, int | None, int]:
    """(start, after, given) of a synthetic-search NextToken; InvalidParameter if not one."""
    position = decode_token("search", next_token)
    if len(position) == 3:
        start, after, given = position
        if _position(start, count) and (after is None or _position(after, count)) and _count(given):
            return start, after, given
    raise InvalidParameter("The NextToken is not valid for this request")


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _position(value: object, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count


def _loaded_position(next_token: str) -> tuple[str, str | None, bool, int]:
    """(pivot, after, wrapped, given) of a loaded-search NextToken; InvalidParameter if not one."""
    position = decode_token("search-loaded", next_token)
    if len(position) == 4:
        pivot, after, wrapped, given = position
        if (
            isinstance(pivot, str)
            and (after is None or isinstance(after, str))
            and isinstance(wrapped, bool)
            and _count(given)
        ):
            return pivot, after, wrapped, given
    raise InvalidParameter("The NextToken is not valid for this request")


def _search_loaded(
    tx: Tx, caller: Caller, query: SearchQuery, limit: int, next_token: str | None
) -> SearchPage:
    """Loaded numbers in E.164 order from a pivot, then wrapping to the start."""
    if next_token is not None:
        pivot, after, wrapped, given = _loaded_position(next_token)
    else:
        pivot, after, wrapped, given = _pivot(query.prefix, _salt(tx, caller)), None, False, 0
    limit = min(limit, tx.config.search_results_limit - given)
    found: list[str] = []
    scanned = 0
    while len(found) < limit and scanned < _MAX_CANDIDATES:
        below = pivot + "~" if wrapped else None
        start = after if (after is not None or wrapped) else pivot
        batch = tx.uow.inventory.scan(
            query.country, query.number_type, query.prefix, start, below, _BATCH
        )
        if not batch:
            if wrapped:
                return SearchPage(found, None)
            wrapped, after = True, None
            continue
        scanned += len(batch)
        free = _free(tx, caller, batch)
        for candidate in batch:
            after = candidate
            if candidate in free:
                found.append(candidate)
                if len(found) == limit:
                    break
    given += len(found)
    if given >= tx.config.search_results_limit:
        return SearchPage(found, None)
    return SearchPage(found, encode_token("search-loaded", [pivot, after, wrapped, given]))


def _pivot(prefix: str | None, salt: str) -> str:
    """A stable pseudo-random E.164-shaped string that starts with ``prefix``."""
    digest = hashlib.blake2b(f"{prefix}/{salt}".encode(), digest_size=16).hexdigest()
    digits = str(int(digest, 16))
    head = prefix or "+"
    return (head + digits)[:16]
