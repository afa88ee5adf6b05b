"""Identifiers and ARNs of Connect resources."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

__all__ = [
    "Arn",
    "contact_flow_arn",
    "instance_arn",
    "new_id",
    "parse_arn",
    "phone_number_arn",
    "tdg_arn",
]

_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):connect:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<resource>.+)$"
)


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    region: str
    account: str
    resource: str  # e.g. "instance/<uuid>", "phone-number/<uuid>"

    @property
    def kind(self) -> str:
        return self.resource.split("/", 1)[0]

    @property
    def resource_id(self) -> str:
        return self.resource.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return f"arn:{self.partition}:connect:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """The parts of a Connect ARN, or None if ``text`` is not one."""
    found = _ARN.match(text)
    if found is None:
        return None
    return Arn(found["partition"], found["region"], found["account"], found["resource"])


def new_id() -> str:
    return str(uuid.uuid4())


def instance_arn(region: str, account: str, instance_id: str) -> str:
    return f"arn:aws:connect:{region}:{account}:instance/{instance_id}"


def phone_number_arn(region: str, account: str, number_id: str) -> str:
    return f"arn:aws:connect:{region}:{account}:phone-number/{number_id}"


def tdg_arn(region: str, account: str, tdg_id: str) -> str:
    return f"arn:aws:connect:{region}:{account}:traffic-distribution-group/{tdg_id}"


def contact_flow_arn(region: str, account: str, instance_id: str, flow_id: str) -> str:
    return f"arn:aws:connect:{region}:{account}:instance/{instance_id}/contact-flow/{flow_id}"
