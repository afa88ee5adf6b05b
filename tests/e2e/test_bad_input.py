"""Input no SDK sends: lone surrogates, repeated query parameters, empty path segments.

Each is refused with a modeled 4xx and a JSON body, leaves nothing changed, and
logs no traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from helpers import available, describe, new_instance

SURROGATE_ERROR = "be valid Unicode (a lone UTF-16 surrogate is not)"


@pytest.fixture
def quiet_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Fails the test if the server logs an error or a traceback while it runs."""
    caplog.set_level(logging.INFO)
    yield caplog
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage() for r in bad]
    assert "Traceback" not in caplog.text


@pytest.fixture
def held(connect: Any) -> dict[str, Any]:
    """A number claimed to an instance, with a description."""
    desk = new_instance(connect, "desk")
    number = available(connect, desk)[0]
    claimed: dict[str, Any] = connect.claim_phone_number(
        PhoneNumber=number, TargetArn=desk["Arn"], PhoneNumberDescription="front desk"
    )
    return {"desk": desk, "number": number, **claimed}


def refused(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The JSON body of a refusal with ``status`` and ``code``."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-amzn-errortype"] == code
    document: dict[str, Any] = answer.json()
    assert "Traceback" not in answer.text
    return document


# --- lone surrogates ------------------------------------------------------------------------


def test_a_lone_surrogate_as_the_number_to_claim_is_a_400_naming_the_member(
    raw: Any, connect: Any, held: dict[str, Any], quiet_log: Any
) -> None:
    body = json.dumps({"TargetArn": held["desk"]["Arn"]})[:-1] + ', "PhoneNumber": "\\ud800"}'
    document = refused(raw("POST", "/phone-number/claim", body), 400, "InvalidParameterException")
    assert document["Message"] == (
        "1 validation error detected: Value '\\ud800' at 'PhoneNumber' failed to satisfy "
        f"constraint: Member must {SURROGATE_ERROR}"
    )
    numbers = connect.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"]
    assert [n["PhoneNumber"] for n in numbers] == [held["number"]]


def test_a_lone_surrogate_in_a_description_changes_nothing(
    raw: Any, connect: Any, connect_numbers: Any, held: dict[str, Any], quiet_log: Any
) -> None:
    path = f"/phone-number/{held['PhoneNumberId']}/metadata"
    history = connect_numbers.admin("GET", f"numbers/{quote(held['number'])}/history")
    document = refused(
        raw("PUT", path, '{"PhoneNumberDescription": "a\\ud800"}'),
        400,
        "InvalidParameterException",
    )
    assert "'a\\ud800' at 'PhoneNumberDescription'" in document["Message"]
    assert describe(connect, held["PhoneNumberId"])["PhoneNumberDescription"] == "front desk"
    assert connect_numbers.admin("GET", f"numbers/{quote(held['number'])}/history") == history


@pytest.mark.parametrize(
    ("method", "path", "body", "where"),
    [
        (
            "PUT",
            "/instance",
            '{"IdentityManagementType": "CONNECT_MANAGED", '
            '"InboundCallsEnabled": true, "OutboundCallsEnabled": true, '
            '"InstanceAlias": "d\\udfff"}',
            "InstanceAlias",
        ),
        ("POST", "/tags/{arn}", '{"tags": {"te\\ud800am": "voice"}}', "tags.key"),
        ("POST", "/tags/{arn}", '{"tags": {"team": "\\udbff"}}', "tags.team"),
        (
            "POST",
            "/phone-number/list",
            '{"PhoneNumberTypes": ["DID", "\\ud83d"]}',
            "PhoneNumberTypes.2",
        ),
        (
            "PUT",
            "/contact-flows/{instance}",
            '{"Name": "n\\ud800", "Type": "CONTACT_FLOW", "Content": "{}"}',
            "Name",
        ),
    ],
)
def test_a_lone_surrogate_anywhere_in_a_body_is_refused(
    raw: Any,
    connect: Any,
    held: dict[str, Any],
    quiet_log: Any,
    method: str,
    path: str,
    body: str,
    where: str,
) -> None:
    target = path.format(arn=quote(held["PhoneNumberArn"], safe=""), instance=held["desk"]["Id"])
    answer = raw(method, target, body)
    assert answer.status_code == 400, answer.text
    assert answer.headers["x-amzn-errortype"] in {
        "InvalidParameterException",
        "InvalidRequestException",
    }
    message = answer.json()["Message"]
    assert f"at '{where}' failed to satisfy constraint: Member must {SURROGATE_ERROR}" in message
    assert connect.list_tags_for_resource(resourceArn=held["PhoneNumberArn"])["tags"] == {}
    assert len(connect.list_instances()["InstanceSummaryList"]) == 1


