"""SigV4 verification: the reference's vectors, botocore's own signer, and every refusal."""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import botocore.session
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest, create_request_object, prepare_request_dict
from botocore.credentials import Credentials
from botocore.model import ServiceModel
from botocore.serialize import create_serializer
from hypothesis import given, settings
from hypothesis import strategies as st

from connect_numbers.protocol.sigv4 import (
    Caller,
    IncomingRequest,
    SigV4Error,
    SigV4Verifier,
    canonical_request,
    signer,
    signing_key,
    string_to_sign,
)

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SIGNED_AT = datetime(2026, 1, 15, 12, 0, 0)
NOW = float(calendar.timegm(SIGNED_AT.timetuple()))
ENDPOINT = "https://connect.us-east-1.amazonaws.com"
HOST = "connect.us-east-1.amazonaws.com"
PHONE_ARN = (
    "arn:aws:connect:us-east-1:123456789012:phone-number/11111111-2222-3333-4444-555555555555"
)
INSTANCE_ARN = "arn:aws:connect:us-east-1:123456789012:instance/abc"
TOKEN = "22c10cd7-86ba-4030-8e5f-f0380f7ee28e"

MISSING = "MissingAuthenticationTokenException"
INCOMPLETE = "IncompleteSignatureException"
INVALID = "InvalidSignatureException"
UNRECOGNIZED = "UnrecognizedClientException"
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)

Operation = tuple[str, Mapping[str, Any]]
RELEASE: Operation = ("ReleasePhoneNumber", {"PhoneNumberId": PHONE_ARN, "ClientToken": TOKEN})
CLAIM: Operation = (
    "ClaimPhoneNumber",
    {"TargetArn": INSTANCE_ARN, "PhoneNumber": "+15555550100", "ClientToken": TOKEN},
)
UNTAG: Operation = ("UntagResource", {"resourceArn": PHONE_ARN, "tagKeys": ["b c", "a"]})
LIST: Operation = (
    "ListPhoneNumbers",
    {"InstanceId": "abc", "PhoneNumberTypes": ["TOLL_FREE", "DID"], "MaxResults": 5},
)


# --- Appendix B vectors ------------------------------------------------------------------


@dataclass(frozen=True)
class Vector:
    request: IncomingRequest
    canonical: str
    string_to_sign_digest: str


def _vector_request(
    method: str, path: str, query: str, signature: str, *, body: bytes = b""
) -> IncomingRequest:
    signed = "content-type;host;x-amz-date" if body else "host;x-amz-date"
    headers = {
        "host": HOST,
        "x-amz-date": "20260115T120000Z",
        "authorization": (
            f"AWS4-HMAC-SHA256 Credential={AKID}/20260115/us-east-1/connect/aws4_request, "
            f"SignedHeaders={signed}, Signature={signature}"
        ),
    }
    if body:
        headers["content-type"] = "application/json"
    return IncomingRequest(method, path, query, headers, body)


