"""Accounts and the access keys that act for them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_ACCOUNT", "LOCAL_KEY", "Credential"]

DEFAULT_ACCOUNT = "000000000000"
LOCAL_KEY = "test"


@dataclass(frozen=True, slots=True)
class Credential:
    """An access key: its secret, its account, the principal it acts as, its policy."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    account_id: str
    principal: str
    policy: dict[str, Any] | None = None
