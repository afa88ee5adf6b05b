"""Analytics data sets of an instance shared with an AWS account.

AssociateAnalyticsDataSet shares one data set of an instance's analytics data
lake with an account (the caller's own when no TargetAccountId is given). The
share is an AWS RAM resource share: each association gets its own share id and
ARN, ACTIVE at once. A data set is shared with an account once; associating it
again is InvalidParameter, as disassociating one that is not shared is NotFound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .arns import new_id
from .errors import InvalidParameter

__all__ = ["ACTIVE", "DataSetAssociation", "check_account", "new_association"]

ACTIVE = "ACTIVE"
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True, slots=True)
class DataSetAssociation:
    instance_id: str
    region: str
    data_set_id: str
    target_account_id: str
    account_id: str
    resource_share_id: str
    resource_share_arn: str
    created_at: float


def check_account(account_id: str) -> str:
    """``account_id`` if it is a 12-digit AWS account id; InvalidParameter otherwise."""
    if not _ACCOUNT.match(account_id):
        raise InvalidParameter(f"TargetAccountId must be 12 digits, not {account_id!r}")
    return account_id


def new_association(
    instance_id: str, region: str, account_id: str, data_set_id: str, target: str, now: float
) -> DataSetAssociation:
    share_id = new_id()
    return DataSetAssociation(
        instance_id=instance_id,
        region=region,
        data_set_id=data_set_id,
        target_account_id=target,
        account_id=account_id,
        resource_share_id=share_id,
        resource_share_arn=f"arn:aws:ram:{region}:{account_id}:resource-share/{share_id}",
        created_at=now,
    )