RELEASE_VECTOR = Vector(
    _vector_request(
        "DELETE",
        "/phone-number/arn%3Aaws%3Aconnect%3Aus-east-1%3A123456789012%3Aphone-number"
        "%2F11111111-2222-3333-4444-555555555555",
        f"clientToken={TOKEN}",
        "1e98f935ae7b5d373afd16b569fcb54d58207d61509798492fabbe5b8e274ce5",
    ),
    "DELETE\n"
    "/phone-number/arn%253Aaws%253Aconnect%253Aus-east-1%253A123456789012%253Aphone-number"
    "%252F11111111-2222-3333-4444-555555555555\n"
    f"clientToken={TOKEN}\n"
    f"host:{HOST}\n"
    "x-amz-date:20260115T120000Z\n"
    "\n"
    "host;x-amz-date\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "940807bdfd9a4ff5b7a826d9b2526f7196e4b77efe60025266ac193554ed9113",
)
CLAIM_VECTOR = Vector(
    _vector_request(
        "POST",
        "/phone-number/claim",
        "",
        "3aadd621d811ec67880fdc53942367fcd0430c7e57258803b57e1109c38b1ffb",
        body=(
            b'{"TargetArn": "arn:aws:connect:us-east-1:123456789012:instance/abc", '
            b'"PhoneNumber": "+15555550100", "ClientToken": "22c10cd7-86ba-4030-8e5f-f0380f7ee28e"}'
        ),
    ),
    "POST\n"
    "/phone-number/claim\n"
    "\n"
    "content-type:application/json\n"
    f"host:{HOST}\n"
    "x-amz-date:20260115T120000Z\n"
    "\n"
    "content-type;host;x-amz-date\n"
    "de76f207588724a0c5c0543505aa8c618f3446d1daf897507c47a1b0e13c9692",
    "628e17cad0075b1eb0e80d681a30d5d3429886d0daa3ba9c2ca42b1f86d36afd",
)
UNTAG_VECTOR = Vector(
    _vector_request(
        "DELETE",
        "/tags/arn%3Aaws%3Aconnect%3Aus-east-1%3A123456789012%3Aphone-number%2Fx",
        "tagKeys=b%20c&tagKeys=a",
        "64df28603c5272570753a94f758550ed23e4dd10ab95b40d1d1e56f993c6db37",
    ),
    "DELETE\n"
    "/tags/arn%253Aaws%253Aconnect%253Aus-east-1%253A123456789012%253Aphone-number%252Fx\n"
    "tagKeys=a&tagKeys=b%20c\n"
    f"host:{HOST}\n"
    "x-amz-date:20260115T120000Z\n"
    "\n"
    "host;x-amz-date\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "c0641f848c45230f2aa94dac9181dd40e2b58c0116a6f712002b532af69b55cc",
)
VECTORS = pytest.mark.parametrize(
    "vector", [RELEASE_VECTOR, CLAIM_VECTOR, UNTAG_VECTOR], ids=["release", "claim", "untag"]
)


# --- helpers ---------------------------------------------------------------------------


def _verifier(regions: tuple[str, ...] = ("us-east-1", "us-west-2")) -> SigV4Verifier:
    return SigV4Verifier({AKID: SECRET}.get, regions=regions)


def _refusal(request: IncomingRequest, now: float = NOW) -> SigV4Error:
    with pytest.raises(SigV4Error) as caught:
        _verifier().verify(request, now)
    assert caught.value.status == 403
    return caught.value


@cache
def _connect_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("connect")


def _aws_request(operation: Operation) -> AWSRequest:
    """The request botocore's rest-json serializer makes for a Connect operation."""
    name, params = operation
    model = _connect_model().operation_model(name)
    request_dict = create_serializer("rest-json").serialize_to_request(dict(params), model)
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT)
    request: AWSRequest = create_request_object(request_dict)
    return request


@contextmanager
def _botocore_clock(at: datetime) -> Iterator[None]:
    with mock.patch("botocore.auth.get_current_datetime", return_value=at):
        yield


def _sign(
    request: AWSRequest,
    *,
    key: str = AKID,
    secret: str = SECRET,
    token: str | None = None,
    region: str = "us-east-1",
    service: str = "connect",
) -> IncomingRequest:
    with _botocore_clock(SIGNED_AT):
        SigV4Auth(Credentials(key, secret, token), service, region).add_auth(request)
    return _on_the_wire(request)


def _presign(
    request: AWSRequest, *, expires: int = 60, token: str | None = None
) -> IncomingRequest:
    credentials = Credentials(AKID, SECRET, token)
    with _botocore_clock(SIGNED_AT):
        SigV4QueryAuth(credentials, "connect", "us-east-1", expires=expires).add_auth(request)
    return _on_the_wire(request)


def _on_the_wire(request: AWSRequest) -> IncomingRequest:
    """What the server receives: the HTTP client adds Host (and unsigned extras)."""
    prepared = request.prepare()
    url = urlsplit(prepared.url)
    headers = {name.lower(): value for name, value in prepared.headers.items()}
    headers.setdefault("host", url.netloc)
    headers.setdefault("user-agent", "Boto3/1.0 test")
    body = prepared.body or b""
    return IncomingRequest(
        prepared.method,
        url.path,
        url.query,
        headers,
        body.encode() if isinstance(body, str) else body,
    )


