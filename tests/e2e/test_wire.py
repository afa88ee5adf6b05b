"""The raw wire: what every response looks like, asserted where boto3 would be lenient."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

ALIAS = "wire-test"
NEW_INSTANCE = json.dumps(
    {
        "IdentityManagementType": "CONNECT_MANAGED",
        "InstanceAlias": ALIAS,
        "InboundCallsEnabled": True,
        "OutboundCallsEnabled": False,
    }
)
MISSING_ID = "00000000-0000-4000-8000-000000000000"


def assert_clear_client_error(
    response: httpx.Response, status: int | None = None
) -> dict[str, Any]:
    """A 4xx (``status`` if given) with a JSON body and a message, and no traceback."""
    assert 400 <= response.status_code < 500, response.text
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    body: dict[str, Any] = response.json()
    assert body.get("Message") or body.get("message")
    return body


def assert_modeled_error(response: httpx.Response, status: int, code: str) -> str:
    body = assert_clear_client_error(response, status)
    assert response.headers["x-amzn-errortype"] == code
    assert response.headers["x-amzn-requestid"]
    assert set(body) >= {"Message"}
    assert "message" not in body
    message: str = body["Message"]
    return message


def test_success_is_200_json_with_a_request_id(raw: Any) -> None:
    response = raw("PUT", "/instance", NEW_INSTANCE)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert len(response.headers["x-amzn-requestid"]) == 36
    assert set(response.json()) == {"Id", "Arn"}


def test_each_response_has_its_own_request_id(raw: Any) -> None:
    ids = {raw("GET", "/instance").headers["x-amzn-requestid"] for _ in range(3)}
    assert len(ids) == 3


def test_created_time_is_a_json_number_of_epoch_seconds(raw: Any, connect_numbers: Any) -> None:
    connect_numbers.freeze()
    connect_numbers.set_clock(1_800_000_000.25)
    created = raw("PUT", "/instance", NEW_INSTANCE).json()
    described = raw("GET", f"/instance/{created['Id']}").json()["Instance"]
    assert described["CreatedTime"] == 1_800_000_000.25
    assert isinstance(described["CreatedTime"], float)
    listed = raw("GET", "/instance").json()["InstanceSummaryList"][0]
    assert listed["CreatedTime"] == 1_800_000_000.25


def test_a_modeled_error_has_its_status_type_header_and_message_body(raw: Any) -> None:
    message = assert_modeled_error(
        raw("GET", f"/instance/{MISSING_ID}"), 404, "ResourceNotFoundException"
    )
    assert MISSING_ID in message


def test_a_validation_error_names_the_member(raw: Any) -> None:
    body = json.dumps({**json.loads(NEW_INSTANCE), "IdentityManagementType": "LDAP"})
    message = assert_modeled_error(raw("PUT", "/instance", body), 400, "InvalidRequestException")
    assert "IdentityManagementType" in message
    assert "enum value set" in message


def test_a_nul_character_in_an_id_is_a_validation_error_on_every_database(raw: Any) -> None:
    message = assert_modeled_error(
        raw("GET", "/instance/abc%00def"), 400, "InvalidRequestException"
    )
    assert "NUL" in message and "InstanceId" in message
    body = json.dumps({**json.loads(NEW_INSTANCE), "InstanceAlias": "nul\u0000alias"})
    message = assert_modeled_error(raw("PUT", "/instance", body), 400, "InvalidRequestException")
    assert "InstanceAlias" in message


def test_an_operation_that_models_invalid_parameter_gets_it(raw: Any) -> None:
    created = raw("PUT", "/instance", NEW_INSTANCE).json()
    path = "/tags/" + created["Arn"].replace(":", "%3A").replace("/", "%2F")
    response = raw("POST", path, json.dumps({"tags": {"aws:owner": "x"}}))
    message = assert_modeled_error(response, 400, "InvalidParameterException")
    assert "tags.key" in message


def test_malformed_json_is_a_clear_400(raw: Any) -> None:
    response = raw("PUT", "/instance", '{"IdentityManagementType": ')
    message = assert_modeled_error(response, 400, "InvalidRequestException")
    assert "not valid JSON" in message


def test_a_json_array_body_is_a_clear_400(raw: Any) -> None:
    response = raw("PUT", "/instance", "[1, 2, 3]")
    assert "JSON object" in assert_modeled_error(response, 400, "InvalidRequestException")


def test_a_json_string_where_a_boolean_is_expected_is_a_clear_400(raw: Any) -> None:
    body = json.dumps({**json.loads(NEW_INSTANCE), "InboundCallsEnabled": "true"})
    message = assert_modeled_error(raw("PUT", "/instance", body), 400, "InvalidRequestException")
    assert "InboundCallsEnabled" in message


def test_text_where_an_integer_is_expected_is_a_clear_400(raw: Any) -> None:
    response = raw("GET", "/instance?maxResults=ten")
    message = assert_modeled_error(response, 400, "InvalidRequestException")
    assert "'ten' at 'MaxResults'" in message
    assert "be an integer" in message


def test_invalid_utf8_in_the_body_is_a_clear_400(raw: Any) -> None:
    response = raw("PUT", "/instance", b'{"InstanceAlias": "\xff\xfe"}')
    assert_modeled_error(response, 400, "InvalidRequestException")


def test_an_unknown_route_is_a_clear_404(raw: Any) -> None:
    response = raw("GET", "/no-such-operation/here")
    body = assert_clear_client_error(response, 404)
    assert "/no-such-operation/here" in body["message"]


@pytest.mark.parametrize("method", ["PATCH", "OPTIONS", "HEAD"])
def test_an_odd_method_is_a_clear_4xx(raw: Any, method: str) -> None:
    response = raw(method, "/instance")
    assert 400 <= response.status_code < 500
    if method != "HEAD":
        assert_clear_client_error(response)


def test_a_body_over_one_mebibyte_is_413(raw: Any) -> None:
    big = json.dumps({"InstanceAlias": "a" * (1 << 20)})
    response = raw("PUT", "/instance", big)
    body = assert_clear_client_error(response, 413)
    assert "1048576" in body["message"]
    assert response.headers["x-amzn-requestid"]


def test_a_body_of_exactly_one_mebibyte_is_read(raw: Any) -> None:
    body = NEW_INSTANCE[:-1] + "," + '"Pad": "' + "x" * 10 + '"}'
    body = body[:-2] + "x" * ((1 << 20) - len(body)) + '"}'
    assert len(body) == 1 << 20
    assert raw("PUT", "/instance", body).status_code == 200


def test_an_unimplemented_operation_names_itself(raw: Any) -> None:
    response = raw("GET", f"/queues-summary/{MISSING_ID}")
    message = assert_modeled_error(response, 400, "InvalidRequestException")
    assert "ListQueues" in message
    assert "not implemented" in message


def test_boto3_reports_an_unimplemented_operation_with_its_name(connect: Any) -> None:
    with pytest.raises(ClientError) as raised:
        connect.list_queues(InstanceId=MISSING_ID)
    assert "ListQueues" in raised.value.response["Error"]["Message"]


def test_the_aws_endpoint_url_variable_replaces_endpoint_url(
    connect_numbers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", connect_numbers.endpoint)
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    client = boto3.client(
        "connect",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    assert client.meta.endpoint_url == connect_numbers.endpoint
    assert client.list_instances()["InstanceSummaryList"] == []


def test_a_request_without_authorization_is_refused(raw: Any) -> None:
    response = raw("GET", "/instance", sign=False)
    body = assert_clear_client_error(response, 403)
    assert response.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert set(body) == {"message"}


def test_an_unknown_access_key_is_refused(raw: Any) -> None:
    response = raw("GET", "/instance", access_key="AKIDNOBODY", secret_key="x")
    body = assert_clear_client_error(response, 403)
    assert response.headers["x-amzn-errortype"] == "UnrecognizedClientException"
    assert set(body) == {"message"}


def test_a_wrong_secret_is_refused(raw: Any) -> None:
    response = raw("GET", "/instance", secret_key="not-the-secret")
    body = assert_clear_client_error(response, 403)
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert "signature" in body["message"]


def test_a_body_changed_after_signing_is_refused(connect_numbers: Any) -> None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="PUT", url=f"{connect_numbers.endpoint}/instance", data=b"{}")
    SigV4Auth(Credentials("test", "test"), "connect", "us-east-1").add_auth(request)
    headers = {k: v for k, v in request.prepare().headers.items() if k != "Content-Length"}
    response = httpx.put(
        f"{connect_numbers.endpoint}/instance", content=NEW_INSTANCE, headers=headers
    )
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"


def test_a_signature_six_minutes_old_is_refused(raw: Any) -> None:
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=6)
    response = raw("GET", "/instance", signed_at=old)
    body = assert_clear_client_error(response, 403)
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert "expired" in body["message"].lower()


def test_a_signature_six_minutes_in_the_future_is_refused(raw: Any) -> None:
    ahead = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=6)
    response = raw("GET", "/instance", signed_at=ahead)
    assert_clear_client_error(response, 403)
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"


def test_a_signature_four_minutes_old_is_accepted(raw: Any) -> None:
    recent = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=4)
    assert raw("GET", "/instance", signed_at=recent).status_code == 200


def test_moving_the_service_clock_does_not_expire_signatures(
    connect_numbers: Any, connect: Any
) -> None:
    connect_numbers.advance(181 * 86400)
    assert connect.list_instances()["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_boto3_sees_the_modeled_error_code(connect: Any) -> None:
    with pytest.raises(connect.exceptions.ResourceNotFoundException) as raised:
        connect.describe_instance(InstanceId=MISSING_ID)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_deeply_nested_json_body_is_a_clear_400(raw: Any) -> None:
    nested = '{"Tags": ' + "[" * 100_000 + "]" * 100_000 + "}"
    message = assert_modeled_error(raw("PUT", "/instance", nested), 400, "InvalidRequestException")
    assert "nested too deeply" in message


def test_an_error_answer_is_a_clear_4xx_for_every_odd_path(raw: Any) -> None:
    for path in ("/instance/%FF", "/instance/%", "/tags/%00", "/instance?maxResults=%FF"):
        assert_clear_client_error(raw("GET", path))
