"""The console over plain HTTP: what it ships, the redirect from ``/``, and what it leaves alone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connect_numbers.entrypoints.console import PAGES

CONSOLE = "/_connect-numbers/console/"


def fetch(connect_numbers: Any, path: str, **options: Any) -> httpx.Response:
    return httpx.request(
        options.pop("method", "GET"), f"{connect_numbers.endpoint}{path}", timeout=10, **options
    )


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_is_html_with_its_own_script_and_no_outside_asset(
    connect_numbers: Any, page: str
) -> None:
    response = fetch(connect_numbers, f"{CONSOLE}{page}.html")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    assert f'<script src="static/{page}.js" defer></script>' in html
    assert "http://" not in html
    assert "https://" not in html
    for asset in (f"static/{page}.js", "static/console.js", "static/console.css"):
        assert fetch(connect_numbers, f"{CONSOLE}{asset}").status_code == 200


def test_the_console_root_is_the_overview(connect_numbers: Any) -> None:
    response = fetch(connect_numbers, CONSOLE)
    assert response.status_code == 200
    assert "<title>Overview · connect-numbers</title>" in response.text
    moved = fetch(connect_numbers, CONSOLE.rstrip("/"))
    assert (moved.status_code, moved.headers["location"]) == (301, CONSOLE)


def test_assets_have_their_types_and_unknown_paths_are_404(connect_numbers: Any) -> None:
    script = fetch(connect_numbers, f"{CONSOLE}static/console.js")
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    style = fetch(connect_numbers, f"{CONSOLE}static/console.css")
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    for missing in ("nope.html", "static/nope.js", "static/../__init__.py", "layout.html"):
        assert fetch(connect_numbers, f"{CONSOLE}{missing}").status_code == 404
    refused = fetch(connect_numbers, f"{CONSOLE}index.html", method="POST")
    assert refused.status_code == 405
    head = fetch(connect_numbers, f"{CONSOLE}index.html", method="HEAD")
    assert head.status_code == 200


def test_a_browser_opening_the_root_is_sent_to_the_console(connect_numbers: Any) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = fetch(connect_numbers, "/", headers={"Accept": accept})
    assert response.status_code == 302
    assert response.headers["location"] == CONSOLE


def test_the_root_without_html_or_signed_is_still_connect(connect_numbers: Any, raw: Any) -> None:
    plain = fetch(connect_numbers, "/", headers={"Accept": "application/json"})
    assert plain.status_code == 404
    assert plain.headers["x-amzn-errortype"] == "UnknownOperationException"
    signed = raw("GET", "/", headers={"Accept": "text/html"})
    assert signed.status_code == 404
    assert signed.headers["x-amzn-errortype"] == "UnknownOperationException"
    with_query = fetch(connect_numbers, "/?Action=x", headers={"Accept": "text/html"})
    assert with_query.status_code == 404


def test_connect_operations_are_untouched_by_the_console(connect: Any) -> None:
    assert connect.list_instances()["InstanceSummaryList"] == []
