"""Global resiliency: replicated instances and traffic distribution groups (TDGs).

An instance replicated to its paired region exists in both, with the same id.
A TDG belongs to a replicated instance and spans its two regions; its home is
the instance's source region, where numbers are claimed to it, moved and
released. Its status, like an instance's, is derived from times: creation,
an update of the distribution and a deletion each settle after the
configured settle time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TypeVar

from .arns import instance_arn, new_id, tdg_arn
from .errors import InvalidRequest

__all__ = [
    "ACTIVE",
    "CREATION_IN_PROGRESS",
    "DEFAULT_TDG_NAME",
    "PENDING_DELETION",
    "REPLICATION_COMPLETE",
    "REPLICATION_IN_PROGRESS",
    "REPLICA_REGIONS",
    "UPDATE_IN_PROGRESS",
    "Distribution",
    "Replica",
    "Replication",
    "TrafficDistributionGroup",
    "check_replica_region",
    "new_replica",
    "new_tdg",
    "paired_region",
    "replication_of",
]

CREATION_IN_PROGRESS = "CREATION_IN_PROGRESS"
ACTIVE = "ACTIVE"
UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
PENDING_DELETION = "PENDING_DELETION"
REPLICATION_COMPLETE = "INSTANCE_REPLICATION_COMPLETE"
REPLICATION_IN_PROGRESS = "INSTANCE_REPLICATION_IN_PROGRESS"

# source region -> the one region it can be replicated to (Osaka is a replica only)
REPLICA_REGIONS: Mapping[str, str] = MappingProxyType(
    {
        "us-east-1": "us-west-2",
        "us-west-2": "us-east-1",
        "eu-central-1": "eu-west-2",
        "eu-west-2": "eu-central-1",
        "ap-northeast-1": "ap-northeast-3",
    }
)

DEFAULT_TDG_NAME = "default"

_V = TypeVar("_V", int, bool)


def paired_region(region: str) -> str | None:
    """The region an instance of ``region`` replicates to, if it can."""
    return REPLICA_REGIONS.get(region)


def check_replica_region(source_region: str, replica_region: str) -> None:
    """InvalidRequest unless ``replica_region`` is the pair of ``source_region``."""
    pair = paired_region(source_region)
    if pair is None:
        raise InvalidRequest(f"Instances in {source_region} cannot be replicated")
    if replica_region != pair:
        raise InvalidRequest(
            f"An instance in {source_region} can be replicated only to {pair}, "
            f"not to {replica_region}"
        )


@dataclass(frozen=True, slots=True)
class Replica:
    """The replica of an instance in the paired region."""

    instance_id: str
    account_id: str
    region: str
    arn: str
    alias: str | None
    created_at: float
    settles_at: float

    def is_active(self, now: float) -> bool:
        return now >= self.settles_at


def new_replica(
    instance_id: str,
    account_id: str,
    region: str,
    alias: str | None,
    now: float,
    settle_seconds: float,
) -> Replica:
    return Replica(
        instance_id=instance_id,
        account_id=account_id,
        region=region,
        arn=instance_arn(region, account_id, instance_id),
        alias=alias,
        created_at=now,
        settles_at=now + settle_seconds,
    )


@dataclass(frozen=True, slots=True)
class Replication:
    """Where a replicated instance was created, and the replication's status per region."""

    source_region: str
    statuses: tuple[tuple[str, str], ...]  # (region, status): the source first, then the replica


def replication_of(source_region: str, replica: Replica, now: float) -> Replication:
    """The source region is complete from the start; the replica once its creation settles."""
    replica_status = REPLICATION_COMPLETE if replica.is_active(now) else REPLICATION_IN_PROGRESS
    statuses = ((source_region, REPLICATION_COMPLETE), (replica.region, replica_status))
    return Replication(source_region, statuses)


@dataclass(frozen=True, slots=True)
class Distribution:
    """Where traffic, sign-ins and agents go: per region, a percentage (sign-in: on/off)."""

    telephony: Mapping[str, int]
    sign_in: Mapping[str, bool]
    agent: Mapping[str, int]

    @classmethod
    def initial(cls, home: str, other: str) -> Distribution:
        """All traffic and agents in the home region; sign-in enabled in both."""
        return cls({home: 100, other: 0}, {home: True, other: True}, {home: 100, other: 0})

    def as_json(self) -> dict[str, dict[str, int] | dict[str, bool]]:
        return {
            "telephony": dict(self.telephony),
            "sign_in": dict(self.sign_in),
            "agent": dict(self.agent),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Mapping[str, object]]) -> Distribution:
        return cls(
            {str(k): int(str(v)) for k, v in value["telephony"].items()},
            {str(k): bool(v) for k, v in value["sign_in"].items()},
            {str(k): int(str(v)) for k, v in value["agent"].items()},
        )


