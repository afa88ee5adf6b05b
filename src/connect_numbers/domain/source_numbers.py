"""Source numbers: numbers an account holds in another service, which ImportPhoneNumber takes.

An operator registers them (the admin API); each has an AWS End User Messaging
style ARN ``arn:aws:sms-voice:<region>:<account>:phone-number/<id>``. Country
and type are derived from the number as the inventory classifies it; only DID
and toll-free numbers can be registered.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from .errors import InvalidParameter
from .inventory import NumberType, classify

__all__ = ["SourceNumber", "is_source_arn", "new_source_number"]

_ACCOUNT = re.compile(r"[0-9]{12}")
_SOURCE_ARN = re.compile(
    r"arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:[0-9]{12}:phone-number/[A-Za-z0-9_-]{1,64}"
)


@dataclass(frozen=True, slots=True)
class SourceNumber:
    id: str
    arn: str
    account_id: str
    region: str
    e164: str
    country: str
    type: str
    created_at: float


def is_source_arn(text: str) -> bool:
    """Whether ``text`` has the shape of a source phone number ARN."""
    return _SOURCE_ARN.fullmatch(text) is not None


def new_source_number(account_id: str, region: str, e164: str, now: float) -> SourceNumber:
    """A source number of ``account_id`` in ``region``; InvalidParameter for a bad number."""
    if not _ACCOUNT.fullmatch(account_id):
        raise InvalidParameter("account_id must be 12 digits")
    found = classify(e164)
    if found is None:
        raise InvalidParameter(
            f"{e164} is not a valid DID or toll-free number in E.164 form (+ and digits)"
        )
    if found.country is None or found.number_type is NumberType.UIFN:
        raise InvalidParameter(f"{e164} is a UIFN number; only DID and toll-free numbers import")
    source_id = "phone-" + uuid.uuid4().hex
    return SourceNumber(
        id=source_id,
        arn=f"arn:aws:sms-voice:{region}:{account_id}:phone-number/{source_id}",
        account_id=account_id,
        region=region,
        e164=e164,
        country=found.country,
        type=found.number_type.value,
        created_at=now,
    )