def _signed(operation: Operation, **kwargs: Any) -> IncomingRequest:
    return _sign(_aws_request(operation), **kwargs)


def _with_headers(request: IncomingRequest, **changes: str | None) -> IncomingRequest:
    headers = dict(request.headers)
    for keyword, value in changes.items():
        name = keyword.replace("_", "-")
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return replace(request, headers=headers)


def _flip_byte(data: bytes, index: int, xor: int = 0x01) -> bytes:
    return data[:index] + bytes([data[index] ^ xor]) + data[index + 1 :]


# --- the reference's vectors -----------------------------------------------------------


@VECTORS
def test_the_canonical_request_equals_the_one_botocore_printed_for_the_vector(
    vector: Vector,
) -> None:
    signed_headers = ["host", "x-amz-date"] + (["content-type"] if vector.request.body else [])
    assert canonical_request(vector.request, signed_headers) == vector.canonical


@VECTORS
def test_the_string_to_sign_carries_the_digest_printed_for_the_vector(vector: Vector) -> None:
    scope = "20260115/us-east-1/connect/aws4_request"
    to_sign = string_to_sign("20260115T120000Z", scope, vector.canonical)
    assert to_sign.split("\n") == [
        "AWS4-HMAC-SHA256",
        "20260115T120000Z",
        scope,
        vector.string_to_sign_digest,
    ]


@VECTORS
def test_the_vector_verifies_as_its_signer(vector: Vector) -> None:
    assert _verifier().verify(vector.request, NOW) == Caller(AKID, "us-east-1", "20260115")


def test_a_signature_over_the_double_encoded_arn_path_is_refused_for_the_decoded_path() -> None:
    decoded = replace(RELEASE_VECTOR.request, raw_path=f"/phone-number/{PHONE_ARN}")
    error = _refusal(decoded)
    assert (error.code, error.message) == (INVALID, MISMATCH)


def test_the_vector_is_refused_when_one_tag_key_is_dropped() -> None:
    dropped = replace(UNTAG_VECTOR.request, raw_query="tagKeys=a")
    assert _refusal(dropped).code == INVALID


# --- requests signed by botocore -------------------------------------------------------


def test_botocore_sends_the_arn_percent_encoded_and_list_values_as_repeated_keys() -> None:
    assert _signed(RELEASE).raw_path.startswith("/phone-number/arn%3Aaws%3Aconnect%3A")
    assert _signed(UNTAG).raw_query == "tagKeys=b%20c&tagKeys=a"
    assert "phoneNumberTypes=TOLL_FREE&phoneNumberTypes=DID" in _signed(LIST).raw_query


@pytest.mark.parametrize("operation", [RELEASE, CLAIM, UNTAG, LIST], ids=lambda op: op[0])
def test_a_connect_operation_signed_by_botocore_verifies(operation: Operation) -> None:
    assert _verifier().verify(_signed(operation), NOW) == Caller(AKID, "us-east-1", "20260115")


def test_a_request_signed_for_another_known_region_verifies_and_names_that_region() -> None:
    caller = _verifier().verify(_signed(RELEASE, region="us-west-2"), NOW)
    assert caller.region == "us-west-2"


def test_a_request_signed_with_a_date_header_instead_of_x_amz_date_verifies() -> None:
    request = _aws_request(RELEASE)
    request.headers["Date"] = "placeholder, botocore rewrites it"
    incoming = _sign(request)
    assert "x-amz-date" not in incoming.headers
    assert incoming.headers["date"] == "Thu, 15 Jan 2026 12:00:00 -0000"
    assert _verifier().verify(incoming, NOW).access_key_id == AKID


def test_an_unsigned_header_may_change_in_transit() -> None:
    request = _with_headers(_signed(CLAIM), user_agent="curl/8", content_length="999")
    assert _verifier().verify(request, NOW).access_key_id == AKID


def test_whitespace_around_and_inside_a_signed_header_value_does_not_matter() -> None:
    request = _with_headers(_signed(CLAIM), content_type="   application/json   ")
    assert _verifier().verify(request, NOW).access_key_id == AKID