def test_an_error_message_that_echoes_a_lone_surrogate_is_still_json(
    raw: Any, quiet_log: Any
) -> None:
    # MaxResults must be a number: the message echoes the value given
    answer = raw("POST", "/phone-number/list", '{"MaxResults": "9\\ud800"}')
    document = refused(answer, 400, "InvalidParameterException")
    assert "Value '9\\ud800' at 'MaxResults'" in document["Message"]
    json.loads(answer.content.decode("utf-8"))  # strictly valid UTF-8


def test_a_lone_surrogate_in_an_admin_body_is_refused(connect_numbers: Any) -> None:
    answer = httpx.post(
        f"{connect_numbers.endpoint}/_connect-numbers/inventory",
        content=b'{"csv": "+12065550100,US,DID\\ud800\\n"}',
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "InvalidJson"
    assert "surrogate" in answer.json()["message"]


def test_invalid_utf8_in_a_query_or_a_path_is_refused(
    raw: Any, connect: Any, held: dict[str, Any], quiet_log: Any
) -> None:
    # %ED%A0%80 is how UTF-8 would write the surrogate U+D800: not valid UTF-8
    release = f"/phone-number/{held['PhoneNumberId']}?clientToken=%ED%A0%80"
    document = refused(raw("DELETE", release), 400, "InvalidParameterException")
    assert document["Message"] == "The query string is not valid UTF-8 once percent-decoded"
    assert raw("GET", "/phone-number/%ED%A0%80").status_code == 404
    assert describe(connect, held["PhoneNumberId"])["PhoneNumber"] == held["number"]


# --- repeated query parameters --------------------------------------------------------------


def test_two_client_tokens_on_a_release_are_refused_and_release_nothing(
    raw: Any, connect: Any, held: dict[str, Any], quiet_log: Any
) -> None:
    path = f"/phone-number/{held['PhoneNumberId']}?clientToken=one&clientToken=two"
    document = refused(raw("DELETE", path), 400, "InvalidParameterException")
    assert document["Message"] == (
        "The query parameter clientToken takes one value; it was given 2 times"
    )
    assert describe(connect, held["PhoneNumberId"])["PhoneNumber"] == held["number"]


def test_a_repeated_single_valued_query_parameter_is_refused_on_any_operation(raw: Any) -> None:
    document = refused(
        raw("GET", "/instance?maxResults=1&maxResults=2"), 400, "InvalidRequestException"
    )
    assert "maxResults takes one value" in document["Message"]


def test_a_list_query_parameter_may_be_repeated(raw: Any, connect: Any) -> None:
    desk = new_instance(connect, "desk")
    types = "contactFlowTypes=CONTACT_FLOW&contactFlowTypes=QUEUE_TRANSFER"
    path = f"/contact-flows-summary/{desk['Id']}?{types}"
    assert raw("GET", path).status_code == 200


# --- empty path segments --------------------------------------------------------------------


@pytest.mark.parametrize(
    "template", ["/{path}", "//{path}", "/phone-number//{id}", "/phone-number/{id}//", "///{path}"]
)
def test_a_path_with_empty_segments_is_not_routed(
    raw: Any, connect: Any, held: dict[str, Any], template: str
) -> None:
    number_id = held["PhoneNumberId"]
    path = template.format(path=f"phone-number/{number_id}", id=number_id)
    answer = raw("GET", path)
    if template == "/{path}":
        assert answer.status_code == 200  # the same request without the empty segment
        return
    document = refused(answer, 404, "UnknownOperationException")
    assert document["message"].startswith("No Amazon Connect operation matches GET /")
    # a release on such a path releases nothing
    assert raw("DELETE", path).status_code == 404
    assert describe(connect, number_id)["PhoneNumber"] == held["number"]


def test_one_trailing_slash_is_the_same_path(raw: Any, held: dict[str, Any]) -> None:
    assert raw("GET", f"/phone-number/{held['PhoneNumberId']}/").status_code == 200
