"""The operator console at ``/_connect-numbers/console/``: static pages that call the admin API.

Each page is a template of the package (``templates/<page>.html``) set in the shared
layout, with one small script of its own (``static/<page>.js``) and the shared
``static/console.js``; nothing is built and nothing comes from elsewhere. The pages
carry no data and need no token: their scripts fetch the admin API as any client
would, with the bearer token the operator gives when the server asks for one.

``GET /`` from a browser (a request that accepts ``text/html`` and is not signed)
is redirected here; every Connect operation and SigV4 request goes on as before.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

from ...protocol.serializer import Response

__all__ = ["CONSOLE", "PAGES", "browser_visit", "page", "redirect", "serves"]

CONSOLE = "/_connect-numbers/console/"

# page name -> (title, navigation label or None when it is not in the navigation)
PAGES: dict[str, tuple[str, str | None]] = {
    "index": ("Overview", "Overview"),
    "numbers": ("Numbers", "Numbers"),
    "number": ("Number", None),
    "cooldowns": ("Cooldowns", "Cooldowns"),
    "churn": ("Churn budget", "Churn"),
    "clock": ("Clock", "Clock"),
    "config": ("Configuration and quotas", "Configuration"),
    "faults": ("Faults", "Faults"),
}
_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
_HEADERS = [
    ("Cache-Control", "no-cache"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Content-Security-Policy",
        "default-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'",
    ),
]


def serves(raw_path: str) -> bool:
    return raw_path.startswith(CONSOLE) or raw_path == CONSOLE.rstrip("/")


def browser_visit(method: str, raw_path: str, query: str, headers: dict[str, str]) -> bool:
    """A browser opening the server's root: HTML accepted, nothing signed, no query."""
    if method != "GET" or raw_path != "/" or query:
        return False
    if "authorization" in headers or "x-amz-date" in headers:
        return False
    return "text/html" in headers.get("accept", "")


def redirect() -> Response:
    return Response(302, b"", [("Location", CONSOLE), ("Cache-Control", "no-cache")])


def page(method: str, raw_path: str) -> Response:
    """The page or asset at ``raw_path``; 404 for anything the console does not ship."""
    if method not in ("GET", "HEAD"):
        return _text(405, f"{method} is not allowed on the console", [("Allow", "GET, HEAD")])
    if raw_path == CONSOLE.rstrip("/"):
        return Response(301, b"", [("Location", CONSOLE)])
    name = raw_path.removeprefix(CONSOLE) or "index.html"
    found = _asset(name) if name.startswith("static/") else _page(name)
    if found is None:
        return _text(404, f"The console has no page {raw_path}", [])
    body, content_type = found
    return Response(
        200, body if method == "GET" else b"", [("Content-Type", content_type), *_HEADERS]
    )


@cache
def _page(name: str) -> tuple[bytes, str] | None:
    stem = name.removesuffix(".html")
    if stem not in PAGES or not name.endswith(".html"):
        return None
    title, _ = PAGES[stem]
    layout = Template(_read("templates", "layout.html"))
    html = layout.substitute(
        title=title, nav=_navigation(stem), main=_read("templates", name), script=f"{stem}.js"
    )
    return html.encode(), "text/html; charset=utf-8"


def _navigation(current: str) -> str:
    links = []
    for stem, (_, label) in PAGES.items():
        if label is None:
            continue
        mark = ' aria-current="page"' if stem == current else ""
        links.append(f'<li><a href="{stem}.html"{mark}>{label}</a></li>')
    return "\n".join(links)


@cache
def _asset(name: str) -> tuple[bytes, str] | None:
    file = name.removeprefix("static/")
    suffix = file[file.rfind(".") :] if "." in file else ""
    if "/" in file or suffix not in _TYPES:
        return None
    try:
        return _read("static", file).encode(), _TYPES[suffix]
    except FileNotFoundError:
        return None


def _read(folder: str, file: str) -> str:
    return resources.files(__name__).joinpath(folder, file).read_text(encoding="utf-8")


def _text(status: int, message: str, headers: list[tuple[str, str]]) -> Response:
    return Response(
        status, message.encode(), [("Content-Type", "text/plain; charset=utf-8"), *headers]
    )
