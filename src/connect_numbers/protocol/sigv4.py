"""AWS Signature Version 4 verification, as Connect's API-Gateway front door does it.

:class:`SigV4Verifier` answers the :class:`Caller` who signed a request, or raises
:class:`SigV4Error` with the code, status (403) and message AWS sends. Checks, in order:
an ``Authorization`` header or a presigned query (else MissingAuthenticationToken); its
shape (IncompleteSignature); no session token and a known key (UnrecognizedClient); the
credential scope, every mismatch in one message as AWS does (InvalidSignature); ``host``
and the date header signed, every signed header present (InvalidSignature, as AWS answers
for an unsigned ``Host``); the date within the skew (a presigned query: until
``X-Amz-Expires``); the signature, recomputed as botocore's ``SigV4Auth`` does for a
non-S3 service and compared in constant time.

Canonical request: the raw wire path, dot segments removed, is percent-encoded again
(``%3A`` becomes ``%253A``); query keys and values are decoded, then re-encoded with
``-_.~`` safe. A raw ``+`` in the query decodes as a space (as ``parse_qsl`` does), so it
signs as ``%20``: botocore never sends ``+`` (``%20`` for a space, ``%2B`` for a plus),
and the query parser must decode ``+`` as a space too, so that swapping ``+`` and ``%20``
on the wire can never change a meaning.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import quote, unquote_to_bytes

__all__ = [
    "Caller",
    "IncomingRequest",
    "SecretLookup",
    "SigV4Error",
    "SigV4Verifier",
    "canonical_request",
    "signer",
    "signing_key",
    "string_to_sign",
]

logger = logging.getLogger(__name__)

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_PRESIGN_EXPIRES = 604_800  # one week, as AWS allows

_TIMESTAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_TIMESTAMP = re.compile(r"[0-9]{8}T[0-9]{6}Z")
_AUTH_PARAMS = ("Credential", "Signature", "SignedHeaders")
_QUERY_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)
_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """A request as received: the path and query still percent-encoded as on the wire.

    ``headers`` maps lower-cased names to values; repeated headers are joined
    with ``,`` as SigV4 does.
    """

    method: str
    raw_path: str
    raw_query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed a verified request, and the scope they signed it for."""

    access_key_id: str
    region: str
    scope_date: str


