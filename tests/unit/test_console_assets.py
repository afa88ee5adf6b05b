"""Every file the console serves is named by pyproject.toml's package-data, so it ships."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import connect_numbers
from connect_numbers.entrypoints.console import PAGES

PACKAGE = Path(connect_numbers.__file__).parent
CONSOLE = PACKAGE / "entrypoints" / "console"
PYPROJECT = PACKAGE.parents[1] / "pyproject.toml"


def test_every_console_file_is_package_data() -> None:
    globs = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"][
        "connect_numbers"
    ]
    files = [p for p in CONSOLE.rglob("*") if p.is_file() and p.suffix != ".pyc"]
    assert files
    for path in files:
        if path.suffix == ".py":
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in globs), relative


def test_every_page_has_its_template_and_script() -> None:
    for page in PAGES:
        assert (CONSOLE / "templates" / f"{page}.html").is_file()
        assert (CONSOLE / "static" / f"{page}.js").is_file()