@dataclass(frozen=True, slots=True)
class TrafficDistributionGroup:
    id: str
    arn: str
    account_id: str
    region: str  # home: the source region of the instance
    instance_id: str
    name: str
    description: str | None
    is_default: bool
    created_at: float
    settles_at: float
    distribution: Distribution
    updated_at: float | None = None  # the last UpdateTrafficDistribution of telephony
    update_settles_at: float | None = None
    deleted_at: float | None = None
    delete_settles_at: float | None = None

    @property
    def other_region(self) -> str:
        """The replica region: the TDG's second region."""
        pair = paired_region(self.region)
        assert pair is not None, "a TDG is created only on a replicated instance"
        return pair

    @property
    def regions(self) -> tuple[str, str]:
        return (self.region, self.other_region)

    @property
    def instance_arn(self) -> str:
        return instance_arn(self.region, self.account_id, self.instance_id)

    def status(self, now: float) -> str | None:
        """The status now; None once a deletion has settled (the group is gone)."""
        if self.delete_settles_at is not None:
            return PENDING_DELETION if now < self.delete_settles_at else None
        if now < self.settles_at:
            return CREATION_IN_PROGRESS
        if self.update_settles_at is not None and now < self.update_settles_at:
            return UPDATE_IN_PROGRESS
        return ACTIVE

    def is_active(self, now: float) -> bool:
        return self.status(now) == ACTIVE

    def exists(self, now: float) -> bool:
        return self.status(now) is not None

    def deleted(self, now: float, settle_seconds: float) -> TrafficDistributionGroup:
        return replace(self, deleted_at=now, delete_settles_at=now + settle_seconds)

    def redistributed(
        self,
        telephony: Sequence[tuple[str, int]] | None,
        sign_in: Sequence[tuple[str, bool]] | None,
        agent: Sequence[tuple[str, int]] | None,
        now: float,
        settle_seconds: float,
    ) -> TrafficDistributionGroup:
        """The group with a new distribution; InvalidRequest if one is not acceptable.

        Each given config must name exactly the group's two regions, once each;
        percentages sum to 100. Sign-in may change only on the default group and
        stays enabled in at least one region.
        """
        current = self.distribution
        new_telephony = self._percentages("TelephonyConfig", telephony)
        new_agent = self._percentages("AgentConfig", agent)
        new_sign_in = self._by_region("SignInConfig", sign_in)
        if new_sign_in is not None:
            if not self.is_default and new_sign_in != dict(current.sign_in):
                raise InvalidRequest(
                    "SignInConfig can be changed only on the default traffic distribution group"
                )
            if not any(new_sign_in.values()):
                raise InvalidRequest("SignInConfig must enable sign-in in at least one Region")
        changed = Distribution(
            new_telephony if new_telephony is not None else current.telephony,
            new_sign_in if new_sign_in is not None else current.sign_in,
            new_agent if new_agent is not None else current.agent,
        )
        failover = new_telephony is not None and new_telephony != dict(current.telephony)
        return replace(
            self,
            distribution=changed,
            updated_at=now if failover else self.updated_at,
            update_settles_at=now + settle_seconds,
        )

    def _by_region(
        self, config: str, pairs: Sequence[tuple[str, _V]] | None
    ) -> dict[str, _V] | None:
        if pairs is None:
            return None
        found = dict(pairs)
        if len(found) != len(pairs) or set(found) != set(self.regions):
            raise InvalidRequest(
                f"{config} must name the Regions of the traffic distribution group "
                f"({self.region}, {self.other_region}) once each, not "
                f"{[region for region, _ in pairs]}"
            )
        return found

    def _percentages(
        self, config: str, pairs: Sequence[tuple[str, int]] | None
    ) -> dict[str, int] | None:
        found = self._by_region(config, pairs)
        if found is not None and sum(found.values()) != 100:
            raise InvalidRequest(f"{config} percentages must sum to 100, not {sum(found.values())}")
        return found


def new_tdg(
    account_id: str,
    region: str,
    instance_id: str,
    name: str,
    description: str | None,
    is_default: bool,
    now: float,
    settle_seconds: float,
) -> TrafficDistributionGroup:
    other = paired_region(region)
    if other is None:
        raise InvalidRequest(f"Instances in {region} cannot have traffic distribution groups")
    tdg_id = new_id()
    return TrafficDistributionGroup(
        id=tdg_id,
        arn=tdg_arn(region, account_id, tdg_id),
        account_id=account_id,
        region=region,
        instance_id=instance_id,
        name=name,
        description=description,
        is_default=is_default,
        created_at=now,
        settles_at=now + settle_seconds,
        distribution=Distribution.initial(region, other),
    )
