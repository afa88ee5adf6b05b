"""as_document gives what dataclasses.asdict gives, for the values idempotency records hold."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from connect_numbers.domain.phone_numbers import new_claim
from connect_numbers.service.context import as_document
from connect_numbers.service.phone_numbers import ClaimPhoneNumber


class Pair(NamedTuple):
    a: int
    b: list[int]


@dataclass
class Inner:
    x: list[Any]
    y: dict[str, Any]


@dataclass(frozen=True)
class Outer:
    inner: Inner
    items: tuple[Any, ...]
    pair: Any
    kinds: set[int]


def test_nested_dataclasses_lists_tuples_dicts_named_tuples_and_sets_as_asdict() -> None:
    value = Outer(Inner([1, {"a": [2]}], {"k": Inner([], {})}), (1, "x", [3]), Pair(1, [2]), {1, 2})
    assert as_document(value) == asdict(value)


def test_a_command_and_a_number_as_asdict_with_their_containers_copied() -> None:
    command = ClaimPhoneNumber(
        phone_number="+12065550100",
        target_arn="arn",
        instance_id=None,
        description=None,
        tags={"a": "b"},
        client_token="token",
    )
    assert as_document(command) == asdict(command)
    assert as_document(command)["tags"] is not command.tags
    number = new_claim(
        e164="+12065550100",
        country="US",
        number_type="DID",
        account_id="000000000000",
        region="us-east-1",
        target_arn="arn",
        instance_id="id",
        description=None,
        failure=None,
        now=1.0,
        settle_seconds=0,
    )
    assert as_document(number) == asdict(number)
