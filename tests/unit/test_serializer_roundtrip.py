"""Our serializer writes a response; botocore's rest-json parser must read back the same dict."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import Shape
from botocore.parsers import create_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from connect_numbers.protocol.errors import AwsError, FrontDoorError
from connect_numbers.protocol.model import operation
from connect_numbers.protocol.serializer import Response, Rows, error_response, success_response

REQUEST_ID = "5d1e1c2a-0000-4000-8000-00000000abcd"
OPERATIONS = [
    "CreateInstance",
    "DescribeInstance",
    "ListInstances",
    "ListTagsForResource",
    "ClaimPhoneNumber",
    "DescribePhoneNumber",
    "ListPhoneNumbers",
    "ListPhoneNumbersV2",
    "SearchAvailablePhoneNumbers",
    "UpdatePhoneNumber",
]
NO_OUTPUT = ["DeleteInstance", "TagResource", "UntagResource", "ReleasePhoneNumber"]


def botocore_reads(response: Response, shape: Shape | None) -> dict[str, Any]:
    parsed: dict[str, Any] = create_parser("rest-json").parse(
        {
            "status_code": response.status,
            "headers": HeadersDict(response.headers),
            "body": response.body,
        },
        shape,
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # no lone surrogates
# whole milliseconds, which is what the wire keeps
MOMENTS = st.integers(min_value=0, max_value=4_102_444_800_000).map(
    lambda ms: datetime.fromtimestamp(ms / 1000, UTC)
)


def values(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Any value of ``shape``, as a service result would hold it."""
    kind = shape.type_name
    if kind == "structure":
        members = {} if depth > 4 else shape.members
        optional = {name: values(member, depth + 1) for name, member in members.items()}
        return st.fixed_dictionaries({}, optional=optional)
    if kind == "list":
        return st.lists(values(shape.member, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(TEXT, values(shape.value, depth + 1), max_size=3)
    return _SCALARS[kind]


_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "string": TEXT,
    "integer": st.integers(-(2**31), 2**31 - 1),
    "long": st.integers(-(2**53), 2**53),
    "boolean": st.booleans(),
    "double": st.floats(allow_nan=False, allow_infinity=False),
    "float": st.floats(allow_nan=False, allow_infinity=False, width=32),
    "timestamp": MOMENTS,
    "blob": st.binary(max_size=8),
}


def same(expected: Any, got: Any) -> bool:
    if isinstance(expected, datetime):
        return isinstance(got, datetime) and abs(expected.timestamp() - got.timestamp()) < 1e-3
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and expected.keys() == got.keys()
            and all(same(v, got[k]) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(expected) == len(got)
            and all(same(a, b) for a, b in zip(expected, got, strict=True))
        )
    return bool(expected == got)


@pytest.mark.parametrize("name", OPERATIONS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_botocore_parses_our_output_back_to_the_same_dict(name: str, data: st.DataObject) -> None:
    shape = operation(name).output_shape
    result = data.draw(values(shape))
    parsed = botocore_reads(success_response(operation(name), result, REQUEST_ID), shape)
    assert same(result, parsed), (result, parsed)


# every list of structures in those outputs: (operation, member)
LISTS = [
    (name, member)
    for name in OPERATIONS
    for member, shape in operation(name).output_shape.members.items()
    if shape.type_name == "list" and shape.member.type_name == "structure"
]


@pytest.mark.parametrize(("name", "member"), LISTS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_rows_are_written_byte_for_byte_as_the_same_dicts(
    name: str, member: str, data: st.DataObject
) -> None:
    item = operation(name).output_shape.members[member].member
    order = tuple(data.draw(st.lists(st.sampled_from(list(item.members)), unique=True)))
    items = data.draw(st.lists(values(item), max_size=3))
    dicts = [{key: found.get(key) for key in order} for found in items]
    rows = [tuple(found.get(key) for key in order) for found in items]
    as_dicts = success_response(operation(name), {member: dicts}, REQUEST_ID)
    as_rows = success_response(operation(name), {member: Rows(order, rows)}, REQUEST_ID)
    assert as_rows.body == as_dicts.body


def test_rows_naming_a_member_the_shape_lacks_are_refused() -> None:
    rows = Rows(("PhoneNumberId", "Secret"), [("id", "s3cret")])
    with pytest.raises(ValueError, match="'Secret'"):
        success_response(
            operation("ListPhoneNumbersV2"), {"ListPhoneNumbersSummaryList": rows}, "r"
        )


@pytest.mark.parametrize("name", NO_OUTPUT)
def test_an_operation_without_output_answers_an_empty_body(name: str) -> None:
    response = success_response(operation(name), None, REQUEST_ID)
    assert (response.status, response.body) == (200, b"")
    assert botocore_reads(response, operation(name).output_shape) == {}


def test_success_carries_json_content_type_and_the_request_id() -> None:
    response = success_response(operation("CreateInstance"), {"Id": "x"}, REQUEST_ID)
    assert ("Content-Type", "application/json") in response.headers
    assert ("x-amzn-RequestId", REQUEST_ID) in response.headers


def test_timestamps_are_epoch_second_numbers_on_the_wire() -> None:
    created = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    result = {"Instance": {"Id": "i", "CreatedTime": created}}
    response = success_response(operation("DescribeInstance"), result, REQUEST_ID)
    assert json.loads(response.body)["Instance"]["CreatedTime"] == 1767323045.678
    whole = success_response(
        operation("DescribeInstance"), {"Instance": {"CreatedTime": 1767323045.0}}, REQUEST_ID
    )
    assert b'"CreatedTime":1767323045}' in whole.body


def test_unmodeled_and_null_members_never_leave_the_server() -> None:
    result = {"Id": "i", "Arn": None, "Secret": "s3cret", "Instance": {"Id": "x"}}
    response = success_response(operation("CreateInstance"), result, REQUEST_ID)
    assert json.loads(response.body) == {"Id": "i"}


def test_a_modeled_error_reads_back_with_its_code_message_and_members() -> None:
    error = AwsError(
        "ResourceInUseException",
        "The phone number is still being claimed",
        ResourceType="PHONE_NUMBER",
        ResourceId="arn:aws:connect:us-east-1:000000000000:phone-number/x",
    )
    response = error_response(error.code, error.status, error.body(), REQUEST_ID)
    assert response.status == 409
    assert ("x-amzn-ErrorType", "ResourceInUseException") in response.headers
    parsed = botocore_reads(response, None)
    assert parsed["Error"]["Code"] == "ResourceInUseException"
    assert parsed["Error"]["Message"] == "The phone number is still being claimed"
    members = botocore_reads(response, operation("ReleasePhoneNumber").error_shapes[4])
    assert members["ResourceType"] == "PHONE_NUMBER"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("InvalidParameterException", 400),
        ("InvalidRequestException", 400),
        ("ResourceNotFoundException", 404),
        ("IdempotencyException", 409),
        ("ThrottlingException", 429),
        ("InternalServiceException", 500),
        ("AccessDeniedException", 403),
    ],
)
def test_error_statuses_come_from_the_model(code: str, status: int) -> None:
    assert AwsError(code, "m").status == status


def test_an_error_member_the_shape_does_not_model_is_refused() -> None:
    with pytest.raises(ValueError, match="models no member"):
        AwsError("ResourceNotFoundException", "m", ResourceType="PHONE_NUMBER")


def test_a_front_door_error_uses_a_lower_case_message_key() -> None:
    error = FrontDoorError("UnrecognizedClientException", 403, "bad key")
    response = error_response(error.code, error.status, error.body(), REQUEST_ID)
    assert json.loads(response.body) == {"message": "bad key"}
    assert botocore_reads(response, None)["Error"] == {
        "Code": "UnrecognizedClientException",
        "Message": "bad key",
    }


def json_module_writes(document: Any) -> bytes:
    """What the serializer wrote before it used orjson: the reference bytes."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(alphabet=st.characters(codec="utf-8"))
    | st.sampled_from([1e-05, 1e16, 2.5e-7, 0.0001, -0.0, 1733000000.123, "\u2028\x00\x7f\x1f"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(document=st.dictionaries(st.text(), JSON_VALUES, max_size=5))
def test_the_body_bytes_are_those_the_json_module_writes(document: dict[str, Any]) -> None:
    response = error_response("InvalidParameterException", 400, document, REQUEST_ID)
    assert response.body == json_module_writes(document)


@pytest.mark.parametrize("name", OPERATIONS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_success_bodies_are_the_bytes_the_json_module_writes(
    name: str, data: st.DataObject
) -> None:
    shape = operation(name).output_shape
    result = data.draw(values(shape))
    body = success_response(operation(name), result, REQUEST_ID).body
    assert body == json_module_writes(json.loads(body))
