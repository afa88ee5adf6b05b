"""SigV4 signing for the load generators.

:func:`botocore_signed` signs with botocore's own ``SigV4Auth`` (the wrk tables).
:class:`FastSigner` signs per request for the churn client: the same algorithm,
with the day's signing key cached, so that signing costs two SHA-256 and one HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

__all__ = [
    "ACCESS_KEY",
    "REGION",
    "SECRET_KEY",
    "SERVICE",
    "FastSigner",
    "SignedRequest",
    "botocore_signed",
]

ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"
SERVICE = "connect"
CONTENT_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class SignedRequest:
    method: str
    path: str  # with the query string, as sent
    headers: dict[str, str]  # includes Host
    body: bytes


def botocore_signed(
    base_url: str, method: str, path: str, body: dict[str, Any] | None = None
) -> SignedRequest:
    """A request signed now by botocore's SigV4Auth (test/test, us-east-1, connect)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    data = b"" if body is None else json.dumps(body).encode()
    headers = {"Content-Type": CONTENT_TYPE} if body is not None else {}
    request = AWSRequest(method=method, url=base_url + path, data=data, headers=headers)
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), SERVICE, REGION).add_auth(request)
    signed = {k: str(v) for k, v in request.headers.items()}
    signed["Host"] = base_url.split("://", 1)[1]
    return SignedRequest(method, path, signed, data)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


class FastSigner:
    """SigV4 (header auth) for one host, caching the signing key of the day."""

    def __init__(
        self,
        host: str,
        access_key: str = ACCESS_KEY,
        secret_key: str = SECRET_KEY,
        region: str = REGION,
        service: str = SERVICE,
    ) -> None:
        self.host = host
        self._access_key = access_key
        self._secret = secret_key
        self._region = region
        self._service = service
        self._day = ""
        self._key = b""

    def _signing_key(self, day: str) -> bytes:
        if day != self._day:
            key = _hmac(("AWS4" + self._secret).encode(), day)
            for part in (self._region, self._service, "aws4_request"):
                key = _hmac(key, part)
            self._day, self._key = day, key
        return self._key

    def sign(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        now: datetime | None = None,
    ) -> SignedRequest:
        """``path`` is already percent-encoded as it goes on the wire."""
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        day = stamp[:8]
        canonical_query = "&".join(
            f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query.items())
        )
        headers = {"content-type": CONTENT_TYPE, "host": self.host, "x-amz-date": stamp}
        signed_names = ";".join(headers)  # already sorted
        canonical = "\n".join(
            (
                method,
                quote(path, safe="/~"),  # non-S3: the path is encoded once more
                canonical_query,
                "".join(f"{k}:{v}\n" for k, v in headers.items()),
                signed_names,
                hashlib.sha256(body).hexdigest(),
            )
        )
        scope = f"{day}/{self._region}/{self._service}/aws4_request"
        to_sign = "\n".join(
            ("AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest())
        )
        signature = hmac.new(self._signing_key(day), to_sign.encode(), hashlib.sha256).hexdigest()
        wire = {
            "Host": self.host,
            "Content-Type": CONTENT_TYPE,
            "X-Amz-Date": stamp,
            "Authorization": (
                f"AWS4-HMAC-SHA256 Credential={self._access_key}/{scope}, "
                f"SignedHeaders={signed_names}, Signature={signature}"
            ),
        }
        full_path = f"{path}?{canonical_query}" if query else path
        return SignedRequest(method, full_path, wire, body)
