"""Admin calls for accounts and access keys.

``POST accounts`` creates an account; ``POST accounts/{account}/keys`` issues
a key (the secret is shown once); ``GET accounts/{account}/keys`` lists keys
without secrets; ``DELETE accounts/{account}/keys/{key}`` revokes one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from ..service import accounts
from ..service.context import Services
from ..service.credentials import KeyRing

__all__ = ["account_routes"]

log = logging.getLogger("connect_numbers.admin")
Route = Callable[[Services, Any, dict[str, str]], dict[str, Any]]


def account_routes(
    keys: KeyRing, body_object: Callable[[Any], dict[str, Any]]
) -> list[tuple[str, str, Route]]:
    """The routes, bound to the key ring whose cache a revocation clears."""

    def create_account(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        account_id = accounts.create_account(services, body_object(body).get("account_id"))
        return {"account_id": account_id}

    def list_accounts(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        return {"accounts": accounts.list_accounts(services)}

    def create_key(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        document = body_object(body)
        credential = accounts.create_key(
            services, labels["account"], document.get("principal"), document.get("policy")
        )
        log.info(
            "issued access key %s for %s in %s",
            credential.access_key_id,
            credential.principal,
            credential.account_id,
        )
        return asdict(credential)

    def list_keys(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        return {"keys": [asdict(k) for k in accounts.list_keys(services, labels["account"])]}

    def revoke_key(services: Services, body: Any, labels: dict[str, str]) -> dict[str, Any]:
        accounts.revoke_key(services, labels["account"], labels["key"])
        keys.forget()
        log.info("revoked access key %s of %s", labels["key"], labels["account"])
        return {}

    account = "accounts/(?P<account>[^/]+)"
    return [
        ("POST", "accounts", create_account),
        ("GET", "accounts", list_accounts),
        ("POST", f"{account}/keys", create_key),
        ("GET", f"{account}/keys", list_keys),
        ("DELETE", f"{account}/keys/(?P<key>[^/]+)", revoke_key),
    ]
