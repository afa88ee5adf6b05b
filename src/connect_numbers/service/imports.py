"""ImportPhoneNumber: take a registered source number into an instance, as a claim would."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.errors import InvalidParameter, NotFound
from ..domain.source_numbers import SourceNumber, is_source_arn
from .context import Caller, Services, Tx, parameters_of, run_once
from .phone_numbers import Claimed, Wanted, check_claims_allowed, check_free, take_number
from .targets import resolve_target

__all__ = ["ImportPhoneNumber", "import_phone_number"]


@dataclass(frozen=True, slots=True)
class ImportPhoneNumber:
    instance_id: str
    source_arn: str
    description: str | None = None
    tags: dict[str, str] | None = None
    client_token: str | None = None


def import_phone_number(services: Services, caller: Caller, command: ImportPhoneNumber) -> Claimed:
    return run_once(
        services,
        caller,
        "ImportPhoneNumber",
        command.client_token,
        parameters_of(command),
        Claimed,
        lambda tx: _import(tx, caller, command),
    )


def _import(tx: Tx, caller: Caller, command: ImportPhoneNumber) -> Claimed:
    target = resolve_target(tx, caller, None, command.instance_id)
    # the quota lock before the source is read: removing a source takes it too
    quota = check_claims_allowed(tx, caller)
    source = _source(tx, caller, command.source_arn)
    check_free(tx, caller, source.e164)
    wanted = Wanted(
        source.e164,
        source.country,
        source.type,
        command.description,
        command.tags,
        source_arn=source.arn,
    )
    return take_number(tx, caller, target, quota, wanted)


def _source(tx: Tx, caller: Caller, arn: str) -> SourceNumber:
    """The caller's registered source number in this region; NotFound otherwise."""
    if not is_source_arn(arn):
        raise InvalidParameter(
            "SourcePhoneNumberArn must be a phone number ARN like "
            f"arn:aws:sms-voice:<region>:<account>:phone-number/<id>, not {arn}"
        )
    source = tx.uow.source_numbers.by_arn(arn)
    if source is None or (source.account_id, source.region) != (caller.account_id, caller.region):
        raise NotFound(f"Source phone number not found: {arn}")
    return source
