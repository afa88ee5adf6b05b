"""What terraform-provider-aws adds around its Connect calls: the call log, the waiters, tags.

The resource classes in ``terraform_resources.py`` make, for each resource type and
the data source, the Connect calls the provider makes on create, read (refresh),
update, import and destroy, in the provider's order, with its waiters and its idea
of "gone" (a ResourceNotFoundException on read removes the resource from the state).
They are written from the provider's behaviour (internal/service/connect/), not from
its code, and are what the end-to-end tests run against a real server.
docs/terraform.md lists the same sequences.

Waiters poll like the plugin SDK's state-change waiter: a state in ``pending``
polls again, one in ``target`` ends the wait, any other state is an error that
carries the resource's status message, and "not found" ends a wait whose target
is "gone" (an empty target) but is tolerated 20 times otherwise. Between polls
the service clock is advanced instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from botocore.exceptions import ClientError

__all__ = [
    "NOT_FOUND",
    "Provider",
    "Resource",
    "State",
    "WaitError",
    "error_code",
    "gone",
    "tags_changed",
    "tags_read",
]

State = dict[str, Any]
NOT_FOUND = "ResourceNotFoundException"


class WaitError(Exception):
    """A waiter met a state it does not expect, or ran out of polls."""


def error_code(error: ClientError) -> str:
    code: str = error.response["Error"]["Code"]
    return code


def gone(error: ClientError) -> bool:
    return error_code(error) == NOT_FOUND


class Provider:
    """A Connect client plus what the provider's SDK adds: the call log and the waiters."""

    def __init__(self, connect: Any, advance: Callable[[float], Any], poll_seconds: float = 1):
        self.connect = connect
        self.calls: list[str] = []
        self.states: list[str] = []  # every status a waiter saw, in order
        self._advance = advance
        self._poll = poll_seconds
        connect.meta.events.register("before-call.connect", self._record)

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    def take_calls(self) -> list[str]:
        taken, self.calls = self.calls, []
        return taken

    def wait(
        self,
        refresh: Callable[[], tuple[Any, str] | None],
        pending: Iterable[str],
        target: Iterable[str],
        message: Callable[[Any], str | None] = lambda _: None,
        polls: int = 120,
    ) -> Any:
        """Poll ``refresh`` (None when not found) until a target state."""
        pending, target = set(pending), set(target)
        misses = 0
        for _ in range(polls):
            found = refresh()
            if found is None:
                self.states.append("(not found)")
                if not target:
                    return None
                misses += 1
                if misses > 20:
                    raise WaitError("couldn't find resource (21 retries)")
            else:
                resource, state = found
                self.states.append(state)
                if state in target:
                    return resource
                if state not in pending:
                    raise WaitError(
                        f"unexpected state '{state}', wanted target '{sorted(target)}'. "
                        f"last error: {message(resource)}"
                    )
            self._advance(self._poll)
        raise WaitError("timeout while waiting for state")


class Resource(Protocol):
    type_name: str

    def create(self, config: State) -> State: ...
    def read(self, state: State, *, new: bool = False) -> State | None: ...
    def update(self, state: State, config: State) -> State: ...
    def import_state(self, import_id: str) -> State | None: ...
    def delete(self, state: State) -> None: ...


def tags_changed(provider: Provider, arn: str, old: dict[str, str], new: dict[str, str]) -> None:
    """The tagging layer: untag removed keys, then tag new and changed ones."""
    removed = sorted(set(old) - set(new))
    if removed:
        provider.connect.untag_resource(resourceArn=arn, tagKeys=removed)
    changed = {k: v for k, v in new.items() if old.get(k) != v}
    if changed:
        provider.connect.tag_resource(resourceArn=arn, tags=changed)


def tags_read(provider: Provider, arn: str, described: dict[str, str] | None) -> dict[str, str]:
    """Tags from the Describe answer; the tagging layer lists them when it has none."""
    if described is not None:
        return described
    listed: dict[str, str] = provider.connect.list_tags_for_resource(resourceArn=arn)["tags"]
    return listed
