"""Access keys: who a SigV4 access key id stands for.

The well-known local key ``test`` (secret ``test``, account 000000000000)
exists only when the server says so (it listens on loopback). Stored keys are
read through a short in-process cache so that verification stays cheap; a
revocation in another process takes effect within ``ttl_seconds``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..domain.accounts import DEFAULT_ACCOUNT, LOCAL_KEY, Credential

__all__ = ["KeyRing"]

_LOCAL = Credential(LOCAL_KEY, LOCAL_KEY, DEFAULT_ACCOUNT, LOCAL_KEY)


class KeyRing:
    def __init__(
        self,
        load: Callable[[str], Credential | None],
        *,
        allow_local_key: bool,
        ttl_seconds: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._allow_local = allow_local_key
        self._ttl = ttl_seconds
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, Credential | None]] = {}

    def find(self, access_key_id: str) -> Credential | None:
        if access_key_id == LOCAL_KEY and self._allow_local:
            return _LOCAL
        now = self._monotonic()
        cached = self._cache.get(access_key_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = self._load(access_key_id)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[access_key_id] = (now + self._ttl, found)
        return found

    def secret(self, access_key_id: str) -> str | None:
        found = self.find(access_key_id)
        return found.secret_access_key if found is not None else None

    def forget(self) -> None:
        self._cache.clear()
