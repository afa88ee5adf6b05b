"""Use cases of claimed phone numbers: claim, describe, list, move, describe anew, release."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..domain import events
from ..domain.arns import parse_arn
from ..domain.churn import check_churn
from ..domain.cooldown import Release
from ..domain.errors import InvalidParameter, NotFound
from ..domain.events import Event
from ..domain.faults import failure_message
from ..domain.inventory import is_valid_prefix
from ..domain.pagination import decode_key, page_of
from ..domain.phone_numbers import (
    NumberFilter,
    NumberListing,
    PhoneNumber,
    check_claim_token,
    new_claim,
    not_available,
    target_limit_failure,
)
from ..domain.traffic import paired_region
from .context import Caller, Services, Tx, as_document, parameters_of, run_once, transaction
from .inventory import classify_claimable
from .read_plans import claim_reads, release_reads
from .targets import TDG_KIND, Target, resolve_target

__all__ = [
    "ClaimPhoneNumber",
    "Claimed",
    "NumberPage",
    "Wanted",
    "check_claims_allowed",
    "check_free",
    "claim_phone_number",
    "describe_phone_number",
    "find_number",
    "find_visible_number",
    "list_phone_numbers",
    "release_number",
    "release_phone_number",
    "take_number",
    "update_phone_number",
    "update_phone_number_metadata",
]

_E164 = re.compile(r"^\+[0-9]{1,15}$")


@dataclass(frozen=True, slots=True)
class ClaimPhoneNumber:
    phone_number: str
    target_arn: str | None = None
    instance_id: str | None = None
    description: str | None = None
    tags: dict[str, str] | None = None
    client_token: str | None = None


@dataclass(frozen=True, slots=True)
class Claimed:
    phone_number_id: str
    phone_number_arn: str


@dataclass(frozen=True, slots=True)
class Done:
    """The recorded outcome of an operation that answers nothing."""

    phone_number_id: str


@dataclass(frozen=True, slots=True)
class NumberPage:
    numbers: list[NumberListing]
    next_token: str | None


def claim_phone_number(services: Services, caller: Caller, command: ClaimPhoneNumber) -> Claimed:
    check_claim_token(command.client_token)
    return run_once(
        services,
        caller,
        "ClaimPhoneNumber",
        command.client_token,
        parameters_of(command),
        Claimed,
        lambda tx: _claim(tx, caller, command),
        lambda tx: claim_reads(tx, caller, command),
    )


def _claim(tx: Tx, caller: Caller, command: ClaimPhoneNumber) -> Claimed:
    # the quota row before the target's: DeleteTrafficDistributionGroup takes them so too
    quota = check_claims_allowed(tx, caller)
    target = resolve_target(tx, caller, command.target_arn, command.instance_id)
    country, number_type = _claimable(tx, caller, command.phone_number)
    wanted = Wanted(command.phone_number, country, number_type, command.description, command.tags)
    return take_number(tx, caller, target, quota, wanted)


@dataclass(frozen=True, slots=True)
class Wanted:
    """A number a claim or an import takes, as it will be held."""

    e164: str
    country: str
    number_type: str
    description: str | None
    tags: dict[str, str] | None
    source_arn: str | None = None


def take_number(tx: Tx, caller: Caller, target: Target, quota: int, wanted: Wanted) -> Claimed:
    """Hold ``wanted`` on ``target`` (FAILED when the target is full), counted as a claim.

    The caller has checked the churn rule (``check_claims_allowed``) and that the
    number is free for it.
    """
    failure = injected_failure(caller) or target_limit_failure(
        target.arn, tx.uow.numbers.count_on_target(target.arn), quota
    )
    number = new_claim(
        e164=wanted.e164,
        country=wanted.country,
        number_type=wanted.number_type,
        account_id=caller.account_id,
        region=caller.region,
        target_arn=target.arn,
        instance_id=target.instance_id,
        description=wanted.description,
        failure=failure,
        now=tx.now,
        settle_seconds=tx.config.settle_seconds,
        source_arn=wanted.source_arn,
    )
    tx.uow.numbers.add(number)
    if wanted.tags:
        tx.uow.tags.put(number.arn, wanted.tags)
    tx.uow.quotas.count_claim(caller.account_id, caller.region)
    kind = events.IMPORT if wanted.source_arn else events.CLAIM
    detail = _settling(number) | ({"source_arn": wanted.source_arn} if wanted.source_arn else {})
    record(tx, caller, kind, number, detail | _fault(caller))
    return Claimed(number.id, number.arn)


def check_claims_allowed(tx: Tx, caller: Caller) -> int:
    """Lock the account's quota in this region, apply the churn rule; returns the quota."""
    tx.uow.quotas.lock(caller.account_id, caller.region)
    quota = tx.uow.quotas.phone_numbers_per_instance(caller.account_id, caller.region)
    window = tx.config.churn_window_seconds
    times = tx.uow.releases.times_since(caller.account_id, caller.region, tx.now - window)
    check_churn(times, quota, tx.config.churn_percent, window)
    return quota


