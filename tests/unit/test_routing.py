"""The router maps a raw method and path to the operation the model names for it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.serialize import create_serializer

from connect_numbers.protocol.model import connect_model, operation
from connect_numbers.protocol.routing import Router, router

ARN = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4/phone-number/x"


def routed(method: str, path: str) -> str:
    found = router().match(method, path)
    assert found is not None, f"{method} {path} routes nowhere"
    return found.operation


def _labels(name: str) -> dict[str, Any]:
    shape = operation(name).input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = {}
    for member_name, member in shape.members.items():
        if member.serialization.get("location") == "uri":
            params[member_name] = (
                7 if member.type_name in ("integer", "long") else f"v-{member_name}"
            )
    return params


def _botocore_path(name: str, params: dict[str, Any]) -> tuple[str, str]:
    request_dict = create_serializer("rest-json", include_validation=False).serialize_to_request(
        params, operation(name)
    )
    prepare_request_dict(request_dict, "https://connect.us-east-1.amazonaws.com")
    prepared = create_request_object(request_dict).prepare()
    return prepared.method, urlsplit(prepared.url).path


@pytest.mark.parametrize("name", connect_model().operation_names)
def test_every_model_operation_is_reached_by_the_path_botocore_sends(name: str) -> None:
    method, path = _botocore_path(name, _labels(name))
    found = router().match(method, path)
    assert found is not None
    assert found.operation == name
    expected = {k: str(v) for k, v in _labels(name).items()}
    wire_names = (
        {
            operation(name).input_shape.members[k].serialization.get("name", k): v
            for k, v in expected.items()
        }
        if expected
        else {}
    )
    assert found.labels == wire_names


def test_a_literal_segment_wins_over_a_label_in_the_same_place() -> None:
    assert routed("POST", "/phone-number/claim") == "ClaimPhoneNumber"
    assert routed("POST", "/phone-number/list") == "ListPhoneNumbersV2"
    assert routed("GET", "/phone-number/claim") == "DescribePhoneNumber"


def test_an_encoded_arn_is_one_label_decoded() -> None:
    encoded = ARN.replace(":", "%3A").replace("/", "%2F")
    found = router().match("GET", f"/tags/{encoded}")
    assert found is not None
    assert (found.operation, found.labels) == ("ListTagsForResource", {"resourceArn": ARN})


def test_an_unencoded_arn_reaches_the_route_whose_last_label_takes_the_rest() -> None:
    found = router().match("DELETE", f"/phone-number/{ARN}")
    assert found is not None
    assert (found.operation, found.labels) == ("ReleasePhoneNumber", {"PhoneNumberId": ARN})


def test_the_method_selects_between_operations_on_one_path() -> None:
    path = "/phone-number/abc"
    names = {m: routed(m, path) for m in ("GET", "PUT", "DELETE")}
    assert names == {
        "GET": "DescribePhoneNumber",
        "PUT": "UpdatePhoneNumber",
        "DELETE": "ReleasePhoneNumber",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/no-such-thing"),
        ("PATCH", "/instance"),
        ("GET", "/instance//x"),
        ("GET", "/instance/./x"),
        ("GET", "/instance/../instance"),
        ("GET", "/tags/"),
        ("DELETE", "/"),
    ],
)
def test_paths_that_name_no_operation_route_nowhere(method: str, path: str) -> None:
    assert router().match(method, path) is None


def test_a_trailing_slash_is_the_same_route() -> None:
    assert routed("GET", "/instance/") == "ListInstances"


def test_routes_are_tried_most_literal_first_whatever_their_order_in_the_model() -> None:
    table = Router([("GET", "/a/{X}", "Label"), ("GET", "/a/b", "Literal")])
    literal, label = table.match("GET", "/a/b"), table.match("GET", "/a/c")
    assert literal is not None and label is not None
    assert (literal.operation, label.operation) == ("Literal", "Label")


def test_an_unencoded_arn_in_a_middle_label_reaches_the_more_literal_route() -> None:
    arn = "arn:aws:connect:us-east-1:123456789012:phone-number/nid"
    found = router().match("PUT", f"/phone-number/{arn}/metadata")
    assert found is not None
    assert (found.operation, found.labels) == ("UpdatePhoneNumberMetadata", {"PhoneNumberId": arn})


@pytest.mark.parametrize(
    ("method", "name"),
    [("GET", "ListTagsForResource"), ("POST", "TagResource"), ("DELETE", "UntagResource")],
)
def test_an_unencoded_instance_arn_reaches_the_tag_operations(method: str, name: str) -> None:
    arn = "arn:aws:connect:us-east-1:123456789012:instance/iid"
    found = router().match(method, f"/tags/{arn}")
    assert found is not None
    assert (found.operation, found.labels) == (name, {"resourceArn": arn})
