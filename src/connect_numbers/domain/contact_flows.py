"""Contact flows (a minimal model of them) and the flows associated with phone numbers.

A flow belongs to one instance in one region. Its content must be a JSON object
(the flow language is one); its name is unique within the instance. A flow is
PUBLISHED unless created with Status SAVED.

A phone number has at most one associated flow per region: for a number of a
traffic distribution group each region's instance associates its own.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from .arns import contact_flow_arn, new_id
from .errors import InvalidContactFlow, InvalidParameter
from .phone_numbers import IN_PROGRESS, PhoneNumber

__all__ = [
    "ACTIVE",
    "ARCHIVED",
    "CONTACT_FLOW",
    "MAX_NAME_LENGTH",
    "PUBLISHED",
    "SAVED",
    "SAVED_ALIAS",
    "VOICE_PHONE_NUMBER",
    "ContactFlow",
    "FlowAssociation",
    "check_associable",
    "edited",
    "new_contact_flow",
    "serves_instance",
    "split_alias",
    "with_content",
]

CONTACT_FLOW = "CONTACT_FLOW"
PUBLISHED = "PUBLISHED"
SAVED = "SAVED"
ACTIVE = "ACTIVE"
ARCHIVED = "ARCHIVED"
SAVED_ALIAS = ":$SAVED"
VOICE_PHONE_NUMBER = "VOICE_PHONE_NUMBER"
MAX_NAME_LENGTH = 512  # the model sets no maximum; ours keeps the unique index indexable


@dataclass(frozen=True, slots=True)
class ContactFlow:
    id: str
    arn: str
    account_id: str
    region: str
    instance_id: str
    name: str
    type: str
    description: str | None
    content: str
    content_sha256: str
    status: str
    state: str
    created_at: float
    modified_at: float
    modified_region: str

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED


def new_contact_flow(
    *,
    account_id: str,
    region: str,
    instance_id: str,
    name: str,
    flow_type: str,
    description: str | None,
    content: str,
    status: str | None,
    now: float,
) -> ContactFlow:
    """A new ACTIVE flow; InvalidParameter for a name too long, InvalidContactFlow for content."""
    check_name(name)
    check_content(content)
    flow_id = new_id()
    return ContactFlow(
        id=flow_id,
        arn=contact_flow_arn(region, account_id, instance_id, flow_id),
        account_id=account_id,
        region=region,
        instance_id=instance_id,
        name=name,
        type=flow_type,
        description=description,
        content=content,
        content_sha256=hashlib.sha256(content.encode()).hexdigest(),
        status=status or PUBLISHED,
        state=ACTIVE,
        created_at=now,
        modified_at=now,
        modified_region=region,
    )


def check_name(name: str) -> None:
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidParameter(f"Name must be at most {MAX_NAME_LENGTH} characters")


def with_content(flow: ContactFlow, content: str, now: float, region: str) -> ContactFlow:
    """The flow with new content (checked as at creation), modified now in ``region``."""
    check_content(content)
    return replace(
        flow,
        content=content,
        content_sha256=hashlib.sha256(content.encode()).hexdigest(),
        modified_at=now,
        modified_region=region,
    )


def edited(
    flow: ContactFlow,
    now: float,
    region: str,
    *,
    name: str | None = None,
    description: str | None = None,
    state: str | None = None,
) -> ContactFlow:
    """The flow with the given name, description and state (None keeps each as it is)."""
    if name is not None:
        check_name(name)
    return replace(
        flow,
        name=flow.name if name is None else name,
        description=flow.description if description is None else description,
        state=flow.state if state is None else state,
        modified_at=now,
        modified_region=region,
    )


def check_content(content: str) -> None:
    """The content must be a JSON object (a document of the flow language)."""
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as error:
        raise InvalidContactFlow([f"Content is not valid JSON: {error}"]) from None
    if not isinstance(document, dict):
        raise InvalidContactFlow(["Content must be a JSON object"])


def split_alias(flow_id: str) -> tuple[str, bool]:
    """A ContactFlowId without its ``:$SAVED`` alias, and whether it had it."""
    if flow_id.endswith(SAVED_ALIAS):
        return flow_id.removesuffix(SAVED_ALIAS), True
    return flow_id, False


@dataclass(frozen=True, slots=True)
class FlowAssociation:
    """The flow a phone number routes to in one region."""

    phone_number_id: str
    region: str
    account_id: str
    instance_id: str
    contact_flow_id: str
    phone_number_arn: str
    contact_flow_arn: str
    created_at: float


def serves_instance(number: PhoneNumber, instance_id: str) -> bool:
    """Whether calls to ``number`` may be routed by flows of the instance ``instance_id``."""
    return number.instance_id == instance_id


def check_associable(number: PhoneNumber, instance_id: str, flow: ContactFlow, now: float) -> None:
    """InvalidParameter unless ``flow`` of ``instance_id`` may take ``number``'s calls now."""
    if number.is_failed_claim:
        raise InvalidParameter(f"Phone number {number.e164} is not claimed: its claim failed")
    if number.status(now) == IN_PROGRESS:
        raise InvalidParameter(
            f"Phone number {number.e164} has an operation in progress; associate it once "
            "DescribePhoneNumber shows CLAIMED"
        )
    if not serves_instance(number, instance_id):
        raise InvalidParameter(
            f"Phone number {number.e164} is not claimed to the instance {instance_id}"
        )
    if flow.type != CONTACT_FLOW:
        raise InvalidParameter(
            f"Only a flow of type {CONTACT_FLOW} can be associated with a phone number, "
            f"not {flow.type}"
        )
    if not flow.published:
        raise InvalidParameter(f"The flow {flow.id} is not published")
    if flow.state != ACTIVE:
        raise InvalidParameter(f"The flow {flow.id} is {flow.state}: only an ACTIVE flow routes")
