"""Amazon Connect instances: the targets phone numbers are claimed to."""

from __future__ import annotations

from dataclasses import dataclass

from .arns import instance_arn, new_id
from .errors import InvalidRequest

__all__ = ["ACTIVE", "CREATION_IN_PROGRESS", "Instance", "new_instance"]

CREATION_IN_PROGRESS = "CREATION_IN_PROGRESS"
ACTIVE = "ACTIVE"
EXISTING_DIRECTORY = "EXISTING_DIRECTORY"


@dataclass(frozen=True, slots=True)
class Instance:
    id: str
    arn: str
    account_id: str
    region: str
    identity_management_type: str
    alias: str | None
    directory_id: str | None
    inbound_calls_enabled: bool
    outbound_calls_enabled: bool
    created_at: float
    settles_at: float
    source_region: str | None = None  # set on a replica: where the instance was created

    @property
    def is_replica(self) -> bool:
        return self.source_region is not None

    def status(self, now: float) -> str:
        """CREATION_IN_PROGRESS until the creation settles, then ACTIVE."""
        return ACTIVE if now >= self.settles_at else CREATION_IN_PROGRESS

    def is_active(self, now: float) -> bool:
        return self.status(now) == ACTIVE

    @property
    def access_url(self) -> str:
        return f"https://{self.alias or self.id}.my.connect.aws"

    @property
    def service_role(self) -> str:
        return (
            f"arn:aws:iam::{self.account_id}:role/aws-service-role/connect.amazonaws.com/"
            f"AWSServiceRoleForAmazonConnect_{self.id.replace('-', '')[:20]}"
        )


def new_instance(
    account_id: str,
    region: str,
    identity_management_type: str,
    alias: str | None,
    directory_id: str | None,
    inbound_calls_enabled: bool,
    outbound_calls_enabled: bool,
    now: float,
    settle_seconds: float,
) -> Instance:
    """A new instance, checked for the identity rules AWS applies."""
    _check_identity(identity_management_type, alias, directory_id)
    instance_id = new_id()
    return Instance(
        id=instance_id,
        arn=instance_arn(region, account_id, instance_id),
        account_id=account_id,
        region=region,
        identity_management_type=identity_management_type,
        alias=alias,
        directory_id=directory_id,
        inbound_calls_enabled=inbound_calls_enabled,
        outbound_calls_enabled=outbound_calls_enabled,
        created_at=now,
        settles_at=now + settle_seconds,
    )


def _check_identity(kind: str, alias: str | None, directory_id: str | None) -> None:
    if kind == EXISTING_DIRECTORY and not directory_id:
        raise InvalidRequest(
            "DirectoryId is required when IdentityManagementType is EXISTING_DIRECTORY"
        )
    if kind != EXISTING_DIRECTORY and directory_id:
        raise InvalidRequest(
            "DirectoryId is only valid when IdentityManagementType is EXISTING_DIRECTORY"
        )
    if kind != EXISTING_DIRECTORY and not alias:
        raise InvalidRequest(f"InstanceAlias is required when IdentityManagementType is {kind}")
