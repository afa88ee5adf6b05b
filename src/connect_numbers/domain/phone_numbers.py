"""Claimed phone numbers and their status.

A claimed number's status is derived from stored times and the clock:
IN_PROGRESS until its last operation settles, then CLAIMED, or FAILED with
a message. A failed *claim* holds the number for its account for one day
(the account may retry), after which the number is free again and the
record is gone. A failed *move* leaves the number where it was, FAILED,
until its next operation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from .arns import new_id, phone_number_arn
from .errors import InvalidParameter, InvalidRequest, ResourceInUse

__all__ = [
    "CLAIM",
    "CLAIMED",
    "FAILED",
    "FAILED_CLAIM_GRACE_SECONDS",
    "IMPORT",
    "IN_PROGRESS",
    "METADATA",
    "UPDATE",
    "NumberFilter",
    "NumberListing",
    "PhoneNumber",
    "check_claim_token",
    "legacy_filter_types",
    "legacy_type",
    "new_claim",
    "not_available",
    "status_at",
    "target_limit_failure",
]

CLAIMED = "CLAIMED"
IN_PROGRESS = "IN_PROGRESS"
FAILED = "FAILED"

CLAIM = "CLAIM"
IMPORT = "IMPORT"
UPDATE = "UPDATE"
METADATA = "METADATA"

FAILED_CLAIM_GRACE_SECONDS = 86_400
_UUID = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")


# ListPhoneNumbers (v1) predates these types: it shows them as the type they resemble.
_LEGACY_SHOWN_AS = {
    "UIFN": "TOLL_FREE",
    "THIRD_PARTY_TF": "TOLL_FREE",
    "SHARED": "DID",
    "THIRD_PARTY_DID": "DID",
}
_LEGACY_TYPES = ("TOLL_FREE", "DID", "SHORT_CODE")


def legacy_type(number_type: str) -> str:
    """The type ListPhoneNumbers (v1) reports for a number of ``number_type``."""
    return _LEGACY_SHOWN_AS.get(number_type, number_type)


def legacy_filter_types(types: Sequence[str]) -> tuple[str, ...]:
    """The stored types a v1 PhoneNumberTypes filter selects (TOLL_FREE takes UIFN and
    THIRD_PARTY_TF too, as they are reported); a type v1 does not know is refused."""
    unknown = [t for t in types if t not in _LEGACY_TYPES]
    if unknown:
        raise InvalidParameter(
            f"ListPhoneNumbers does not support the phone number type {unknown[0]}: "
            f"PhoneNumberTypes takes {', '.join(_LEGACY_TYPES)} "
            "(ListPhoneNumbersV2 lists every type)"
        )
    return tuple(t for t in (*types, *_LEGACY_SHOWN_AS) if legacy_type(t) in types)


@dataclass(frozen=True, slots=True)
class NumberFilter:
    """Which of an account's numbers in a region a listing shows."""

    account_id: str
    region: str
    target_arn: str | None = None
    instance_id: str | None = None
    countries: Sequence[str] = ()
    types: Sequence[str] = ()
    prefix: str | None = None


