"""examples/terraform/main.tf: parsed, checked against the replayed sequences, and applied.

Terraform itself is not run here (it is not packaged for PyPI or Debian). The
example is parsed with python-hcl2; every resource type and data source in it
must have a replayed sequence in ``terraform_resources.py``, and the example is
then "applied" by evaluating its literal arguments and references in file order
with those replays, refreshed, destroyed in reverse order and refreshed again,
twice in a row as an hourly CI job would.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest
from terraform_provider import Provider, Resource
from terraform_resources import DATA_SOURCES, RESOURCES

EXAMPLE = Path(__file__).parents[2] / "examples" / "terraform"
REFERENCE = re.compile(r"^\$\{(?:(data)\.)?([a-z_0-9]+)\.([a-z_0-9]+)\.([a-z_0-9]+)\}$")
VARIABLE = re.compile(r"^\$\{var\.([a-z_0-9]+)\}$")


def unquoted(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    with (EXAMPLE / "main.tf").open() as source:
        parsed: dict[str, Any] = hcl2.load(source)
    return parsed


def blocks(example: dict[str, Any], kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(type, name, arguments) of every ``kind`` block ("resource" or "data"), in file order."""
    found = []
    for block in example.get(kind, []):
        for type_name, named in block.items():
            for name, arguments in named.items():
                found.append((unquoted(type_name), unquoted(name), arguments))
    return found


def provider_block(example: dict[str, Any]) -> dict[str, Any]:
    (aws,) = [p['"aws"'] for p in example["provider"] if '"aws"' in p]
    found: dict[str, Any] = aws
    return found


def test_every_resource_and_data_source_of_the_example_has_a_replayed_sequence(
    example: dict[str, Any],
) -> None:
    resources = {type_name for type_name, _, _ in blocks(example, "resource")}
    assert resources == set(RESOURCES)
    assert {type_name for type_name, _, _ in blocks(example, "data")} <= set(DATA_SOURCES)


def test_the_provider_block_calls_nothing_but_connect_numbers(example: dict[str, Any]) -> None:
    aws = provider_block(example)
    for flag in [
        "skip_credentials_validation",
        "skip_requesting_account_id",
        "skip_metadata_api_check",
    ]:
        assert aws[flag] is True, flag
    (endpoints,) = aws["endpoints"]
    assert {k for k in endpoints if not k.startswith("__")} == {"connect", "sts", "iam"}
    assert {endpoints[k] for k in ("connect", "sts", "iam")} == {"${var.connect_numbers_endpoint}"}
    (variable,) = [v['"connect_numbers_endpoint"'] for v in example["variable"]]
    assert unquoted(variable["default"]) == "http://127.0.0.1:4590"


class Apply:
    """The example's resources, created in file order with their replayed sequences."""

    def __init__(self, example: dict[str, Any], provider: Provider) -> None:
        self.example = example
        self.provider = provider
        self.states: dict[tuple[str, str], dict[str, Any]] = {}
        self.data: dict[tuple[str, str], dict[str, Any]] = {}

    def value(self, raw: Any) -> Any:
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in raw.items() if not k.startswith("__")}
        if not isinstance(raw, str):
            return raw
        reference = REFERENCE.match(raw)
        if reference:
            data, type_name, name, attribute = reference.groups()
            return (self.data if data else self.states)[(type_name, name)][attribute]
        if raw.startswith("${"):
            return None  # a function call the replays do not need (content_hash)
        return unquoted(raw).replace("${path.module}", str(EXAMPLE))

    def config(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {k: self.value(v) for k, v in arguments.items() if not k.startswith("__")}

    def resources(self) -> list[tuple[str, str, Resource]]:
        return [
            (type_name, name, RESOURCES[type_name](self.provider))
            for type_name, name, _ in blocks(self.example, "resource")
        ]

    def apply(self) -> None:
        for (type_name, name, arguments), (_, _, resource) in zip(
            blocks(self.example, "resource"), self.resources(), strict=True
        ):
            self.states[(type_name, name)] = resource.create(self.config(arguments))
        for type_name, name, arguments in blocks(self.example, "data"):
            source = DATA_SOURCES[type_name](self.provider)
            self.data[(type_name, name)] = source.read(**self.config(arguments))

    def refresh(self) -> dict[tuple[str, str], Any]:
        return {
            (type_name, name): resource.read(self.states[(type_name, name)])
            for type_name, name, resource in self.resources()
        }

    def destroy(self) -> None:
        for type_name, name, resource in reversed(self.resources()):
            resource.delete(self.states[(type_name, name)])

    def outputs(self) -> dict[str, Any]:
        found = {}
        for block in self.example.get("output", []):
            for name, arguments in block.items():
                found[unquoted(name)] = self.value(arguments["value"])
        return found


def test_the_example_applies_refreshes_and_destroys_twice_in_a_row(
    connect_numbers: Any, connect: Any, example: dict[str, Any]
) -> None:
    connect_numbers.freeze()
    connect_numbers.config(settle_seconds=2)
    for _ in range(2):
        provider = Provider(connect, connect_numbers.advance)
        run = Apply(example, provider)
        run.apply()
        assert "IN_PROGRESS" in provider.states and "CREATION_IN_PROGRESS" in provider.states
        outputs = run.outputs()
        assert outputs["phone_number"].startswith("+1206")
        assert outputs["contact_flow_logs_enabled"] is True
        refreshed = run.refresh()
        assert all(state is not None for state in refreshed.values())
        association = connect.list_flow_associations(
            InstanceId=run.states[("aws_connect_instance", "desk")]["id"]
        )["FlowAssociationSummaryList"]
        assert len(association) == 1
        run.destroy()
        assert all(state is None for state in run.refresh().values())
        assert connect.list_instances()["InstanceSummaryList"] == []


def test_aws_endpoint_url_connect_reaches_connect_numbers_and_wins_over_the_global_one(
    connect_numbers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AWS_ENDPOINT_URL_CONNECT", connect_numbers.endpoint)
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    client = boto3.client(
        "connect",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    assert client.list_instances()["InstanceSummaryList"] == []


def test_every_test_docs_terraform_md_names_exists() -> None:
    """The table of replayed sequences in docs/terraform.md names tests that exist."""
    text = (Path(__file__).parents[2] / "docs" / "terraform.md").read_text()
    module = None
    named: list[tuple[str, str]] = []
    for found in re.finditer(r"`(?:tests/e2e/(test_\w+)\.py)?(?:::(test_\w+))?`", text):
        module = found.group(1) or module
        if found.group(2):
            assert module is not None
            named.append((module, found.group(2)))
    assert len(named) >= 10
    for module_name, test_name in named:
        source = (Path(__file__).parent / f"{module_name}.py").read_text()
        assert f"def {test_name}(" in source, f"{module_name}::{test_name}"