def _mutations() -> Iterator[Any]:
    def body_byte(r: IncomingRequest) -> IncomingRequest:
        return replace(r, body=_flip_byte(r.body, 10))

    def path(r: IncomingRequest) -> IncomingRequest:
        return replace(r, raw_path=r.raw_path.replace("11111111-", "11111112-"))

    def query_value(r: IncomingRequest) -> IncomingRequest:
        return replace(r, raw_query=r.raw_query.replace(TOKEN, TOKEN[:-1] + "f"))

    def repeated_query_value(r: IncomingRequest) -> IncomingRequest:
        return replace(r, raw_query=r.raw_query.replace("TOLL_FREE", "TOLL_FREX"))

    def dropped_query_pair(r: IncomingRequest) -> IncomingRequest:
        return replace(r, raw_query=r.raw_query.replace("tagKeys=a", "").strip("&"))

    def signed_header(r: IncomingRequest) -> IncomingRequest:
        return _with_headers(r, content_type="text/plain")

    def host(r: IncomingRequest) -> IncomingRequest:
        return _with_headers(r, host="connect.us-west-2.amazonaws.com")

    def method(r: IncomingRequest) -> IncomingRequest:
        return replace(r, method="GET")

    cases: list[tuple[Operation, Callable[[IncomingRequest], IncomingRequest]]] = [
        (CLAIM, body_byte),
        (RELEASE, path),
        (RELEASE, query_value),
        (LIST, repeated_query_value),
        (UNTAG, dropped_query_pair),
        (CLAIM, signed_header),
        (RELEASE, host),
        (RELEASE, method),
    ]
    for operation, mutate in cases:
        yield pytest.param(operation, mutate, id=mutate.__name__)


@pytest.mark.parametrize(("operation", "mutate"), list(_mutations()))
def test_changing_one_signed_thing_makes_the_signature_mismatch(
    operation: Operation, mutate: Callable[[IncomingRequest], IncomingRequest]
) -> None:
    original = _signed(operation)
    changed = mutate(original)
    assert changed != original
    error = _refusal(changed)
    assert (error.code, error.message) == (INVALID, MISMATCH)


def test_a_request_signed_with_another_secret_mismatches() -> None:
    error = _refusal(_signed(CLAIM, secret="not-the-secret"))
    assert (error.code, error.message) == (INVALID, MISMATCH)


def test_the_mismatch_message_does_not_reveal_the_canonical_request() -> None:
    message = _refusal(_signed(CLAIM, secret="not-the-secret")).message
    assert "Canonical" not in message
    assert "/phone-number/claim" not in message


def test_a_request_scoped_to_an_unknown_region_is_refused() -> None:
    error = _refusal(_signed(RELEASE, region="mars-east-1"))
    assert error.code == INVALID
    assert error.message == "Credential should be scoped to a valid region, not 'mars-east-1'. "


def test_a_request_scoped_to_another_service_is_refused() -> None:
    error = _refusal(_signed(RELEASE, service="s3"))
    assert error.code == INVALID
    assert error.message == "Credential should be scoped to correct service: 'connect'. "


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_a_request_up_to_five_minutes_old_or_early_is_accepted(offset: int) -> None:
    assert _verifier().verify(_signed(RELEASE), NOW + offset).access_key_id == AKID


def test_a_request_five_minutes_and_one_second_old_has_expired() -> None:
    error = _refusal(_signed(RELEASE), NOW + 301)
    assert error.code == INVALID
    assert error.message == (
        "Signature expired: 20260115T120000Z is now earlier than 20260115T120001Z "
        "(20260115T120501Z - 5 min.)"
    )


def test_a_request_dated_five_minutes_and_one_second_ahead_is_not_yet_current() -> None:
    error = _refusal(_signed(RELEASE), NOW - 301)
    assert error.code == INVALID
    assert error.message == (
        "Signature not yet current: 20260115T120000Z is still later than 20260115T115959Z "
        "(20260115T115459Z + 5 min.)"
    )


