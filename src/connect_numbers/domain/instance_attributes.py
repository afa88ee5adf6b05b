"""Instance attributes: the features of an instance that UpdateInstanceAttribute switches.

Every attribute of the model's ``InstanceAttributeType`` enum is a switch whose
value is the text ``"true"`` or ``"false"``. INBOUND_CALLS and OUTBOUND_CALLS
are the instance's own flags (CreateInstance sets them, DescribeInstance shows
them); the others start at the values a new Amazon Connect instance reports.
AWS documents no defaults; those of AUTO_RESOLVE_BEST_VOICES, CONTACTFLOW_LOGS,
CONTACT_LENS, EARLY_MEDIA, MULTI_PARTY_CONFERENCE and USE_CUSTOM_TTS_VOICES are
what ListInstanceAttributes returns for a new instance (as terraform-provider-aws
records them); every later attribute is an opt-in feature and starts off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import InvalidParameter
from .instances import Instance

__all__ = [
    "DEFAULTS",
    "INBOUND_CALLS",
    "OUTBOUND_CALLS",
    "attribute_values",
    "normalized_value",
]

INBOUND_CALLS = "INBOUND_CALLS"
OUTBOUND_CALLS = "OUTBOUND_CALLS"
TRUE = "true"
FALSE = "false"

# every attribute but the two call flags, in the model's enum order
DEFAULTS: Mapping[str, str] = {
    "CONTACTFLOW_LOGS": FALSE,
    "CONTACT_LENS": TRUE,
    "AUTO_RESOLVE_BEST_VOICES": TRUE,
    "USE_CUSTOM_TTS_VOICES": FALSE,
    "EARLY_MEDIA": TRUE,
    "MULTI_PARTY_CONFERENCE": FALSE,
    "AUTO_MUTE_AGENT_ON_HOLD": FALSE,
    "HIGH_VOLUME_OUTBOUND": FALSE,
    "ENHANCED_CONTACT_MONITORING": FALSE,
    "ENHANCED_CHAT_MONITORING": FALSE,
    "MULTI_PARTY_CHAT_CONFERENCE": FALSE,
    "MESSAGE_STREAMING": FALSE,
}


def _text(flag: bool) -> str:
    return TRUE if flag else FALSE


def attribute_values(
    instance: Instance, stored: Mapping[str, str], types: Sequence[str]
) -> dict[str, str]:
    """The value of each of ``types`` (the model's enum, in its order).

    A type this module does not know (a newer model's) is an opt-in feature: off
    until it is set.
    """
    flags = {
        INBOUND_CALLS: _text(instance.inbound_calls_enabled),
        OUTBOUND_CALLS: _text(instance.outbound_calls_enabled),
    }
    return {
        kind: flags.get(kind) or stored.get(kind) or DEFAULTS.get(kind, FALSE) for kind in types
    }


def normalized_value(attribute_type: str, value: str) -> str:
    """``value`` as ``"true"`` or ``"false"`` (any letter case); InvalidParameter otherwise."""
    lowered = value.strip().lower()
    if lowered not in (TRUE, FALSE):
        raise InvalidParameter(
            f"The value of {attribute_type} must be 'true' or 'false', not {value!r}"
        )
    return lowered