def _claimable(tx: Tx, caller: Caller, e164: str) -> tuple[str, str]:
    """The number's country and type if the caller may claim it now."""
    found = classify_claimable(tx, e164)
    if found is None:
        raise not_available(e164)
    check_free(tx, caller, e164)
    return found


def check_free(tx: Tx, caller: Caller, e164: str) -> None:
    """Not available if anyone holds ``e164`` for the caller or it is cooling.

    A failed claim (or import) of the caller whose day of grace runs, or an
    expired one, is dropped: the number is taken anew.
    """
    existing = tx.uow.numbers.by_e164(e164)
    if existing is not None:
        if existing.held_for(caller.account_id, tx.now):
            raise not_available(e164)
        tx.uow.numbers.remove(existing.id)
        tx.uow.tags.clear(existing.arn)
    if tx.uow.releases.cooling_among([e164], tx.now):
        raise not_available(e164)


def injected_failure(caller: Caller) -> str | None:
    """The FAILED message an outcome fault rule gives this request, if one does."""
    return failure_message(caller.fault) if caller.fault is not None else None


def _fault(caller: Caller) -> dict[str, Any]:
    return {"fault_id": caller.fault.id} if caller.fault is not None else {}


def _settling(number: PhoneNumber) -> dict[str, Any]:
    return {
        "target_arn": number.target_arn,
        "settles_at": number.settles_at,
        "failure": number.failure,
    }


def record(tx: Tx, caller: Caller, kind: str, number: PhoneNumber, detail: dict[str, Any]) -> None:
    tx.uow.events.append(
        Event(
            tx.now,
            kind,
            number.e164,
            number.id,
            number.account_id,
            number.region,
            caller.principal,
            caller.request_id,
            detail,
        )
    )


def find_number(
    tx: Tx,
    caller: Caller,
    id_or_arn: str,
    *,
    any_region: bool = False,
    lookup: Callable[[str], PhoneNumber | None] | None = None,
) -> PhoneNumber:
    """The caller's number by id (in the caller's region) or by ARN; NotFound otherwise.

    With ``any_region`` an ARN may name a number of another region: the caller
    then decides what that means (release elsewhere is InvalidParameter).
    ``lookup`` reads a number by id (default: ``tx.uow.numbers.get``).
    """
    get = lookup or tx.uow.numbers.get
    by_arn = id_or_arn.startswith("arn:")
    if by_arn:
        parsed = parse_arn(id_or_arn)
        if parsed is None or parsed.kind != "phone-number":
            raise _missing(id_or_arn)
        number = get(parsed.resource_id)
        if number is None or number.arn != id_or_arn:
            raise _missing(id_or_arn)
    else:
        number = get(id_or_arn)
    if number is None or number.account_id != caller.account_id or number.expired(tx.now):
        raise _missing(id_or_arn)
    if number.region != caller.region and not (by_arn and any_region):
        raise _missing(id_or_arn)
    return number


def _missing(id_or_arn: str) -> NotFound:
    return NotFound(f"Phone number not found: {id_or_arn}")