def test_the_skew_window_is_configurable() -> None:
    verifier = SigV4Verifier({AKID: SECRET}.get, regions=["us-east-1"], max_skew_seconds=900)
    assert verifier.verify(_signed(RELEASE), NOW + 900).region == "us-east-1"
    with pytest.raises(SigV4Error, match=r"- 15 min\.\)$"):
        verifier.verify(_signed(RELEASE), NOW + 901)


# --- payload hash ----------------------------------------------------------------------


def test_a_signed_unsigned_payload_declaration_accepts_any_body() -> None:
    request = _aws_request(CLAIM)
    request.context["payload_signing_enabled"] = False
    incoming = _sign(request)
    assert incoming.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert "x-amz-content-sha256" in incoming.headers["authorization"]
    tampered = replace(incoming, body=b'{"other": "body"}')
    assert _verifier().verify(tampered, NOW).access_key_id == AKID


def test_an_unsigned_unsigned_payload_declaration_is_ignored() -> None:
    incoming = _with_headers(_signed(CLAIM), x_amz_content_sha256="UNSIGNED-PAYLOAD")
    tampered = replace(incoming, body=b'{"other": "body"}')
    assert _refusal(tampered).message == MISMATCH


def test_a_signed_content_hash_that_matches_the_body_verifies() -> None:
    request = _aws_request(CLAIM)
    request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(request.body).hexdigest()
    assert _verifier().verify(_sign(request), NOW).access_key_id == AKID


def test_a_signed_content_hash_of_another_body_is_refused() -> None:
    request = _aws_request(CLAIM)
    request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(b"another body").hexdigest()
    error = _refusal(_sign(request))
    assert (error.code, error.message) == (INVALID, MISMATCH)


# --- query encoding --------------------------------------------------------------------


def test_a_plus_in_the_raw_query_is_read_as_a_space() -> None:
    incoming = _signed(UNTAG)
    plus = replace(incoming, raw_query=incoming.raw_query.replace("%20", "+"))
    assert _verifier().verify(plus, NOW).access_key_id == AKID


def test_a_plus_sign_sent_as_percent_2b_cannot_be_swapped_for_a_raw_plus() -> None:
    incoming = _signed(("UntagResource", {"resourceArn": PHONE_ARN, "tagKeys": ["b+c"]}))
    assert incoming.raw_query == "tagKeys=b%2Bc"
    assert _refusal(replace(incoming, raw_query="tagKeys=b+c")).message == MISMATCH


def test_needlessly_percent_encoded_query_characters_still_verify() -> None:
    incoming = _signed(RELEASE)
    encoded = replace(incoming, raw_query=incoming.raw_query.replace("-", "%2D"))
    assert _verifier().verify(encoded, NOW).access_key_id == AKID


# --- keys ------------------------------------------------------------------------------


def test_a_request_with_a_session_token_is_unrecognized() -> None:
    error = _refusal(_signed(RELEASE, token="session-token"))
    assert (error.code, error.message) == (
        UNRECOGNIZED,
        "The security token included in the request is invalid.",
    )


def test_a_request_by_an_unknown_access_key_is_unrecognized() -> None:
    error = _refusal(_signed(RELEASE, key="AKIDUNKNOWN"))
    assert (error.code, error.message) == (
        UNRECOGNIZED,
        "The security token included in the request is invalid.",
    )


def test_a_second_verification_with_the_same_key_date_and_region_reuses_the_signing_key() -> None:
    verifier = _verifier()
    first, second, other_region = (
        _signed(RELEASE),
        _signed(CLAIM),
        _signed(LIST, region="us-west-2"),
    )
    signer.cache_clear()
    signing_key.cache_clear()
    verifier.verify(first, NOW)
    verifier.verify(second, NOW)
    assert (signer.cache_info().misses, signer.cache_info().hits) == (1, 1)
    assert signing_key.cache_info().misses == 1  # derived once
    verifier.verify(other_region, NOW)
    assert signer.cache_info().misses == signing_key.cache_info().misses == 2


# --- missing and malformed authorization -----------------------------------------------