class SigV4Error(Exception):
    """A request that failed authentication, with AWS's code, status and message."""

    def __init__(self, code: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message


class SecretLookup(Protocol):
    """Answers the secret access key of an access key id, or ``None`` if unknown.

    The argument is positional-only, so that ``{key: secret}.get`` is a lookup too.
    """

    def __call__(self, access_key_id: str, /) -> str | None: ...


@dataclass(slots=True)
class _Claim:
    """What a request claims about its signature, before anything is trusted."""

    credential: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str  # as signed: YYYYMMDDTHHMMSSZ
    date_header: str  # "X-Amz-Date" or "Date"; "" for a presigned query
    expires: int | None  # presigned only
    has_session_token: bool
    signed_query: str  # the raw query the client signed


@dataclass(frozen=True, slots=True)
class _Scope:
    access_key_id: str
    date: str
    region: str
    service: str
    terminator: str

    def credential_scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{self.terminator}"


class SigV4Verifier:
    """Verifies SigV4 signatures against the secrets that ``lookup`` knows."""

    def __init__(
        self,
        lookup: SecretLookup,
        *,
        service: str = "connect",
        regions: Collection[str],
        max_skew_seconds: int = 300,
    ) -> None:
        self._lookup = lookup
        self._service = service
        self._regions = frozenset(regions)
        self._max_skew = max_skew_seconds

    def verify(self, request: IncomingRequest, now: float) -> Caller:
        """The caller who signed ``request``; raises :class:`SigV4Error` otherwise.

        ``now`` is epoch seconds from the service's clock.
        """
        claim = _read_claim(request)
        scope = _parse_credential(claim.credential)
        secret = self._secret(scope, claim)
        self._check_scope(scope, claim.timestamp)
        _check_signed_headers(claim, request.headers)
        self._check_freshness(claim, now)
        _check_signature(request, claim, scope, secret)
        return Caller(scope.access_key_id, scope.region, scope.date)

    def _secret(self, scope: _Scope, claim: _Claim) -> str:
        secret = None if claim.has_session_token else self._lookup(scope.access_key_id)
        if secret is None:
            raise SigV4Error(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        return secret

    def _check_scope(self, scope: _Scope, timestamp: str) -> None:
        problems = ""
        if scope.region not in self._regions:
            problems += f"Credential should be scoped to a valid region, not '{scope.region}'. "
        if scope.service != self._service:
            problems += f"Credential should be scoped to correct service: '{self._service}'. "
        if scope.terminator != TERMINATOR:
            problems += (
                f"Credential should be scoped with a valid terminator: '{TERMINATOR}', "
                f"not '{scope.terminator}'. "
            )
        if scope.date != timestamp[:8]:
            problems += (
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                f"date from HTTP: '{scope.date}' != '{timestamp[:8]}', from '{timestamp}'."
            )
        if problems:
            raise _invalid(problems)

    def _check_freshness(self, claim: _Claim, now: float) -> None:
        signed_at = _epoch(claim.timestamp)
        valid_for = self._max_skew if claim.expires is None else claim.expires
        if signed_at < now - valid_for:
            raise _invalid(
                f"Signature expired: {claim.timestamp} is now earlier than "
                f"{_format(now - valid_for)} ({_format(now)} - {_duration(valid_for)})"
            )
        if signed_at > now + self._max_skew:
            raise _invalid(
                f"Signature not yet current: {claim.timestamp} is still later than "
                f"{_format(now + self._max_skew)} ({_format(now)} + {_duration(self._max_skew)})"
            )


def _read_claim(request: IncomingRequest) -> _Claim:
    authorization = request.headers.get("authorization", "")
    params = dict(_query_pairs(request.raw_query)) if request.raw_query else {}
    presigned = "X-Amz-Algorithm" in params
    if authorization and presigned:
        raise _invalid(
            "Found both 'X-Amz-Algorithm' as a query-string param "
            "and 'Authorization' as HTTP header."
        )
    if authorization:
        return _claim_from_header(request, authorization)
    if presigned:
        return _claim_from_query(request, params)
    raise SigV4Error("MissingAuthenticationTokenException", "Missing Authentication Token")


def _claim_from_header(request: IncomingRequest, authorization: str) -> _Claim:
    headers = request.headers
    usual = _USUAL_AUTHORIZATION.fullmatch(authorization)
    if usual is not None and headers.get("x-amz-date"):
        credential, signed_headers, signature = usual.groups()
        return _Claim(
            credential,
            _signed_header_names(signed_headers),
            signature,
            _amz_timestamp(headers["x-amz-date"]),
            "X-Amz-Date",
            None,
            "x-amz-security-token" in headers,
            request.raw_query,
        )
    algorithm, _, rest = authorization.strip().partition(" ")
    params = _authorization_params(rest, authorization)
    problems = [
        f"Authorization header requires '{name}' parameter. "
        for name in _AUTH_PARAMS
        if not params.get(name)
    ]
    if not request.headers.get("x-amz-date") and not request.headers.get("date"):
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        )
    if problems:
        raise _incomplete("".join(problems) + f"Authorization={authorization}")
    _check_algorithm(algorithm)
    timestamp, date_header = _header_timestamp(request.headers)
    return _Claim(
        credential=params["Credential"],
        signed_headers=_signed_header_names(params["SignedHeaders"]),
        signature=params["Signature"],
        timestamp=timestamp,
        date_header=date_header,
        expires=None,
        has_session_token="x-amz-security-token" in request.headers,
        signed_query=request.raw_query,
    )


_SEPARATORS = re.compile(r"[,\s]+")
# What every SDK sends; anything else is read by the general parser below, which
# gives the same claim for this form.
_USUAL_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^,\s=]+), SignedHeaders=([^,\s=]+), Signature=([^,\s=]+)"
)


