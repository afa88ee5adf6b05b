"""A small client for the admin API, used by the CLI."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

__all__ = ["AdminClient", "AdminClientError"]


class AdminClientError(Exception):
    pass


class AdminClient:
    def __init__(self, endpoint: str, token: str | None = None, timeout: float = 30) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.endpoint}/_connect-numbers/{path}", data=data, method=method
        )
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise AdminClientError(_describe(error)) from None
        except (urllib.error.URLError, OSError) as error:
            raise AdminClientError(f"Cannot reach {self.endpoint}: {error}") from None


def _describe(error: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(error.read())
        return f"{error.code} {answer.get('code', '')}: {answer.get('message', '')}"
    except ValueError:
        return f"{error.code} {error.reason}"