GOOD_AUTHORIZATION = RELEASE_VECTOR.request.headers["authorization"]
GOOD_CREDENTIAL = f"{AKID}/20260115/us-east-1/connect/aws4_request"
GOOD_SIGNATURE = "1e98f935ae7b5d373afd16b569fcb54d58207d61509798492fabbe5b8e274ce5"


def _authorized(authorization: str | None, **headers: str | None) -> IncomingRequest:
    return _with_headers(RELEASE_VECTOR.request, authorization=authorization, **headers)


def test_a_request_without_authorization_is_missing_its_token() -> None:
    error = _refusal(_authorized(None))
    assert (error.code, error.message) == (MISSING, "Missing Authentication Token")


def test_an_empty_authorization_header_is_missing_its_token() -> None:
    assert _refusal(_authorized("")).code == MISSING


MALFORMED = [
    pytest.param(
        "AWS4-HMAC-SHA256",
        {},
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization=AWS4-HMAC-SHA256",
        id="no-parameters",
    ),
    pytest.param(
        f"AWS4-HMAC-SHA256 Credential={GOOD_CREDENTIAL}, SignedHeaders=host;x-amz-date",
        {},
        "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 "
        f"Credential={GOOD_CREDENTIAL}, SignedHeaders=host;x-amz-date",
        id="no-signature",
    ),
    pytest.param(
        f"AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature={GOOD_SIGNATURE}",
        {},
        "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256 "
        f"SignedHeaders=host;x-amz-date, Signature={GOOD_SIGNATURE}",
        id="no-credential",
    ),
    pytest.param(
        f"AWS4-HMAC-SHA256 Credential={GOOD_CREDENTIAL}, SignedHeaders=, Signature=abc",
        {},
        "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
        f"Credential={GOOD_CREDENTIAL}, SignedHeaders=, Signature=abc",
        id="empty-signed-headers",
    ),
    pytest.param(
        GOOD_AUTHORIZATION,
        {"x_amz_date": None},
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={GOOD_AUTHORIZATION}",
        id="no-date",
    ),
    pytest.param(
        "AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders",
        {},
        "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: "
        "'AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders'.",
        id="part-without-equal-sign",
    ),
    pytest.param(
        "Bearer eyJhbGciOiJIUzI1NiJ9",
        {},
        "'eyJhbGciOiJIUzI1NiJ9' not a valid key=value pair (missing equal-sign) in "
        "Authorization header: 'Bearer eyJhbGciOiJIUzI1NiJ9'.",
        id="bearer-token",
    ),
    pytest.param(
        "Bearer",
        {},
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer",
        id="bare-scheme",
    ),
    pytest.param(
        GOOD_AUTHORIZATION.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"),
        {},
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ",
        id="other-algorithm",
    ),
    pytest.param(
        GOOD_AUTHORIZATION.replace(GOOD_CREDENTIAL, f"{AKID}/20260115/us-east-1/connect"),
        {},
        "Credential must have exactly 5 slash-delimited elements, "
        f"e.g. keyid/date/region/service/term, got '{AKID}/20260115/us-east-1/connect'",
        id="four-part-credential",
    ),
    pytest.param(
        GOOD_AUTHORIZATION,
        {"x_amz_date": "2026-01-15T12:00:00Z"},
        "Date must be in ISO-8601 'basic format'. Got '2026-01-15T12:00:00Z'. "
        "See http://en.wikipedia.org/wiki/ISO_8601",
        id="extended-iso-date",
    ),
    pytest.param(
        GOOD_AUTHORIZATION,
        {"x_amz_date": "20261315T120000Z"},
        "Date must be in ISO-8601 'basic format'. Got '20261315T120000Z'. "
        "See http://en.wikipedia.org/wiki/ISO_8601",
        id="month-thirteen",
    ),
    pytest.param(
        GOOD_AUTHORIZATION,
        {"x_amz_date": None, "date": "yesterday"},
        "Date header must be an RFC 7231 HTTP-date. Got 'yesterday'.",
        id="unparsable-date-header",
    ),
]


