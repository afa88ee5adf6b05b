"""Accounts and their access keys (the admin API's ``accounts`` calls)."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from typing import Any

from ..domain.accounts import DEFAULT_ACCOUNT, Credential
from ..domain.errors import InvalidParameter, NotFound
from ..domain.policy import Policy
from .context import Services, transaction

__all__ = ["KeyInfo", "create_account", "create_key", "list_accounts", "list_keys", "revoke_key"]

# ASCII only and matched whole: ``\d`` would take any Unicode digit and ``$``
# a trailing newline, which would then reach ARNs and log lines.
_ACCOUNT = re.compile(r"[0-9]{12}")
_PRINCIPAL = re.compile(r"[A-Za-z0-9_+=,.@-]{1,64}")
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True, slots=True)
class KeyInfo:
    access_key_id: str
    account_id: str
    principal: str
    policy: dict[str, Any] | None
    created_at: float
    revoked_at: float | None


def _check_account_id(account_id: Any) -> str:
    if not isinstance(account_id, str) or not _ACCOUNT.fullmatch(account_id):
        raise InvalidParameter("account_id must be 12 digits")
    return account_id


def create_account(services: Services, requested: Any) -> str:
    """Create the account (it is not an error if it exists)."""
    account_id = _check_account_id(requested)
    with transaction(services, write=True) as tx:
        if not tx.uow.accounts.exists(account_id):
            tx.uow.accounts.add(account_id, tx.now)
        tx.uow.commit()
    return account_id


def list_accounts(services: Services) -> list[str]:
    with transaction(services, write=False) as tx:
        return sorted({DEFAULT_ACCOUNT, *tx.uow.accounts.all()})


def create_key(services: Services, account_id: str, principal: Any, policy: Any) -> Credential:
    """A new access key acting as ``principal`` in the account, under ``policy`` if given."""
    _check_account_id(account_id)
    if not isinstance(principal, str) or not _PRINCIPAL.fullmatch(principal):
        raise InvalidParameter("principal must be 1 to 64 characters of letters, digits, +=,.@_-")
    if policy is not None:
        Policy.from_document(policy)
    credential = Credential(
        "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
        "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
        account_id,
        principal,
        policy,
    )
    with transaction(services, write=True) as tx:
        _require(tx.uow.accounts.exists(account_id), account_id)
        tx.uow.access_keys.add(credential, tx.now)
        tx.uow.commit()
    return credential


def list_keys(services: Services, account_id: str) -> list[KeyInfo]:
    """The account's keys, without their secrets."""
    with transaction(services, write=False) as tx:
        _require(tx.uow.accounts.exists(account_id), account_id)
        return [
            KeyInfo(c.access_key_id, c.account_id, c.principal, c.policy, created, revoked)
            for c, created, revoked in tx.uow.access_keys.for_account(account_id)
        ]


def revoke_key(services: Services, account_id: str, access_key_id: str) -> None:
    with transaction(services, write=True) as tx:
        if not tx.uow.access_keys.revoke(account_id, access_key_id, tx.now):
            raise NotFound(f"No active key {access_key_id} in account {account_id}")
        tx.uow.commit()


def _require(exists: bool, account_id: str) -> None:
    """The default account always exists; others are created with ``POST accounts``."""
    if not exists and account_id != DEFAULT_ACCOUNT:
        raise NotFound(f"Account {account_id} does not exist; create it with POST accounts")