def _authorization_params(rest: str, authorization: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in filter(None, _SEPARATORS.split(rest)):
        key, equals, value = part.partition("=")
        if not equals:
            raise _incomplete(
                f"'{part}' not a valid key=value pair (missing equal-sign) "
                f"in Authorization header: '{authorization}'."
            )
        params[key] = value
    return params


def _claim_from_query(request: IncomingRequest, params: Mapping[str, str]) -> _Claim:
    missing = [
        f"AWS query-string parameters must include '{name}'. "
        for name in _QUERY_PARAMS
        if not params.get(name)
    ]
    if missing:
        raise _incomplete("".join(missing) + "Re-examine the query-string parameters.")
    _check_algorithm(params["X-Amz-Algorithm"])
    return _Claim(
        credential=params["X-Amz-Credential"],
        signed_headers=_signed_header_names(params["X-Amz-SignedHeaders"]),
        signature=params["X-Amz-Signature"],
        timestamp=_amz_timestamp(params["X-Amz-Date"]),
        date_header="",
        expires=_expires(params.get("X-Amz-Expires")),
        has_session_token="X-Amz-Security-Token" in params
        or "x-amz-security-token" in request.headers,
        signed_query=_without_last_signature(request.raw_query),
    )


def _check_algorithm(algorithm: str) -> None:
    if algorithm != ALGORITHM:
        raise _incomplete(
            f"Unsupported AWS 'algorithm': '{algorithm}' (only {ALGORITHM} for now). "
        )


@lru_cache(maxsize=256)
def _signed_header_names(value: str) -> tuple[str, ...]:
    return tuple(sorted({name.strip().lower() for name in value.split(";")}))


@lru_cache(maxsize=256)
def _parse_credential(credential: str) -> _Scope:
    parts = credential.split("/")
    if len(parts) != 5:
        raise _incomplete(
            "Credential must have exactly 5 slash-delimited elements, "
            f"e.g. keyid/date/region/service/term, got '{credential}'"
        )
    return _Scope(*parts)


def _header_timestamp(headers: Mapping[str, str]) -> tuple[str, str]:
    amz_date = headers.get("x-amz-date")
    if amz_date:
        return _amz_timestamp(amz_date), "X-Amz-Date"
    return _http_timestamp(headers["date"]), "Date"


def _amz_timestamp(value: str) -> str:
    if _TIMESTAMP.fullmatch(value) and _epoch_or_none(value) is not None:
        return value
    raise _incomplete(
        f"Date must be in ISO-8601 'basic format'. Got '{value}'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )


def _http_timestamp(value: str) -> str:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise _incomplete(f"Date header must be an RFC 7231 HTTP-date. Got '{value}'.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return _stamp(parsed.astimezone(UTC))


def _expires(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_PRESIGN_EXPIRES:
        raise _incomplete(
            f"X-Amz-Expires must be a whole number of seconds from 0 to {MAX_PRESIGN_EXPIRES}, "
            f"got '{value}'."
        )
    return int(value)


def _without_last_signature(raw_query: str) -> str:
    """The query a presigned request signed: the one it had before its X-Amz-Signature."""
    pairs = raw_query.split("&")
    keys = [_decode(pair.partition("=")[0]) for pair in pairs]
    last = len(keys) - 1 - keys[::-1].index("X-Amz-Signature")
    return "&".join(pairs[:last] + pairs[last + 1 :])


def _check_signed_headers(claim: _Claim, headers: Mapping[str, str]) -> None:
    if "host" not in claim.signed_headers:
        raise _invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    if claim.date_header and claim.date_header.lower() not in claim.signed_headers:
        raise _invalid(f"'{claim.date_header}' must be a 'SignedHeader' in the AWS Authorization.")
    for name in claim.signed_headers:
        if name not in headers:
            raise _invalid(f"'{name}' is a 'SignedHeader' but is missing from the request.")


def _check_signature(request: IncomingRequest, claim: _Claim, scope: _Scope, secret: str) -> None:
    signed_request = (
        request
        if request.raw_query == claim.signed_query
        else replace(request, raw_query=claim.signed_query)
    )
    canonical = _canonical(signed_request, claim.signed_headers)  # sorted by _signed_header_names
    to_sign = string_to_sign(claim.timestamp, scope.credential_scope(), canonical)
    signature = signer(secret, scope.date, scope.region, scope.service).copy()
    signature.update(to_sign.encode())
    expected = signature.hexdigest()
    given = claim.signature  # text other than ASCII never matches a hex digest
    if not (given.isascii() and hmac.compare_digest(expected, given)):
        logger.debug(
            "SigV4 mismatch for %s; canonical request:\n%s", scope.access_key_id, canonical
        )
        raise _invalid(_MISMATCH)


def canonical_request(request: IncomingRequest, signed_headers: Sequence[str]) -> str:
    """The canonical request botocore's ``SigV4Auth`` builds for this wire request.

    The payload hash is ``UNSIGNED-PAYLOAD`` when the client signed an
    ``X-Amz-Content-SHA256`` header with that value; otherwise it is always the
    SHA-256 of the body actually received, never a declared hash: a declared
    hash that does not match the body then fails as a signature mismatch.
    """
    names = signed_headers if isinstance(signed_headers, tuple) else tuple(signed_headers)
    return _canonical(request, _sorted_names(names))


def _canonical(request: IncomingRequest, names: tuple[str, ...]) -> str:
    """``canonical_request`` with ``names`` sorted already."""
    query = request.raw_query
    return (
        f"{request.method.upper()}\n{_canonical_uri(request.raw_path)}\n"
        f"{_canonical_query(query) if query else ''}\n"
        f"{_canonical_headers(request.headers, names)}\n\n{';'.join(names)}\n"
        f"{_payload_hash(request, names)}"
    )


@lru_cache(maxsize=256)
def _sorted_names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(names))


def string_to_sign(timestamp: str, credential_scope: str, canonical: str) -> str:
    """The SigV4 string to sign for a canonical request."""
    digest = hashlib.sha256(_utf8(canonical)).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{credential_scope}\n{digest}"


@lru_cache(maxsize=512)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The derived SigV4 key; cached, so a busy key derives it once a day per region."""
    key = _hmac(f"AWS4{secret}".encode(), date)
    for part in (region, service, TERMINATOR):
        key = _hmac(key, part)
    return key


@lru_cache(maxsize=512)
def signer(secret: str, date: str, region: str, service: str) -> hmac.HMAC:
    """An HMAC-SHA256 keyed with the derived SigV4 key, fed nothing yet: each request
    signs with a copy of it (cheaper than keying a new one)."""
    return hmac.new(signing_key(secret, date, region, service), digestmod=hashlib.sha256)


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.digest(key, message.encode(), "sha256")


@lru_cache(maxsize=4096)
def _canonical_uri(raw_path: str) -> str:
    path = _remove_dot_segments(raw_path) if raw_path else "/"
    return quote(_utf8(path), safe="/~")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 dot-segment removal that also drops empty segments, as botocore does."""
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment not in ("", "."):
            kept.append(segment)
    leading = "/" if path.startswith("/") else ""
    trailing = "/" if path.endswith("/") and kept else ""
    return leading + "/".join(kept) + trailing


def _canonical_query(raw_query: str) -> str:
    if not raw_query:
        return ""
    pairs = sorted((_encode(k), _encode(v)) for k, v in _raw_pairs(raw_query))
    return "&".join(f"{key}={value}" for key, value in pairs)


def _raw_pairs(raw_query: str) -> list[tuple[str, str]]:
    pairs = (pair.partition("=") for pair in raw_query.split("&"))
    return [(key, value) for key, _, value in pairs]


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    if not raw_query:
        return []
    return [(_decode(key), _decode(value)) for key, value in _raw_pairs(raw_query)]


def _decode(text: str) -> str:
    return unquote_to_bytes(_utf8(text.replace("+", " "))).decode("utf-8", "replace")


def _encode(text: str) -> str:
    return quote(unquote_to_bytes(_utf8(text.replace("+", " "))), safe="-_.~")


def _canonical_headers(headers: Mapping[str, str], names: Sequence[str]) -> str:
    get = headers.get
    return "\n".join([f"{name}:{' '.join(get(name, '').split())}" for name in names])


def _payload_hash(request: IncomingRequest, signed_headers: Sequence[str]) -> str:
    declared = request.headers.get("x-amz-content-sha256")
    if declared == UNSIGNED_PAYLOAD and "x-amz-content-sha256" in signed_headers:
        return UNSIGNED_PAYLOAD
    return hashlib.sha256(request.body).hexdigest() if request.body else _EMPTY_SHA256


_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _incomplete(message: str) -> SigV4Error:
    return SigV4Error("IncompleteSignatureException", message)


def _invalid(message: str) -> SigV4Error:
    return SigV4Error("InvalidSignatureException", message)


def _utf8(text: str) -> bytes:
    """UTF-8, keeping lone surrogates (which no SDK sends) rather than crashing on them."""
    return text.encode("utf-8", "surrogatepass")


def _epoch(timestamp: str) -> float:
    epoch = _epoch_or_none(timestamp)
    if epoch is None:
        raise ValueError(f"not a timestamp: {timestamp}")
    return epoch


@lru_cache(maxsize=256)
def _epoch_or_none(timestamp: str) -> float | None:
    """Epoch seconds of YYYYMMDDTHHMMSSZ, or None if it names no real instant.

    Cached: every request signed in the same second carries the same stamp,
    and strptime costs more than the rest of the verification.
    """
    try:
        moment = datetime.strptime(timestamp, _TIMESTAMP_FORMAT)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC).timestamp()


def _format(epoch: float) -> str:
    return _stamp(datetime.fromtimestamp(epoch, UTC))


def _stamp(moment: datetime) -> str:
    """YYYYMMDDTHHMMSSZ; the year zero-padded, which strftime does not promise."""
    return f"{moment.year:04d}{moment:%m%dT%H%M%S}Z"


def _duration(seconds: int) -> str:
    return f"{seconds // 60} min." if seconds % 60 == 0 else f"{seconds} sec."