@pytest.mark.parametrize(("authorization", "headers", "message"), MALFORMED)
def test_a_malformed_authorization_is_an_incomplete_signature(
    authorization: str, headers: dict[str, str | None], message: str
) -> None:
    error = _refusal(_authorized(authorization, **headers))
    assert (error.code, error.message) == (INCOMPLETE, message)


def test_a_wrong_terminator_is_an_invalid_scope_as_aws_answers() -> None:
    authorization = GOOD_AUTHORIZATION.replace("aws4_request", "aws5_request")
    error = _refusal(_authorized(authorization))
    assert error.code == INVALID
    assert error.message == (
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
    )


def test_a_scope_date_other_than_the_request_date_is_invalid() -> None:
    error = _refusal(_authorized(GOOD_AUTHORIZATION.replace("/20260115/", "/20260114/")))
    assert error.code == INVALID
    assert error.message == (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '20260114' != '20260115', from '20260115T120000Z'."
    )


def test_every_scope_mismatch_is_named_in_one_message() -> None:
    credential = f"{AKID}/20260114/mars-1/s3/aws4_request"
    error = _refusal(_authorized(GOOD_AUTHORIZATION.replace(GOOD_CREDENTIAL, credential)))
    assert error.message.startswith("Credential should be scoped to a valid region, not 'mars-1'. ")
    assert "correct service: 'connect'. " in error.message
    assert "'20260114' != '20260115'" in error.message


