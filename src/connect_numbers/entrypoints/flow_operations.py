"""Connect operations that change or delete a contact flow (handlers as in ``operations.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..service import flow_edits
from ..service.context import Caller, Services

__all__ = ["FLOW_HANDLERS"]

Params = dict[str, Any]
Output = dict[str, Any] | None


def update_contact_flow_content(services: Services, caller: Caller, p: Params) -> Output:
    flow_edits.update_content(services, caller, p["InstanceId"], p["ContactFlowId"], p["Content"])
    return None


def update_contact_flow_name(services: Services, caller: Caller, p: Params) -> Output:
    flow_edits.update_name(
        services, caller, p["InstanceId"], p["ContactFlowId"], p.get("Name"), p.get("Description")
    )
    return None


def update_contact_flow_metadata(services: Services, caller: Caller, p: Params) -> Output:
    flow_edits.update_metadata(
        services,
        caller,
        p["InstanceId"],
        p["ContactFlowId"],
        p.get("Name"),
        p.get("Description"),
        p.get("ContactFlowState"),
    )
    return None


def delete_contact_flow(services: Services, caller: Caller, p: Params) -> Output:
    flow_edits.delete_flow(services, caller, p["InstanceId"], p["ContactFlowId"])
    return None


FLOW_HANDLERS: dict[str, Callable[[Services, Caller, Params], Output]] = {
    "UpdateContactFlowContent": update_contact_flow_content,
    "UpdateContactFlowName": update_contact_flow_name,
    "UpdateContactFlowMetadata": update_contact_flow_metadata,
    "DeleteContactFlow": delete_contact_flow,
}