class NumberListing(NamedTuple):
    """What a listing shows of a held number: ListPhoneNumbersV2's summary, in its order.

    A tuple, made straight from a row of the listing's query; ListPhoneNumbers (v1)
    shows a part of it."""

    id: str
    arn: str
    e164: str
    country: str
    type: str
    target_arn: str
    instance_id: str | None
    description: str | None
    source_arn: str | None


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    id: str
    arn: str
    e164: str
    country: str
    type: str
    account_id: str
    region: str
    target_arn: str
    instance_id: str | None
    description: str | None
    source_arn: str | None
    operation: str  # the last operation: CLAIM, IMPORT, UPDATE or METADATA
    started_at: float
    settles_at: float
    failure: str | None  # why the last operation fails when it settles

    def status(self, now: float) -> str:
        return status_at(self.settles_at, self.failure, now)

    def status_message(self, now: float) -> str | None:
        return self.status_now(now)[1]

    def status_now(self, now: float) -> tuple[str, str | None]:
        """The status at ``now`` and its message (why it failed, for FAILED)."""
        status = status_at(self.settles_at, self.failure, now)
        return status, self.failure if status == FAILED else None

    @property
    def is_failed_claim(self) -> bool:
        """Its claim (or import) fails: it never becomes the account's number."""
        return self.failure is not None and self.operation in (CLAIM, IMPORT)

    def expired(self, now: float) -> bool:
        """A failed claim whose day of grace is over: the record is gone."""
        return self.is_failed_claim and now >= self.settles_at + FAILED_CLAIM_GRACE_SECONDS

    def held_for(self, account_id: str, now: float) -> bool:
        """Does this record keep the number from being claimed by ``account_id``?

        A failing claim holds the number for everyone until it has settled as
        FAILED; then only other accounts, until its day of grace is over.
        """
        if self.expired(now):
            return False
        settled_as_failed = self.is_failed_claim and now >= self.settles_at
        return not (settled_as_failed and self.account_id == account_id)

    def check_not_busy(self, now: float) -> None:
        if self.status(now) == IN_PROGRESS:
            raise ResourceInUse(
                f"Phone number {self.e164} has an operation in progress; try again later",
                "PHONE_NUMBER",
                self.arn,
            )

    def check_claimed(self) -> None:
        if self.is_failed_claim:
            raise InvalidRequest(f"Phone number {self.e164} is not claimed: its claim failed")

    def moved(
        self,
        target_arn: str,
        instance_id: str | None,
        failure: str | None,
        now: float,
        settle_seconds: float,
    ) -> PhoneNumber:
        """The number moving to another target (it stays put if the move fails)."""
        self.check_not_busy(now)
        self.check_claimed()
        moves = failure is None
        return replace(
            self,
            target_arn=target_arn if moves else self.target_arn,
            instance_id=instance_id if moves else self.instance_id,
            operation=UPDATE,
            started_at=now,
            settles_at=now + settle_seconds,
            failure=failure,
        )

    def described(self, description: str | None, now: float, settle_seconds: float) -> PhoneNumber:
        """The number with a new description."""
        self.check_not_busy(now)
        self.check_claimed()
        return replace(
            self,
            description=description,
            operation=METADATA,
            started_at=now,
            settles_at=now + settle_seconds,
            failure=None,
        )


def status_at(settles_at: float, failure: str | None, now: float) -> str:
    """A number's status at ``now``, from when its last operation settles and how."""
    if now < settles_at:
        return IN_PROGRESS
    return FAILED if failure else CLAIMED


def new_claim(
    *,
    e164: str,
    country: str,
    number_type: str,
    account_id: str,
    region: str,
    target_arn: str,
    instance_id: str | None,
    description: str | None,
    failure: str | None,
    now: float,
    settle_seconds: float,
    source_arn: str | None = None,
) -> PhoneNumber:
    """A claim (or import) that settles at ``now + settle_seconds``."""
    number_id = new_id()
    return PhoneNumber(
        id=number_id,
        arn=phone_number_arn(region, account_id, number_id),
        e164=e164,
        country=country,
        type=number_type,
        account_id=account_id,
        region=region,
        target_arn=target_arn,
        instance_id=instance_id,
        description=description,
        source_arn=source_arn,
        operation=IMPORT if source_arn else CLAIM,
        started_at=now,
        settles_at=now + settle_seconds,
        failure=failure,
    )


def not_available(e164: str) -> InvalidParameter:
    return InvalidParameter(f"Phone number not available: {e164}")


def check_claim_token(token: str | None) -> None:
    """ClaimPhoneNumber documents its ClientToken as a lower-case UUID."""
    if token is not None and _UUID.fullmatch(token) is None:
        raise InvalidParameter(
            "ClientToken must match the pattern "
            "^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$"
        )


def target_limit_failure(target_arn: str, held: int, limit: int) -> str | None:
    """The FAILED message for a claim or move onto a full target, or None."""
    if held < limit:
        return None
    return f"The target {target_arn} has reached its limit of {limit} claimed phone numbers"