def find_visible_number(
    tx: Tx,
    caller: Caller,
    id_or_arn: str,
    lookup: Callable[[str], PhoneNumber | None] | None = None,
) -> PhoneNumber:
    """The number as DescribePhoneNumber and flow association see it from the caller's region.

    A number claimed to a traffic distribution group is seen from both of the
    group's regions: in its home region by id or ARN, in the other only by ARN.
    """
    number = find_number(tx, caller, id_or_arn, any_region=True, lookup=lookup)
    if number.region != caller.region and not _on_tdg_spanning(number, caller.region):
        raise NotFound(f"Phone number not found: {id_or_arn}")
    return number


def _on_tdg_spanning(number: PhoneNumber, region: str) -> bool:
    target = parse_arn(number.target_arn)
    return target is not None and target.kind == TDG_KIND and paired_region(number.region) == region


def _home_region(number: PhoneNumber, caller: Caller, operation: str) -> None:
    if number.region != caller.region:
        raise InvalidParameter(
            f"{operation} can be called only in the Region where the phone number was "
            f"claimed ({number.region}), not in {caller.region}"
        )


def describe_phone_number(
    services: Services, caller: Caller, id_or_arn: str
) -> tuple[PhoneNumber, str, str | None, dict[str, str]]:
    """The number, its status and status message now, and its tags."""
    tags: dict[str, str] = {}

    def with_tags(number_id: str) -> PhoneNumber | None:  # the number and its tags at once
        found = tx.uow.numbers.get_with_tags(number_id)
        if found is None:
            return None
        tags.update(found[1])
        return found[0]

    with transaction(services, write=False) as tx:
        number = find_visible_number(tx, caller, id_or_arn, with_tags)
        status, message = number.status_now(tx.now)
        return number, status, message, tags


def list_phone_numbers(
    services: Services,
    caller: Caller,
    where: NumberFilter,
    max_results: int | None,
    next_token: str | None,
    listing: str,
) -> NumberPage:
    if where.prefix is not None and not is_valid_prefix(where.prefix):
        raise InvalidParameter(
            "PhoneNumberPrefix must be '+' followed by 1 to 11 digits (the country code "
            f"included), not {where.prefix!r}"
        )
    limit = max_results or 100
    after = _listing_position(listing, next_token) if next_token else None
    with transaction(services, write=False) as tx:
        if where.target_arn is not None or where.instance_id is not None:
            target = resolve_target(
                tx, caller, where.target_arn, where.instance_id, home_only=False
            )
            where = replace(where, target_arn=target.arn, instance_id=None, region=target.region)
        found = tx.uow.numbers.page(where, after, limit + 1)
    return NumberPage(*page_of(found, limit, listing, lambda number: [number.e164]))


def _listing_position(listing: str, next_token: str) -> str:
    """The E.164 number a listing's NextToken resumes after; InvalidParameter if not one."""
    position = decode_key(listing, next_token)
    if not _E164.fullmatch(position):
        raise InvalidParameter("The NextToken is not valid for this request")
    return position


def update_phone_number(
    services: Services,
    caller: Caller,
    id_or_arn: str,
    target_arn: str | None,
    instance_id: str | None,
    client_token: str | None,
) -> Claimed:
    parameters = {"id": id_or_arn, "target_arn": target_arn, "instance_id": instance_id}
    return run_once(
        services,
        caller,
        "UpdatePhoneNumber",
        client_token,
        parameters,
        Claimed,
        lambda tx: _move(tx, caller, id_or_arn, target_arn, instance_id),
    )


