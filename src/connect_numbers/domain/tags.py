"""Tags on Connect resources."""

from __future__ import annotations

from .errors import InvalidParameter

__all__ = ["MAX_TAGS_PER_RESOURCE", "merged"]

MAX_TAGS_PER_RESOURCE = 50


def merged(existing: dict[str, str], added: dict[str, str]) -> dict[str, str]:
    """The tags after adding ``added``; a resource holds at most 50 tags."""
    result = {**existing, **added}
    if len(result) > MAX_TAGS_PER_RESOURCE:
        raise InvalidParameter(
            f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags; "
            f"this request would leave {len(result)}"
        )
    return result