@pytest.mark.parametrize(
    ("signed_headers", "message"),
    [
        ("x-amz-date", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
        ("host", "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."),
        (
            "host;x-amz-date;x-custom",
            "'x-custom' is a 'SignedHeader' but is missing from the request.",
        ),
    ],
    ids=["host-unsigned", "date-unsigned", "signed-header-absent"],
)
def test_required_signed_headers_must_be_signed_and_signed_headers_present(
    signed_headers: str, message: str
) -> None:
    authorization = GOOD_AUTHORIZATION.replace("host;x-amz-date", signed_headers)
    error = _refusal(_authorized(authorization))
    assert (error.code, error.message) == (INVALID, message)


def test_the_date_header_must_be_signed_when_it_dates_the_request() -> None:
    request = _authorized(GOOD_AUTHORIZATION, x_amz_date=None, date="Thu, 15 Jan 2026 12:00:00 GMT")
    assert _refusal(request).message == "'Date' must be a 'SignedHeader' in the AWS Authorization."


def test_a_signature_with_non_ascii_characters_mismatches_without_crashing() -> None:
    authorization = GOOD_AUTHORIZATION.replace(GOOD_SIGNATURE, "é" * 64)
    assert _refusal(_authorized(authorization)).message == MISMATCH


# --- presigned query authentication ------------------------------------------------------


def test_a_presigned_request_verifies_until_it_expires() -> None:
    incoming = _presign(_aws_request(LIST), expires=60)
    assert "X-Amz-Signature=" in incoming.raw_query
    assert "authorization" not in incoming.headers
    assert _verifier().verify(incoming, NOW + 60).access_key_id == AKID
    error = _refusal(incoming, NOW + 61)
    assert error.message == (
        "Signature expired: 20260115T120000Z is now earlier than 20260115T120001Z "
        "(20260115T120101Z - 1 min.)"
    )


def test_a_presigned_request_with_a_changed_query_value_mismatches() -> None:
    incoming = _presign(_aws_request(LIST))
    changed = replace(
        incoming, raw_query=incoming.raw_query.replace("maxResults=5", "maxResults=6")
    )
    assert _refusal(changed).message == MISMATCH


def test_a_presigned_request_with_a_session_token_is_unrecognized() -> None:
    assert _refusal(_presign(_aws_request(LIST), token="session")).code == UNRECOGNIZED


def test_a_presigned_query_missing_its_parameters_is_incomplete() -> None:
    request = replace(RELEASE_VECTOR.request, raw_query="X-Amz-Algorithm=AWS4-HMAC-SHA256")
    error = _refusal(_with_headers(request, authorization=None))
    assert (error.code, error.message) == (
        INCOMPLETE,
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "AWS query-string parameters must include 'X-Amz-Date'. "
        "Re-examine the query-string parameters.",
    )


def test_a_presigned_request_may_not_outlive_a_week() -> None:
    incoming = _presign(_aws_request(LIST), expires=604_801)
    assert _refusal(incoming).code == INCOMPLETE


def test_query_and_header_authentication_together_are_refused() -> None:
    incoming = _presign(_aws_request(LIST))
    both = _with_headers(incoming, authorization=GOOD_AUTHORIZATION)
    error = _refusal(both)
    assert (error.code, error.message) == (
        INVALID,
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    )


# --- properties ------------------------------------------------------------------------


def _claim_with_body(body: bytes) -> IncomingRequest:
    request = AWSRequest(
        method="POST",
        url=f"{ENDPOINT}/phone-number/claim",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    return _sign(request)


@settings(max_examples=60, deadline=None)
@given(body=st.binary(max_size=600), data=st.data())
def test_any_body_signed_by_botocore_verifies_and_any_changed_byte_does_not(
    body: bytes, data: st.DataObject
) -> None:
    incoming = _claim_with_body(body)
    assert _verifier().verify(incoming, NOW).access_key_id == AKID
    if body:
        index = data.draw(st.integers(0, len(body) - 1), label="index")
        xor = data.draw(st.integers(1, 255), label="xor")
        tampered = replace(incoming, body=_flip_byte(body, index, xor))
        assert _refusal(tampered).message == MISMATCH


@settings(max_examples=60, deadline=None)
@given(
    tag_keys=st.lists(
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=20), min_size=1, max_size=5
    ),
    next_token=st.text(st.characters(codec="utf-8"), min_size=1, max_size=30),
)
def test_any_query_values_signed_by_botocore_verify(tag_keys: list[str], next_token: str) -> None:
    untag = _signed(("UntagResource", {"resourceArn": PHONE_ARN, "tagKeys": tag_keys}))
    listing = _signed(("ListPhoneNumbers", {"InstanceId": "abc", "NextToken": next_token}))
    assert _verifier().verify(untag, NOW).access_key_id == AKID
    assert _verifier().verify(listing, NOW).access_key_id == AKID


SEGMENTS = st.sampled_from(["a", "b", ".", "..", "", "arn%3Ax", "%2F", "~x", "sp%20ace", "%2e"])


@settings(max_examples=60, deadline=None)
@given(segments=st.lists(SEGMENTS, max_size=6), trailing_slash=st.booleans())
def test_any_path_with_dot_and_empty_segments_signed_by_botocore_verifies(
    segments: list[str], trailing_slash: bool
) -> None:
    path = "/" + "/".join(segments) + ("/" if trailing_slash else "")
    incoming = _sign(AWSRequest(method="GET", url=f"{ENDPOINT}{path}"))
    assert incoming.raw_path == path
    assert _verifier().verify(incoming, NOW).access_key_id == AKID


AUTH_PIECES = st.sampled_from(
    [
        "AWS4-HMAC-SHA256",
        " ",
        ",",
        "=",
        "Credential=",
        "SignedHeaders=",
        "Signature=",
        GOOD_CREDENTIAL,
        "host;x-amz-date",
        "/",
        "é",
        "\ud800",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    authorization=st.lists(AUTH_PIECES).map("".join),
    date=st.one_of(st.text(max_size=40), st.sampled_from(["20260115T120000Z", "Mon, 01 Jan 0999"])),
    date_header=st.sampled_from(["x-amz-date", "date"]),
    query=st.text(max_size=60),
)
def test_any_garbage_authorization_is_refused_with_an_aws_error_never_a_crash(
    authorization: str, date: str, date_header: str, query: str
) -> None:
    headers = {"host": HOST, "authorization": authorization, date_header: date}
    presigned = f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={date}&{query}"
    for request in (
        IncomingRequest("GET", "/", query, headers, b""),
        IncomingRequest("GET", "/", presigned, {"host": HOST}, b""),
    ):
        with pytest.raises(SigV4Error):
            _verifier().verify(request, NOW)
