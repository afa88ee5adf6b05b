"""IAM-shaped policies: what a document may say, and which action on which resource it allows."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connect_numbers.domain.errors import InvalidParameter
from connect_numbers.domain.policy import Policy, glob_match

NUMBER = "arn:aws:connect:us-east-1:111111111111:phone-number/5d2c0cd1-8ad3-4f2d-9b52-3b1a1b0d1c11"
INSTANCE = "arn:aws:connect:us-east-1:111111111111:instance/0f9a27b1-1c5e-4f5e-8e3e-2a0c2b1e7d00"


def allow(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(action: Any, resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def policy(*statements: dict[str, Any]) -> Policy:
    return Policy.from_document({"Version": "2012-10-17", "Statement": list(statements)})


# --- parsing -------------------------------------------------------------------------------


def test_a_single_statement_object_and_plain_strings_are_accepted() -> None:
    parsed = Policy.from_document({"Statement": allow("connect:*", NUMBER)})
    assert parsed.allows("connect:ReleasePhoneNumber", NUMBER)


def test_a_sid_and_both_iam_versions_are_accepted() -> None:
    for version in ("2012-10-17", "2008-10-17"):
        statement = {"Sid": "All", **allow(["connect:*"], ["*"])}
        document = {"Version": version, "Statement": [statement]}
        assert Policy.from_document(document).allows("connect:ListInstances", "*")


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("connect:*", "object with a Statement"),
        ([allow("connect:*")], "object with a Statement"),
        ({"Statement": [allow("connect:*")], "Extra": 1}, "object with a Statement"),
        ({}, "at least one Statement"),
        ({"Statement": []}, "at least one Statement"),
        ({"Statement": "Allow"}, "at least one Statement"),
        ({"Version": "2024-01-01", "Statement": [allow("connect:*")]}, "Version"),
        ({"Version": ["2012-10-17"], "Statement": [allow("connect:*")]}, "Version"),
        ({"Statement": [allow("connect:*"), "Deny"]}, "Statement 2 is not an object"),
        ({"Statement": [{**allow("connect:*"), "Condition": {}}]}, "['Condition']"),
        (
            {"Statement": [{"Effect": "Deny", "NotAction": "connect:*", "Resource": "*"}]},
            "NotAction",
        ),
        ({"Statement": [{**allow("connect:*"), "Principal": "*"}]}, "Principal"),
        ({"Statement": [{"Action": "connect:*", "Resource": "*"}]}, "Effect must be Allow or Deny"),
        (
            {"Statement": [{**allow("connect:*"), "Effect": "allow"}]},
            "Effect must be Allow or Deny",
        ),
        ({"Statement": [allow("s3:GetObject")]}, "'s3:GetObject' is not a connect: action"),
        ({"Statement": [allow("ReleasePhoneNumber")]}, "'ReleasePhoneNumber' is not a connect:"),
        ({"Statement": [allow([])]}, "Statement 1: Action must be a string or a non-empty list"),
        ({"Statement": [allow(["connect:*", 7])]}, "Statement 1: Action must be a string"),
        ({"Statement": [allow("connect:*", None)]}, "Statement 1: Resource must be a string"),
        ({"Statement": [{"Effect": "Allow", "Action": "connect:*"}]}, "Resource must be"),
    ],
)
def test_a_malformed_policy_is_refused_naming_the_problem(document: Any, words: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        Policy.from_document(document)
    assert words in raised.value.message


# --- evaluation ----------------------------------------------------------------------------


def test_an_action_without_a_matching_allow_is_denied() -> None:
    only_list = policy(allow("connect:ListInstances"))
    assert only_list.allows("connect:ListInstances", "*")
    assert not only_list.allows("connect:DescribeInstance", INSTANCE)


@pytest.mark.parametrize("deny_first", [True, False])
def test_an_explicit_deny_wins_whatever_the_statement_order(deny_first: bool) -> None:
    statements = [allow("connect:*"), deny("connect:ReleasePhoneNumber", NUMBER)]
    parsed = policy(*(reversed(statements) if deny_first else statements))
    assert not parsed.allows("connect:ReleasePhoneNumber", NUMBER)
    assert parsed.allows("connect:DescribePhoneNumber", NUMBER)


def test_a_deny_alone_allows_nothing() -> None:
    assert not policy(deny("connect:ReleasePhoneNumber")).allows("connect:ListInstances", "*")


def test_a_deny_of_another_resource_does_not_touch_this_one() -> None:
    parsed = policy(allow("connect:*"), deny("connect:*", INSTANCE))
    assert parsed.allows("connect:DescribePhoneNumber", NUMBER)
    assert not parsed.allows("connect:DescribeInstance", INSTANCE)


def test_actions_compare_without_case_and_resources_with_case() -> None:
    parsed = policy(allow("CONNECT:describephonenumber", NUMBER))
    assert parsed.allows("connect:DescribePhoneNumber", NUMBER)
    assert not parsed.allows("connect:DescribePhoneNumber", NUMBER.upper())


def test_an_action_wildcard_matches_a_prefix_of_operation_names() -> None:
    parsed = policy(allow("connect:Describe*"))
    assert parsed.allows("connect:DescribePhoneNumber", NUMBER)
    assert parsed.allows("connect:DescribeInstance", INSTANCE)
    assert not parsed.allows("connect:ListInstances", "*")
    assert not parsed.allows("connect:ReleasePhoneNumber", NUMBER)


def test_a_bare_star_action_matches_every_action() -> None:
    assert policy(allow("*")).allows("connect:ReleasePhoneNumber", NUMBER)


def test_a_resource_wildcard_spans_colons_and_slashes() -> None:
    parsed = policy(allow("connect:*", "arn:aws:connect:us-east-1:*:instance/*"))
    assert parsed.allows("connect:DescribeInstance", INSTANCE)
    assert not parsed.allows("connect:DescribeInstance", INSTANCE.replace("us-east-1", "us-west-2"))
    assert not parsed.allows("connect:DescribePhoneNumber", NUMBER)
    assert parsed.allows("connect:X", "arn:aws:connect:us-east-1:a:b/c:instance/d/e")


def test_a_star_matches_nothing_at_all_too() -> None:
    assert policy(allow("connect:*", "arn:*:x")).allows("connect:A", "arn::x")


def test_a_question_mark_matches_exactly_one_character() -> None:
    parsed = policy(allow("connect:*", "arn:aws:connect:us-east-?:*"))
    assert parsed.allows("connect:A", "arn:aws:connect:us-east-1:x")
    assert not parsed.allows("connect:A", "arn:aws:connect:us-east-:x")
    assert not parsed.allows("connect:A", "arn:aws:connect:us-east-12")


def test_regex_metacharacters_in_a_pattern_are_literal() -> None:
    parsed = policy(allow("connect:*", "arn:aws:connect:(us).+[1]:*"))
    assert parsed.allows("connect:A", "arn:aws:connect:(us).+[1]:x")
    assert not parsed.allows("connect:A", "arn:aws:connect:us-east-1:x")
    assert not parsed.allows("connect:A", "arn:aws:connect:(us)x+[1]:x")


def test_a_line_break_in_a_resource_does_not_dodge_a_deny() -> None:
    parsed = policy(allow("connect:*"), deny("connect:*", "arn:aws:connect:*:*:phone-number/*"))
    assert not parsed.allows("connect:ReleasePhoneNumber", NUMBER + "\n")
    assert not parsed.allows(
        "connect:ReleasePhoneNumber", NUMBER.replace("phone-number/", "phone-number/\n")
    )


def test_a_star_in_the_resource_text_is_no_wildcard() -> None:
    assert not glob_match("arn:x", "arn:*")
    assert glob_match("arn:*", "arn:*")


@pytest.mark.timeout(5)
def test_a_pathological_pattern_against_a_long_resource_answers_at_once() -> None:
    # As a regular expression (.*a.*a...b) this backtracks for longer than the age of the universe.
    parsed = policy(allow("connect:*", "arn:" + "*a" * 25 + "*b"))
    assert not parsed.allows("connect:TagResource", "arn:" + "a" * 20_000)
    assert parsed.allows("connect:TagResource", "arn:" + "a" * 20_000 + "b")


def _reference(pattern: str, text: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


@given(st.text("ab*?:/", max_size=8), st.text("ab*?:/\n", max_size=10))
def test_the_wildcard_scan_agrees_with_a_regular_expression(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) == _reference(pattern, text)
