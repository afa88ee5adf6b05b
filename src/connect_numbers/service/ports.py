"""What the service layer needs from storage, as protocols.

The store package implements these; the service layer never imports it.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from ..domain.accounts import Credential
from ..domain.clock import ClockState
from ..domain.config import Config
from ..domain.idempotency import IdempotencyRecord
from ..domain.instances import Instance

__all__ = [
    "AccessKeyRepository",
    "IdempotencyRepository",
    "InstanceRepository",
    "SettingsRepository",
    "TagRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


class SettingsRepository(Protocol):
    def load(self) -> tuple[ClockState, Config]: ...
    def save_clock(self, state: ClockState) -> None: ...
    def save_config(self, config: Config) -> None: ...


class InstanceRepository(Protocol):
    def add(self, instance: Instance) -> None: ...
    def get(self, account_id: str, region: str, instance_id: str) -> Instance | None: ...
    def alias_taken(self, alias: str) -> bool: ...
    def page(
        self, account_id: str, region: str, after: tuple[float, str] | None, limit: int
    ) -> list[Instance]: ...
    def remove(self, instance_id: str) -> None: ...


class TagRepository(Protocol):
    def get(self, resource_arn: str) -> dict[str, str]: ...
    def put(self, resource_arn: str, tags: dict[str, str]) -> None: ...
    def remove(self, resource_arn: str, keys: list[str]) -> None: ...
    def clear(self, resource_arn: str) -> None: ...


class IdempotencyRepository(Protocol):
    def get(
        self, account_id: str, region: str, operation: str, token: str
    ) -> IdempotencyRecord | None: ...
    def put(self, record: IdempotencyRecord) -> None: ...
    def purge(self, before: float) -> int: ...


class AccessKeyRepository(Protocol):
    def get(self, access_key_id: str) -> Credential | None: ...


class UnitOfWork(Protocol):
    """One transaction; it rolls back unless ``commit()`` is called."""

    settings: SettingsRepository
    instances: InstanceRepository
    tags: TagRepository
    idempotency: IdempotencyRepository
    access_keys: AccessKeyRepository

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def wipe(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool) -> UnitOfWork: ...