def _move(
    tx: Tx, caller: Caller, id_or_arn: str, target_arn: str | None, instance_id: str | None
) -> Claimed:
    # counting what the target holds is a quota decision: serialize it with claims,
    # taking the quota row before the number's row as claims do
    tx.uow.quotas.lock(caller.account_id, caller.region)
    number = find_number(tx, caller, id_or_arn, any_region=True)
    _home_region(number, caller, "UpdatePhoneNumber")
    target = resolve_target(tx, caller, target_arn, instance_id)
    failure = None
    if target.arn != number.target_arn:
        quota = tx.uow.quotas.phone_numbers_per_instance(caller.account_id, caller.region)
        held = tx.uow.numbers.count_on_target(target.arn)
        failure = target_limit_failure(target.arn, held, quota)
    failure = injected_failure(caller) or failure
    moved = number.moved(target.arn, target.instance_id, failure, tx.now, tx.config.settle_seconds)
    tx.uow.numbers.save(moved)
    if moved.target_arn != number.target_arn:  # flows are not carried: re-associate them
        tx.uow.flow_associations.remove_for_number(number.id)
    detail = _settling(moved) | {"from": number.target_arn} | _fault(caller)
    record(tx, caller, events.UPDATE, moved, detail)
    return Claimed(moved.id, moved.arn)


def update_phone_number_metadata(
    services: Services,
    caller: Caller,
    id_or_arn: str,
    description: str | None,
    client_token: str | None,
) -> None:
    parameters = {"id": id_or_arn, "description": description}
    run_once(
        services,
        caller,
        "UpdatePhoneNumberMetadata",
        client_token,
        parameters,
        Done,
        lambda tx: _describe_anew(tx, caller, id_or_arn, description),
    )


def _describe_anew(tx: Tx, caller: Caller, id_or_arn: str, description: str | None) -> Done:
    number = find_number(tx, caller, id_or_arn, any_region=True)
    _home_region(number, caller, "UpdatePhoneNumberMetadata")
    changed = number.described(description, tx.now, tx.config.settle_seconds)
    tx.uow.numbers.save(changed)
    record(tx, caller, events.UPDATE_METADATA, changed, _settling(changed))
    return Done(changed.id)


def release_phone_number(
    services: Services, caller: Caller, id_or_arn: str, client_token: str | None
) -> None:
    run_once(
        services,
        caller,
        "ReleasePhoneNumber",
        client_token,
        {"id": id_or_arn},
        Done,
        lambda tx: _release(tx, caller, id_or_arn),
        lambda tx: release_reads(caller, id_or_arn),
    )


def _release(tx: Tx, caller: Caller, id_or_arn: str) -> Done:
    # the quota row before the number's row, in the order claims take them
    tx.uow.quotas.hold(caller.account_id, caller.region)
    number = find_number(tx, caller, id_or_arn, any_region=True)
    _home_region(number, caller, "ReleasePhoneNumber")
    release_number(tx, caller, number)
    return Done(number.id)


def release_number(tx: Tx, caller: Caller, number: PhoneNumber, *, force: bool = False) -> None:
    """Release ``number``: gone at once, cooling, counted toward churn.

    A number whose claim failed was never the account's: it is dropped with
    no cooldown and no churn. ``force`` releases it even while an operation on
    it is in progress (its instance is being deleted).
    """
    if not force:
        number.check_not_busy(tx.now)
    tx.uow.quotas.hold(number.account_id, number.region)  # claims lock it first too
    # read before the writes (read ahead, on PostgreSQL); the number is locked, so no
    # tag of it comes or goes before this transaction ends (TagResource locks it too)
    tags = tx.uow.tags.get(number.arn)
    tx.uow.numbers.remove(number.id)
    tx.uow.flow_associations.discard_for_number(number.id)  # in every region
    if tags:
        tx.uow.tags.clear(number.arn)
    if number.is_failed_claim:
        record(tx, caller, events.RELEASE, number, {"cooldown_until": None, "failed_claim": True})
        return
    # an imported number goes back to its source at once: it counts toward the
    # churn quota like any release, but does not cool
    imported = number.source_arn is not None
    cooldown_until = tx.now if imported else tx.now + tx.config.cooldown_seconds
    snapshot = {**as_document(number), "tags": tags}
    tx.uow.releases.add(
        Release(
            number.id,
            number.e164,
            number.account_id,
            number.region,
            tx.now,
            cooldown_until,
            snapshot,
        )
    )
    record(
        tx,
        caller,
        events.RELEASE,
        number,
        {
            "cooldown_until": None if imported else cooldown_until,
            "target_arn": number.target_arn,
            **({"returned_to": number.source_arn} if imported else {}),
        },
    )
