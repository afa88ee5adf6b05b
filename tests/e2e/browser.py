"""A real headless Chromium (Debian's chromium and chromium-driver) driven by selenium.

Test modules import it as a sibling module, as they do ``helpers``. When the browser
is missing the tests are skipped with the reason, except under CI (``CI`` set), where
a missing browser fails them: ``scripts/ensure-chromium`` installs it there.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

__all__ = ["By", "Page", "chromium", "screenshot", "size"]

CONSOLE = "/_connect-numbers/console/"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=en-US",
]
Found = TypeVar("Found")


def _binaries() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def chromium() -> Iterator[WebDriver]:
    """A fresh headless Chromium with its own profile, quit afterwards."""
    found = _binaries()
    if found is None:
        reason = "chromium and chromedriver are not installed (run scripts/ensure-chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    browser, driver_path = found
    profile = tempfile.mkdtemp(prefix="connect-numbers-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        size(driver, 1280, 800)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def size(driver: WebDriver, width: int, height: int) -> None:
    """Make the page's viewport exactly ``width`` by ``height`` CSS pixels."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def screenshot(driver: WebDriver, name: str, folder: Path) -> Path:
    """Save the viewport as ``name``.png in ``folder`` (and in the directory named by
    CONNECT_NUMBERS_SCREENSHOTS, which is how docs/images is refreshed)."""
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    extra = os.environ.get("CONNECT_NUMBERS_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)
    return path


class Page:
    """The console of the server at ``endpoint``, in ``driver``."""

    def __init__(self, driver: WebDriver, endpoint: str) -> None:
        self.driver = driver
        self.endpoint = endpoint

    def open(self, page: str) -> Page:
        self.driver.get(f"{self.endpoint}{CONSOLE}{page}")
        return self

    def wait(self, condition: Callable[[WebDriver], Found], seconds: float = 15) -> Found:
        try:
            waiting = WebDriverWait(
                self.driver,
                seconds,
                poll_frequency=0.1,
                ignored_exceptions=(StaleElementReferenceException,),
            )
            return waiting.until(condition)
        except TimeoutException:
            raise AssertionError(f"timed out; the page reads:\n{self.text('body')}") from None

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        for _ in range(5):
            try:
                found = self.all(css)
                return found[0].text if found else ""
            except StaleElementReferenceException:  # replaced by a refresh as it was read
                continue
        raise AssertionError(f"{css} kept changing while it was read")

    def shows(self, css: str, words: str, seconds: float = 15) -> WebElement:
        """Wait until the element at ``css`` contains ``words``; that element."""

        def present(driver: WebDriver) -> WebElement | None:
            try:
                for element in driver.find_elements(By.CSS_SELECTOR, css):
                    if words in element.text:
                        return element
            except StaleElementReferenceException:  # replaced by a refresh as it was read
                pass
            return None

        return self.wait(present, seconds)

    def run(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)
