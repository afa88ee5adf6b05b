"""Fuzzing the wire: requests that break the model one constraint at a time, and raw garbage.

Structured cases start from a valid request for each implemented operation,
aimed at real resources (so that a violation the server failed to refuse
would change state), break exactly one constraint of the botocore model
(a required member missing, a wrong JSON type, a string too long or too
short, a number out of range, a value outside its enum, a pattern violated,
a lone UTF-16 surrogate in any string (``"\\ud800"`` in JSON; in a path or
query the bytes UTF-8 would give it, which are not valid UTF-8), a list or
map too big or too small, inside maps and lists too), serialize
with botocore's own rest-json serializer, sign with SigV4 and send on a
plain socket. Wrong JSON types cannot go through the serializer: the member
is written into the serialized JSON body instead.

Raw cases send what no SDK would: bytes and JSON of every shape, invalid
UTF-8, NUL bytes, odd methods, dot segments and encoded slashes in paths,
very long paths, oversized headers and bodies.

Every answer must be below 500, carry no traceback, and, when it is an error,
be JSON with a ``Message`` or ``message``; afterwards the state is what it
was. The number of requests sent is printed (``pytest -s``).
"""

from __future__ import annotations

import json
import select
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import pytest
import regex
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, prepare_request_dict
from botocore.credentials import Credentials
from botocore.model import OperationModel, Shape
from botocore.serialize import create_serializer
from botocore.validate import validate_parameters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connect_numbers.entrypoints.operations import HANDLERS
from connect_numbers.protocol import validation
from connect_numbers.protocol.model import connect_model
from connect_numbers.protocol.parser import validation_error_code

MODEL = botocore.session.get_session().get_service_model("connect")
SERIALIZER = create_serializer("rest-json", include_validation=False)
SENT: Counter[str] = Counter()
PARSER_REJECTS: list[int] = []  # answers written by uvicorn's HTTP parser, not the app
CASES_SEEN: set[tuple[str, str, str]] = set()
CASES_KNOWN: list[int] = [0]
UVICORN_REJECT = b"Invalid HTTP request received."
FUZZ = settings(  # about 300 examples: 2 per kind of violation (~140 kinds), 80 garbage bodies
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module", autouse=True)
def report_volume() -> Iterator[None]:
    yield
    total = sum(SENT.values())
    detail = ", ".join(f"{kind} {count}" for kind, count in sorted(SENT.items()))
    print(f"\nfuzz: {total} requests sent ({detail}); {len(CASES_SEEN)} of the")
    print(f"{CASES_KNOWN[0]} kinds of constraint violation (operation, member, rule) tried;")
    print(f"{len(PARSER_REJECTS)} answered by uvicorn's HTTP parser, the rest by the app")


# --- the wire, byte for byte ------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def send(
    endpoint: str,
    method: str,
    target: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    sign: bool = True,
    kind: str = "raw",
) -> Answer:
    """Send ``method target`` exactly as given (no normalisation), signed as botocore signs."""
    request = AWSRequest(method=method, url=endpoint + target, data=body, headers=headers or {})
    if sign:
        SigV4Auth(Credentials("test", "test"), "connect", "us-east-1").add_auth(request)
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: {urlsplit(endpoint).netloc}",
        "Connection: close",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in request.headers.items()),
    ]
    SENT[kind] += 1
    return exchange(endpoint, "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body)


def exchange(endpoint: str, data: bytes) -> Answer:
    """Write ``data`` (stopping if the server answers first: 413, 431); read the answer."""
    parts = urlsplit(endpoint)
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        head, _, body = data.partition(b"\r\n\r\n")
        pieces = [head + b"\r\n\r\n"] + [body[i : i + 65536] for i in range(0, len(body), 65536)]
        try:
            for piece in pieces:
                if select.select([sock], [], [], 0)[0]:
                    break  # an early answer: stop writing and read it
                sock.sendall(piece)
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            assert received, "the server reset the connection without an answer"
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, body)


