"""Which resources an operation touches, and whether a key's policy allows it.

Each operation is checked against the ARNs it acts on: the phone number
(``PhoneNumberId``, a UUID becoming its ARN), the tagged resource
(``resourceArn``), the traffic distribution group (``TrafficDistributionGroupId``,
or ``Id`` of Get/UpdateTrafficDistribution), the target (``TargetArn`` or
``InstanceId``), the flow (``ContactFlowId``, as ``instance/<id>/contact-flow/<id>``),
for a claim or an import also ``phone-number/*`` of the caller's account and region,
and for CreateContactFlow ``instance/<id>/contact-flow/*``. Searches, lists without a
target and CreateInstance are checked against ``*``. Every resource must be allowed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ..domain.accounts import Credential
from ..domain.errors import AccessDenied
from ..domain.policy import Policy
from ..service.context import Caller

__all__ = ["authorize", "resources_for"]


def resources_for(operation: str, params: dict[str, Any], caller: Caller) -> list[str]:
    base = f"arn:aws:connect:{caller.region}:{caller.account_id}"
    found: list[str] = []
    if "resourceArn" in params:
        found.append(params["resourceArn"])
    number = params.get("PhoneNumberId")
    if number is not None:
        found.append(number if number.startswith("arn:") else f"{base}:phone-number/{number}")
    if operation in ("ClaimPhoneNumber", "ImportPhoneNumber"):
        found.append(f"{base}:phone-number/*")
    if params.get("TargetArn"):
        found.append(params["TargetArn"])
    group = params.get("TrafficDistributionGroupId")
    if group is None and operation in _GROUP_BY_ID:
        group = params.get("Id")
    if group is not None:
        found.append(group if group.startswith("arn:") else f"{base}:{_GROUP}/{group}")
    instance = params.get("InstanceId")
    if instance:
        instance_arn = instance if instance.startswith("arn:") else f"{base}:instance/{instance}"
        found.append(instance_arn)
        flow = params.get("ContactFlowId")
        if flow is not None:
            found.append(f"{instance_arn}/contact-flow/{flow.removesuffix(':$SAVED')}")
        if operation == "CreateContactFlow":
            found.append(f"{instance_arn}/contact-flow/*")
    return found or ["*"]


_GROUP = "traffic-distribution-group"
_GROUP_BY_ID = frozenset({"GetTrafficDistribution", "UpdateTrafficDistribution"})


def authorize(
    credential: Credential, caller: Caller, operation: str, params: dict[str, Any]
) -> None:
    """AccessDenied unless the key's policy allows ``operation`` on every resource it touches."""
    if credential.policy is None:
        return
    policy = _parsed(json.dumps(credential.policy, sort_keys=True))
    action = f"connect:{operation}"
    for resource in resources_for(operation, params, caller):
        if not policy.allows(action, resource):
            raise AccessDenied(
                f"User: arn:aws:iam::{caller.account_id}:user/{caller.principal} is not "
                f"authorized to perform: {action} on resource: {resource}"
            )


@lru_cache(maxsize=1024)
def _parsed(document: str) -> Policy:
    return Policy.from_document(json.loads(document))