def check(answer: Answer) -> None:
    """Below 500, no traceback, and an error is JSON that says something."""
    assert answer.status < 500, (answer.status, answer.body[:500])
    assert b"Traceback" not in answer.body
    assert b'File "' not in answer.body
    if answer.status < 400:
        return
    if answer.body == UVICORN_REJECT:  # uvicorn's HTTP parser refused it before the app
        assert answer.status == 400
        PARSER_REJECTS.append(answer.status)
        return
    assert answer.headers["content-type"] == "application/json", answer.body[:300]
    document = json.loads(answer.body)
    assert isinstance(document, dict)
    assert document.get("Message") or document.get("message"), document


# --- the scene, and its fingerprint -----------------------------------------------------------


@dataclass
class Scene:
    endpoint: str
    connect: Any
    desk: dict[str, Any]
    other: dict[str, Any]
    number: dict[str, Any]
    free: str  # a number nobody holds
    group: dict[str, Any] = field(default_factory=dict)  # a TDG of the replicated desk
    flow: dict[str, Any] = field(default_factory=dict)  # a flow of desk, routing number's calls
    source: str = ""  # the ARN of a registered source number nobody has imported
    baselines: dict[str, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture
def scene(connect_numbers: Any, connect: Any) -> Scene:
    def instance(alias: str) -> dict[str, Any]:
        created: dict[str, Any] = connect.create_instance(
            IdentityManagementType="CONNECT_MANAGED",
            InstanceAlias=alias,
            InboundCallsEnabled=True,
            OutboundCallsEnabled=True,
            Tags={"team": "voice"},
        )
        return created

    desk, other = instance("desk"), instance("other")
    found = connect.search_available_phone_numbers(
        InstanceId=desk["Id"], PhoneNumberCountryCode="US", PhoneNumberType="DID", MaxResults=2
    )["AvailableNumbersList"]
    number = connect.claim_phone_number(
        PhoneNumber=found[0]["PhoneNumber"],
        InstanceId=desk["Id"],
        PhoneNumberDescription="front desk",
        Tags={"team": "voice"},
    )
    made = Scene(connect_numbers.endpoint, connect, desk, other, number, found[1]["PhoneNumber"])
    connect.replicate_instance(InstanceId=desk["Id"], ReplicaRegion="us-west-2", ReplicaAlias="dw")
    made.group = connect.create_traffic_distribution_group(Name="lines", InstanceId=desk["Id"])
    made.flow = connect.create_contact_flow(
        InstanceId=desk["Id"], Name="main", Type="CONTACT_FLOW", Content="{}"
    )
    connect.associate_phone_number_contact_flow(
        PhoneNumberId=number["PhoneNumberId"],
        InstanceId=desk["Id"],
        ContactFlowId=made.flow["ContactFlowId"],
    )
    connect.associate_analytics_data_set(InstanceId=desk["Id"], DataSetId="shared")
    source = {"account_id": "000000000000", "region": "us-east-1", "phone_number": "+12062345699"}
    made.source = connect_numbers.admin("POST", "source-numbers", source)["arn"]
    made.baselines = baselines(made)
    return made


def baselines(s: Scene) -> dict[str, dict[str, Any]]:
    """A valid request per operation, aimed at real resources that it would change or read."""
    number_id, number_arn = s.number["PhoneNumberId"], s.number["PhoneNumberArn"]
    flow_id = s.flow["ContactFlowId"]
    return {
        "ClaimPhoneNumber": {"PhoneNumber": s.free, "InstanceId": s.desk["Id"]},
        "DescribePhoneNumber": {"PhoneNumberId": number_id},
        "ListPhoneNumbers": {"InstanceId": s.desk["Id"]},
        "ListPhoneNumbersV2": {"InstanceId": s.desk["Id"]},
        "SearchAvailablePhoneNumbers": {
            "InstanceId": s.desk["Id"],
            "PhoneNumberCountryCode": "US",
            "PhoneNumberType": "DID",
        },
        "UpdatePhoneNumber": {"PhoneNumberId": number_id, "InstanceId": s.other["Id"]},
        "UpdatePhoneNumberMetadata": {"PhoneNumberId": number_id, "PhoneNumberDescription": "x"},
        "ReleasePhoneNumber": {"PhoneNumberId": number_id},
        "CreateInstance": {
            "IdentityManagementType": "CONNECT_MANAGED",
            "InstanceAlias": "fuzzed",
            "InboundCallsEnabled": True,
            "OutboundCallsEnabled": True,
        },
        "DescribeInstance": {"InstanceId": s.desk["Id"]},
        "ListInstances": {},
        "DeleteInstance": {"InstanceId": s.other["Id"]},
        "TagResource": {"resourceArn": number_arn, "tags": {"fuzz": "yes"}},
        "UntagResource": {"resourceArn": number_arn, "tagKeys": ["team"]},
        "ListTagsForResource": {"resourceArn": s.desk["Arn"]},
        "ReplicateInstance": {
            "InstanceId": s.other["Id"],
            "ReplicaRegion": "us-west-2",
            "ReplicaAlias": "other-west",
        },
        "CreateTrafficDistributionGroup": {"Name": "fuzzed", "InstanceId": s.desk["Id"]},
        "DescribeTrafficDistributionGroup": {"TrafficDistributionGroupId": s.group["Id"]},
        "ListTrafficDistributionGroups": {"InstanceId": s.desk["Id"]},
        "DeleteTrafficDistributionGroup": {"TrafficDistributionGroupId": s.group["Id"]},
        "GetTrafficDistribution": {"Id": s.group["Id"]},
        "UpdateTrafficDistribution": {
            "Id": s.group["Id"],
            "TelephonyConfig": {
                "Distributions": [
                    {"Region": "us-east-1", "Percentage": 0},
                    {"Region": "us-west-2", "Percentage": 100},
                ]
            },
        },
        "ImportPhoneNumber": {"InstanceId": s.desk["Id"], "SourcePhoneNumberArn": s.source},
        "CreateContactFlow": {
            "InstanceId": s.desk["Id"],
            "Name": "fuzzed",
            "Type": "CONTACT_FLOW",
            "Content": "{}",
        },
        "DescribeContactFlow": {"InstanceId": s.desk["Id"], "ContactFlowId": flow_id},
        "ListContactFlows": {"InstanceId": s.desk["Id"], "ContactFlowTypes": ["CONTACT_FLOW"]},
        "AssociatePhoneNumberContactFlow": {
            "PhoneNumberId": number_id,
            "InstanceId": s.other["Id"],
            "ContactFlowId": flow_id,
        },
        "DisassociatePhoneNumberContactFlow": {
            "PhoneNumberId": number_id,
            "InstanceId": s.desk["Id"],
        },
        "ListFlowAssociations": {"InstanceId": s.desk["Id"], "ResourceType": "VOICE_PHONE_NUMBER"},
        **more_baselines(s),
    }


def more_baselines(s: Scene) -> dict[str, dict[str, Any]]:
    """Flow edits, instance attributes and analytics data sets."""
    flow = {"InstanceId": s.desk["Id"], "ContactFlowId": s.flow["ContactFlowId"]}
    desk = {"InstanceId": s.desk["Id"]}
    return {
        "UpdateContactFlowContent": {**flow, "Content": '{"a": 1}'},
        "UpdateContactFlowName": {**flow, "Name": "renamed", "Description": "d"},
        "UpdateContactFlowMetadata": {**flow, "ContactFlowState": "ARCHIVED"},
        "DeleteContactFlow": flow,
        "DescribeInstanceAttribute": {**desk, "AttributeType": "EARLY_MEDIA"},
        "UpdateInstanceAttribute": {**desk, "AttributeType": "EARLY_MEDIA", "Value": "false"},
        "ListInstanceAttributes": {**desk, "MaxResults": 7},
        "AssociateAnalyticsDataSet": {**desk, "DataSetId": "fuzzed"},
        "DisassociateAnalyticsDataSet": {**desk, "DataSetId": "shared"},
        "BatchAssociateAnalyticsDataSet": {**desk, "DataSetIds": ["fuzzed"]},
        "BatchDisassociateAnalyticsDataSet": {**desk, "DataSetIds": ["shared"]},
        "ListAnalyticsDataAssociations": {**desk, "DataSetId": "shared"},
    }


def fingerprint(s: Scene) -> dict[str, Any]:
    c = s.connect
    return {
        "instances": c.list_instances()["InstanceSummaryList"],
        "numbers": c.list_phone_numbers_v2()["ListPhoneNumbersSummaryList"],
        "desk tags": c.list_tags_for_resource(resourceArn=s.desk["Arn"])["tags"],
        "other tags": c.list_tags_for_resource(resourceArn=s.other["Arn"])["tags"],
        "number tags": c.list_tags_for_resource(resourceArn=s.number["PhoneNumberArn"])["tags"],
        "number": c.describe_phone_number(PhoneNumberId=s.number["PhoneNumberId"])[
            "ClaimedPhoneNumberSummary"
        ],
        "groups": c.list_traffic_distribution_groups()["TrafficDistributionGroupSummaryList"],
        "distribution": {
            k: v
            for k, v in c.get_traffic_distribution(Id=s.group["Id"]).items()
            if k != "ResponseMetadata"
        },
        "flows": c.list_contact_flows(InstanceId=s.desk["Id"])["ContactFlowSummaryList"],
        "associations": c.list_flow_associations(InstanceId=s.desk["Id"])[
            "FlowAssociationSummaryList"
        ],
        "flow": c.describe_contact_flow(
            InstanceId=s.desk["Id"], ContactFlowId=s.flow["ContactFlowId"]
        )["ContactFlow"],
        "attributes": c.list_instance_attributes(InstanceId=s.desk["Id"])["Attributes"],
        "data sets": c.list_analytics_data_associations(InstanceId=s.desk["Id"])["Results"],
    }


# --- violations of the model, one at a time ---------------------------------------------------


@dataclass(frozen=True)
class Violation:
    operation: str
    what: str
    member: str
    value: Any  # the member's new value; MISSING removes it
    inject: bool = False  # written into the serialized JSON body (a wrong JSON type)


MISSING = object()
ViolationsOf = Callable[[Shape, Any], list[tuple[str, st.SearchStrategy[Any]]]]


def meant(pattern: str) -> Any:
    return regex.compile(pattern.replace("\\\\", "\\"))


def fits_length(shape: Shape, text: str) -> bool:
    low, high = shape.metadata.get("min", 0), shape.metadata.get("max")
    return low <= len(text) and (high is None or len(text) <= high)


PATTERN_SEEDS = ["!", "aws:x", "-a", "d-", "+0", "x" * 5, "\u0000", "a b\n", "\u00e9\u00e9", ""]


# Text JSON can spell ("\\ud800") but UTF-8 cannot hold; in a path or query the same code
# point can only travel as the bytes UTF-8 would give it, which are not valid UTF-8.
LONE_SURROGATES = st.sampled_from(["\ud800", "a\ud800", "\udfff", "+1206555\udc00", "\ud83d\u00e9"])
SURROGATE_MARK = "SURROGATEMARK"
SURROGATE_ON_THE_WIRE = "%ED%A0%80"


def string_violations(shape: Shape, example: Any) -> list[tuple[str, st.SearchStrategy[Any]]]:
    meta = shape.metadata
    found: list[tuple[str, st.SearchStrategy[Any]]] = [("lone surrogate", LONE_SURROGATES)]
    if "max" in meta:
        found.append(("too long", st.integers(1, 40).map(lambda n: "a" * (meta["max"] + n))))
    if meta.get("min", 0) > 0:
        found.append(("too short", st.just("a" * (meta["min"] - 1))))
    if "enum" in meta:
        enum = meta["enum"]
        wrong = st.sampled_from(["", "NOT_IN_ENUM", enum[0].lower(), f" {enum[0]}", "us"])
        found.append(("not in enum", wrong.filter(lambda v: v not in enum)))
    if "pattern" in meta:
        compiled = meant(meta["pattern"])
        low = meta.get("min", 0)

        def breaks(value: str) -> bool:
            return fits_length(shape, value) and compiled.search(value) is None

        seeds = [v.ljust(low, "!") for v in PATTERN_SEEDS]
        known = [v for v in seeds if breaks(v)]
        if known:  # some patterns (PhoneNumberDescription's ^[\W\S_]*) match everything
            drawn = st.text(min_size=max(low, 1), max_size=max(low, 20)).filter(breaks)
            found.append(("pattern violated", st.sampled_from(known) | drawn))
    return found


def number_violations(shape: Shape, example: Any) -> list[tuple[str, st.SearchStrategy[Any]]]:
    meta = shape.metadata
    found: list[tuple[str, st.SearchStrategy[Any]]] = []
    if "min" in meta:
        found.append(("below min", st.integers(max_value=meta["min"] - 1)))
    if "max" in meta:
        found.append(("above max", st.integers(min_value=meta["max"] + 1)))
    return found


def list_violations(shape: Shape, example: Any) -> list[tuple[str, st.SearchStrategy[Any]]]:
    meta, item = shape.metadata, example[0]
    found: list[tuple[str, st.SearchStrategy[Any]]] = []
    if "max" in meta:
        found.append(
            ("too many items", st.integers(1, 5).map(lambda n: [item] * (meta["max"] + n)))
        )
    if meta.get("min", 0) > 0:
        found.append(("empty", st.just([])))
    for what, bad in violations_of(shape.member, item):
        found.append((f"item {what}", bad.map(lambda v: [item, v])))
    return found


def map_violations(shape: Shape, example: Any) -> list[tuple[str, st.SearchStrategy[Any]]]:
    meta = shape.metadata
    key, value = next(iter(example.items()))
    found: list[tuple[str, st.SearchStrategy[Any]]] = []
    if "max" in meta:
        many = st.integers(1, 3).map(lambda n: {f"k{i}": "v" for i in range(meta["max"] + n)})
        found.append(("too many entries", many))
    if meta.get("min", 0) > 0:
        found.append(("empty", st.just({})))
    for what, bad in violations_of(shape.key, key):
        found.append((f"key {what}", bad.map(lambda k: {str(k): value})))
    for what, bad in violations_of(shape.value, value):
        found.append((f"value {what}", bad.map(lambda v: {key: v})))
    return found


def violations_of(shape: Shape, example: Any) -> list[tuple[str, st.SearchStrategy[Any]]]:
    by_type: dict[str, ViolationsOf] = {
        "string": string_violations,
        "integer": number_violations,
        "list": list_violations,
        "map": map_violations,
    }
    return by_type.get(shape.type_name, lambda s, e: [])(shape, example)


WRONG_JSON: dict[str, st.SearchStrategy[Any]] = {
    "string": st.one_of(
        st.integers(), st.booleans(), st.just([]), st.just({"a": "b"}), st.floats(allow_nan=False)
    ),
    "integer": st.one_of(
        st.text(max_size=5),
        st.booleans(),
        st.floats(allow_nan=False).filter(lambda f: not f.is_integer()),
        st.just([1]),
    ),
    "boolean": st.one_of(st.sampled_from(["true", "false", 0, 1, [], {}])),
    "list": st.one_of(
        st.text(max_size=5), st.just({"a": "b"}), st.integers(), st.just([None]), st.just([[1]])
    ),
    "map": st.one_of(
        st.text(max_size=5), st.just(["a"]), st.integers(), st.just({"a": None}), st.just({"a": 5})
    ),
}
WRONG_QUERY_INTEGER = st.sampled_from(
    ["abc", "1.5", "", "1e3", "\u0663", "0x10", " 5", "-", "9" * 40]
)
EXAMPLES = {"list": ["DID"], "map": {"team": "voice"}}


def member_example(name: str, shape: Shape, baseline: dict[str, Any]) -> Any:
    if name in baseline:
        return baseline[name]
    if shape.type_name == "list":
        member = shape.member
        return [member.metadata.get("enum", ["DID"])[0] if "enum" in member.metadata else "team"]
    return EXAMPLES.get(shape.type_name, "x")


def cases_for(operation: str, baseline: dict[str, Any]) -> list[st.SearchStrategy[Violation]]:
    """One strategy per kind of violation that the operation's input shape allows."""
    shape = MODEL.operation_model(operation).input_shape
    found: list[st.SearchStrategy[Violation]] = []
    for name, member in shape.members.items():
        location = member.serialization.get("location", "body")
        kinds = violations_of(member, member_example(name, member, baseline))
        if name in shape.required_members:
            kinds.append(("missing", st.just(MISSING)))
            if location == "body":
                kinds.append(("null", st.none()))
        if location == "body" and member.type_name in WRONG_JSON:
            kinds.append(("wrong JSON type", WRONG_JSON[member.type_name]))
        if location == "querystring" and member.type_name == "integer":
            kinds.append(("not a number", WRONG_QUERY_INTEGER))
        found += [bad.map(violation(operation, name, what)) for what, bad in kinds]
    return found


def violation(operation: str, member: str, what: str) -> Callable[[Any], Violation]:
    inject = what in ("null", "wrong JSON type")  # not something the serializer can write

    def make(value: Any) -> Violation:
        return Violation(operation, what, member, value, inject)

    return make


def is_surrogate_case(case: Violation) -> bool:
    return case.what.endswith("lone surrogate")


def location_of(operation: OperationModel, member: str) -> str:
    found: str = operation.input_shape.members[member].serialization.get("location", "body")
    return found


def marked(value: Any) -> Any:
    """``value`` with each surrogate replaced by a mark, to be swapped for its bytes on the wire."""
    if isinstance(value, str):
        return regex.sub("[\ud800-\udfff]", SURROGATE_MARK, value)
    if isinstance(value, list):
        return [marked(item) for item in value]
    return value


def serialized(
    operation: OperationModel, baseline: dict[str, Any], case: Violation
) -> tuple[str, str, bytes, dict[str, str]]:
    if is_surrogate_case(case):  # JSON carries it as an escape; a path or query as bytes
        in_body = location_of(operation, case.member) == "body"
        value = case.value if in_body else marked(case.value)
        case = Violation(case.operation, case.what, case.member, value, inject=in_body)
    params = {k: v for k, v in baseline.items() if k != case.member}
    if not case.inject and case.value is not MISSING:
        params[case.member] = case.value
    for name, member in operation.input_shape.members.items():  # a label cannot be absent
        if member.serialization.get("location") == "uri" and name not in params:
            params[name] = ""
    request = SERIALIZER.serialize_to_request(params, operation)
    if case.inject:
        document = json.loads(request["body"] or b"{}")
        document[
            operation.input_shape.members[case.member].serialization.get("name", case.member)
        ] = case.value
        request["body"] = json.dumps(document).encode()
        request["headers"]["Content-Type"] = "application/json"
    prepare_request_dict(request, endpoint_url="http://placeholder")
    parts = urlsplit(request["url"])
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    target = target.replace(SURROGATE_MARK, SURROGATE_ON_THE_WIRE)
    return request["method"], target, request["body"] or b"", dict(request["headers"])


def empty_label(operation: OperationModel, case: Violation) -> bool:
    """GET /instance/{InstanceId} with an empty label is GET /instance/: ListInstances, a 200."""
    member = operation.input_shape.members[case.member]
    return member.serialization.get("location") == "uri" and case.value in ("", MISSING)


def test_every_implemented_operation_has_a_valid_baseline(scene: Scene) -> None:
    assert set(scene.baselines) == set(HANDLERS)
    for operation, params in scene.baselines.items():
        validate_parameters(params, MODEL.operation_model(operation).input_shape)
        assert cases_for(operation, params), operation


def test_requests_breaking_one_model_constraint_are_refused_cleanly_and_change_nothing(
    scene: Scene,
) -> None:
    before = fingerprint(scene)
    kinds = [c for op, params in scene.baselines.items() for c in cases_for(op, params)]
    CASES_KNOWN[0] = len(kinds)
    statuses: Counter[int] = Counter()

    def refuse(case: Violation) -> None:
        operation = MODEL.operation_model(case.operation)
        method, target, body, headers = serialized(operation, scene.baselines[case.operation], case)
        answer = send(scene.endpoint, method, target, body, headers, kind="model violations")
        CASES_SEEN.add((case.operation, case.member, case.what))
        check(answer)
        if not empty_label(operation, case):
            assert 400 <= answer.status < 500, (case, answer.status, answer.body[:300])
        if is_surrogate_case(case) and location_of(operation, case.member) == "body":
            assert answer.status == 400, (case, answer.body[:300])
            assert answer.headers["x-amzn-errortype"] == validation_error_code(operation)
            assert b"surrogate" in answer.body, answer.body[:300]
        statuses[answer.status] += 1

    for kind in kinds:  # every kind of violation, each with a couple of drawn values
        settings(FUZZ, max_examples=2)(given(kind)(refuse))()
    assert fingerprint(scene) == before
    assert set(statuses) >= {400, 404}


# --- raw garbage --------------------------------------------------------------------------------

BODY_ROUTES = [
    ("PUT", "/instance"),
    ("POST", "/phone-number/claim"),
    ("POST", "/phone-number/list"),
    ("POST", "/phone-number/search-available"),
    ("POST", "/tags/{arn}"),
    ("PUT", "/phone-number/{id}"),
    ("PUT", "/phone-number/{id}/metadata"),
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
MEMBER_NAMES = sorted({n for op in HANDLERS for n in MODEL.operation_model(op).input_shape.members})


ABSENT_ID = "00000000-0000-4000-8000-000000000000"


def route(template: str) -> str:
    """The route with a number that does not exist: a garbage body can happen to be valid."""
    arn = f"arn%3Aaws%3Aconnect%3Aus-east-1%3A000000000000%3Aphone-number%2F{ABSENT_ID}"
    return template.format(arn=arn, id=ABSENT_ID)


def with_surrogates(value: Any) -> Any:
    """Every string of a JSON value (keys too) with a lone surrogate added."""
    if isinstance(value, str):
        return value + "\ud800"
    if isinstance(value, list):
        return [with_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {with_surrogates(k): with_surrogates(v) for k, v in value.items()}
    return value


def test_garbage_bodies_are_refused_cleanly_and_change_nothing(scene: Scene) -> None:
    before = fingerprint(scene)
    objects = st.dictionaries(st.sampled_from(MEMBER_NAMES), JSON_VALUES, max_size=5)
    bodies = st.one_of(
        st.binary(max_size=200),
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        objects.map(lambda v: json.dumps(v).encode()),
        st.text(max_size=50).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(min_size=1, max_size=40).map(lambda b: b'{"InstanceAlias": "' + b + b'"}'),
        objects.map(lambda v: json.dumps(with_surrogates(v)).encode()),
    )

    @settings(FUZZ, max_examples=80)
    @given(st.sampled_from(BODY_ROUTES), bodies)
    def refuse(chosen: tuple[str, str], body: bytes) -> None:
        method, template = chosen
        check(send(scene.endpoint, method, route(template), body, kind="garbage bodies"))

    refuse()
    assert fingerprint(scene) == before


ODD_REQUESTS: list[tuple[str, str, bytes, dict[str, str]]] = [
    ("GET", "/phone-number/..%2F..%2Finstance", b"", {}),
    ("GET", "/phone-number/%2E%2E/%2E%2E/instance", b"", {}),
    ("GET", "/phone-number/../instance", b"", {}),
    ("DELETE", "/phone-number/../instance/{desk}", b"", {}),
    ("DELETE", "/instance/{desk}/..", b"", {}),
    ("GET", "//instance", b"", {}),
    ("GET", "/instance/./{desk}", b"", {}),
    ("GET", "/_connect-numbers/../instance", b"", {}),
    ("POST", "/%5Fconnect-numbers/reset", b"{}", {}),
    ("GET", "/tags/..%2F..%2F_connect-numbers%2Fconfig", b"", {}),
    ("GET", "/instance/%00", b"", {}),
    ("GET", "/instance?maxResults=%00", b"", {}),
    ("GET", "/instance?nextToken=%FF%FE", b"", {}),
    ("PUT", "/instance", b'{"InstanceAlias": "a\\u0000b", "IdentityManagementType": "SAML"}', {}),
    ("PUT", "/instance", b"\x00" * 64, {}),
    ("PUT", "/instance", b'{"InstanceAlias": "\xff\xfe"}', {}),
    ("PUT", "/instance", b"[]", {}),
    ("PUT", "/instance", b"[{}]", {}),
    ("PUT", "/instance", b"null", {}),
    ("PUT", "/instance", b'"string"', {}),
    ("PUT", "/instance", b'{"InboundCallsEnabled": ' + b"9" * 5000 + b"}", {}),
    ("PUT", "/instance", b'{"a": 1, "a": 2}', {}),
    ("PUT", "/instance", b"{" * 50_000, {}),
    ("POST", "/phone-number/list", b'{"MaxResults": 1e999}', {}),
    ("POST", "/phone-number/list", b'{"MaxResults": NaN}', {}),
    ("POST", "/phone-number/list", b'{"NextToken": "' + b"A" * 99_000 + b'"}', {}),
    ("GET", "/" + "a/" * 20_000, b"", {}),
    ("GET", "/instance/" + "b" * 60_000, b"", {}),
    ("GET", "/instance", b"", {"X-Padding": "p" * 100_000}),
    ("GET", "/instance", b"", {f"X-Many-{i}": "v" * 100 for i in range(1000)}),
    ("PATCH", "/instance", b"{}", {}),
    ("OPTIONS", "/instance", b"", {}),
    ("TRACE", "/instance", b"", {}),
    ("BREW", "/instance", b"", {}),
    ("PUT", "/instance", b"{}", {"Content-Type": "text/plain"}),
    ("PUT", "/instance", b"{}", {"Content-Encoding": "gzip"}),
    ("GET", "/instance", b"", {"X-Amz-Date": "20990101T000000Z"}),
]


@pytest.mark.parametrize("index", range(len(ODD_REQUESTS)))
def test_odd_requests_are_refused_cleanly_and_change_nothing(scene: Scene, index: int) -> None:
    method, template, body, headers = ODD_REQUESTS[index]
    target = template.replace("{desk}", scene.desk["Id"])
    before = fingerprint(scene)
    check(send(scene.endpoint, method, target, body, headers, kind="odd requests"))
    assert fingerprint(scene) == before


@pytest.mark.parametrize(
    "line",
    [
        b"GET /inst\x00ance HTTP/1.1",
        b"GET /instance HTTP/1.1\r\nX-Nul: a\x00b",
        b"GET /\xff\xfe HTTP/1.1",
        b"GET /instance HTTP/9.9",
        b"GET /instance HTTP/1.1\r\nContent-Length: -1",
        b"GET /instance HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked",
    ],
)
def test_requests_broken_at_the_http_level_get_no_5xx(scene: Scene, line: bytes) -> None:
    host = urlsplit(scene.endpoint).netloc.encode()
    SENT["broken HTTP"] += 1
    check(exchange(scene.endpoint, line + b"\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"))


def test_an_unsigned_garbage_request_learns_nothing(scene: Scene) -> None:
    answer = send(scene.endpoint, "PUT", "/instance", b"\xff{", sign=False, kind="odd requests")
    check(answer)
    assert answer.status == 403
    assert answer.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_a_body_over_one_mebibyte_is_413_and_changes_nothing(scene: Scene) -> None:
    before = fingerprint(scene)
    body = b'{"InstanceAlias": "' + b"a" * (1 << 20) + b'"}'
    for headers in ({}, {"Transfer-Encoding": "chunked"}):
        if headers:  # no Content-Length: the body streams in until it is too big
            chunked = b"".join(
                b"%x\r\n%s\r\n" % (len(body[i : i + 65536]), body[i : i + 65536])
                for i in range(0, len(body), 65536)
            )
            data = (
                b"PUT /instance HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" + chunked + b"0\r\n\r\n"
            )
            SENT["oversized bodies"] += 1
            answer = exchange(scene.endpoint, data)
        else:
            answer = send(scene.endpoint, "PUT", "/instance", body, kind="oversized bodies")
        check(answer)
        assert answer.status == 413
    assert fingerprint(scene) == before


def test_headers_over_64_kib_are_431(scene: Scene) -> None:
    answer = send(
        scene.endpoint,
        "GET",
        "/instance",
        headers={"X-Padding": "p" * (64 << 10)},
        kind="odd requests",
    )
    check(answer)
    assert answer.status == 431


@pytest.mark.timeout(5)
def test_an_overlong_string_is_refused_without_running_its_pattern() -> None:
    # InstanceAlias's pattern ^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$ backtracks quadratically:
    # 16 000 characters take about 12 s, a 1 MiB body hours. Over its max (45) the length
    # alone refuses it; the pattern need not run.
    shape = connect_model().operation_model("CreateInstance").input_shape
    params = {
        "IdentityManagementType": "CONNECT_MANAGED",
        "InboundCallsEnabled": True,
        "OutboundCallsEnabled": True,
        "InstanceAlias": "a" * 200_000 + "!",
    }
    found = validation.violations(shape, params)
    assert any("length less than or equal to 45" in v for v in found)
