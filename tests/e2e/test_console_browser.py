"""The console in a real headless Chromium: what an operator sees and does.

Each test drives a real server (the plugin's, or one with an admin token) over HTTP,
changes state through boto3 or the page itself, and checks what a person would read.
Screenshots go to the test's temporary directory (and to CONNECT_NUMBERS_SCREENSHOTS).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from browser import By, Page, chromium, screenshot, size
from helpers import available, new_instance, set_quota
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from connect_numbers.testing.server import RunningServer

pytestmark = pytest.mark.browser

DAY = 86_400
WINDOW = 180 * DAY
ACCOUNT = "000000000000"
ZONE = "America/New_York"  # the browser's zone in these tests: not the server's UTC


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    yield from chromium()


@pytest.fixture
def console(driver: WebDriver, connect_numbers: Any) -> Iterator[Page]:
    size(driver, 1280, 800)
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ZONE})
    yield Page(driver, connect_numbers.endpoint)
    driver.get("about:blank")


def local(epoch: float) -> str:
    """How the page writes ``epoch`` in en-US, medium date and time, in ZONE."""
    moment = datetime.fromtimestamp(epoch, ZoneInfo(ZONE))
    hour = moment.strftime("%I").lstrip("0")
    return f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M:%S %p}"


def iso(epoch: float) -> str:
    return (
        datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def claim(connect: Any, desk: dict[str, Any], count: int = 1) -> list[dict[str, Any]]:
    return [
        connect.claim_phone_number(PhoneNumber=n, InstanceId=desk["Id"])
        for n in available(connect, desk, count)
    ]


def test_a_claimed_number_appears_with_its_status_and_the_page_follows_it(
    console: Page, connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    connect_numbers.freeze()
    desk = new_instance(connect, "front-desk")
    connect_numbers.config(settle_seconds=30)
    claimed = claim(connect, desk)[0]
    e164 = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]["PhoneNumber"]
    console.open("numbers.html")
    row = console.shows("#numbers tbody tr", e164)
    assert "IN_PROGRESS" in row.text
    assert desk["Id"] in row.text
    connect_numbers.advance(30)  # the claim settles; the open page picks it up by itself
    row = console.shows("#numbers tbody tr", "CLAIMED", seconds=15)
    assert e164 in row.text
    screenshot(console.driver, "console-numbers", tmp_path)
    row.find_element(By.LINK_TEXT, e164).click()
    console.shows("#state", "CLAIMED")
    console.shows("#history", "SETTLE")
    assert console.text("main h1") == e164


def test_a_release_moves_the_number_to_cooldowns_with_the_right_date(
    console: Page, connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "cooling-desk")
    claimed = claim(connect, desk)[0]
    e164 = connect.describe_phone_number(PhoneNumberId=claimed["PhoneNumberId"])[
        "ClaimedPhoneNumberSummary"
    ]["PhoneNumber"]
    connect_numbers.set_clock(start + 60)
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])
    released, until = start + 60, start + 60 + 180 * DAY

    console.open("cooldowns.html")
    row = console.shows("#cooldowns tbody tr", e164)
    shown = row.find_elements(By.TAG_NAME, "time")
    assert [t.get_attribute("datetime") for t in shown] == [iso(released), iso(until)]
    assert [t.get_attribute("title") for t in shown] == [f"epoch {released}", f"epoch {until}"]
    assert [t.text for t in shown] == [local(released), local(until)]
    assert "180 d" in row.text
    assert console.find("#timeline svg").get_attribute("aria-label").startswith("1 numbers")
    screenshot(console.driver, "console-cooldowns", tmp_path)

    console.open("numbers.html")
    console.shows("#numbers tbody", "No number matches.")
    console.open(f"number.html?e164=%2B{e164[1:]}")
    console.shows("#state", "COOLING")
    screenshot(console.driver, "console-number", tmp_path)
    console.find("#restore").click()
    console.shows("#messages", f"{e164} is restored.")
    console.shows("#state", "CLAIMED")
    console.shows("#history", "RESTORE")


def test_the_churn_page_shows_the_lockout_of_the_worked_example_and_when_claims_resume(
    console: Page, connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    set_quota(connect_numbers, 99)
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "ninety-nine")
    first = claim(connect, desk, 99)
    connect_numbers.set_clock(start + DAY)
    for done in first:
        connect.release_phone_number(PhoneNumberId=done["PhoneNumberId"])
    connect_numbers.set_clock(start + 2 * DAY)
    second = claim(connect, desk, 99)
    connect_numbers.set_clock(start + 3 * DAY)
    for done in second:
        connect.release_phone_number(PhoneNumberId=done["PhoneNumberId"])
    resume = start + DAY + WINDOW

    console.open(f"churn.html?account_id={ACCOUNT}&region=us-east-1")
    verdict = console.shows("#verdict", "Claims refused until")
    when = verdict.find_element(By.TAG_NAME, "time")
    assert when.get_attribute("datetime") == iso(resume)
    assert when.get_attribute("title") == f"epoch {resume}"
    assert when.text == local(resume)
    assert "198 of 198" in console.text("#facts")
    chart = console.find("#chart svg")
    assert "at or above the limit of 198" in chart.get_attribute("aria-label")
    assert "claims resume" in chart.text
    screenshot(console.driver, "console-churn", tmp_path)

    console.open("index.html")
    row = console.shows("#scopes tbody tr", ACCOUNT)
    assert "198 / 198" in row.text
    assert "refused" in row.text
    screenshot(console.driver, "console-overview", tmp_path)

    connect_numbers.set_clock(resume)  # the first 99 leave the window: claims resume
    console.open(f"churn.html?account_id={ACCOUNT}&region=us-east-1")
    console.shows("#verdict", "Claims allowed: 99 more releases stop them.")


def test_advancing_the_clock_from_the_page_changes_what_is_shown(
    console: Page, connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    start = connect_numbers.freeze()["now"]
    desk = new_instance(connect, "clocked")
    claimed = claim(connect, desk)[0]
    connect.release_phone_number(PhoneNumberId=claimed["PhoneNumberId"])

    console.open("clock.html")
    console.shows("#clock-frozen", "yes")
    before = console.find("#clock-now time").get_attribute("title")
    assert before == f"epoch {start}"
    amount = console.find("#amount")
    amount.clear()
    amount.send_keys("181")
    console.find("#advance button[type=submit]").click()
    later = start + 181 * DAY
    console.shows("#messages", "Advanced")
    console.wait(
        lambda d: console.find("#clock-now time").get_attribute("title") == f"epoch {later}"
    )
    assert console.text("#clock-now") == local(later)
    # 181 days ahead of the browser's clock, less the seconds since the clock froze
    assert console.text("#clock-browser").split()[:2] in (["181", "d"], ["180", "d"])
    assert console.text("#clock-browser").endswith("ahead")
    screenshot(console.driver, "console-clock", tmp_path)
    assert connect_numbers.clock()["now"] == later

    console.open("cooldowns.html")
    console.shows("#cooldowns tbody", "No number is cooling.")


def test_a_token_protected_server_asks_for_the_token_and_keeps_it_out_of_urls(
    driver: WebDriver, tmp_path: Path
) -> None:
    token = "console-s3cret-token"
    with RunningServer(f"sqlite:///{tmp_path / 'guarded.db'}", admin_token=token) as server:
        size(driver, 1280, 800)
        page = Page(driver, server.endpoint)
        page.open("index.html")
        page.wait(lambda d: page.find("#token").is_displayed())
        assert "admin token" in page.text("#token-title")
        screenshot(driver, "console-token", tmp_path)
        page.find("#token-input").send_keys("wrong" + Keys.ENTER)
        page.shows("#token-title", "was refused")
        page.find("#token-input").send_keys(token + Keys.ENTER)
        page.shows("#scopes tbody", "No account holds or cools a number yet.")
        assert not page.find("#token").is_displayed()
        stored = page.run("return sessionStorage.getItem('connect-numbers-admin-token')")
        assert stored == token
        assert token not in driver.current_url
        page.open("clock.html")  # another page of the tab: the token is remembered
        page.shows("#clock-frozen", "no")
        assert not page.find("#token").is_displayed()
        sent = page.run(
            "return performance.getEntriesByType('resource').map((e) => e.name).join(' ')"
        )
        assert "/_connect-numbers/clock" in sent
        assert token not in sent
        driver.get("about:blank")


def test_an_api_error_is_shown_as_a_message_not_a_blank_page(console: Page) -> None:
    console.open("numbers.html?status=COOLING")
    console.shows("#messages", "status must be one of CLAIMED, IN_PROGRESS, FAILED")
    assert console.find("#filters").is_displayed()


def test_the_faults_page_says_when_the_server_has_no_fault_rules(console: Page) -> None:
    console.open("faults.html")
    answer = console.run("return fetch('/_connect-numbers/faults').then((r) => r.status)")
    if answer == 404:
        console.shows("#faults tbody", "answers 404")
        assert not console.find("#add button[type=submit]").is_enabled()
    else:
        console.shows("#faults tbody", "No fault rule is in force.")


def test_a_narrow_window_keeps_the_page_readable(
    console: Page, connect_numbers: Any, connect: Any, tmp_path: Path
) -> None:
    desk = new_instance(connect, "narrow")
    claim(connect, desk, 3)
    size(console.driver, 390, 800)
    console.open("numbers.html")
    console.shows("#numbers tbody", "CLAIMED")
    wide = console.run("return document.documentElement.scrollWidth")
    assert wide <= 390  # the table scrolls inside its box; the page does not
    screenshot(console.driver, "console-numbers-narrow", tmp_path)


def test_the_console_is_usable_from_the_keyboard(console: Page) -> None:
    console.open("index.html")
    console.shows("#scopes tbody", "No account")
    body = console.find("body")
    body.send_keys(Keys.TAB)
    assert console.run("return document.activeElement.textContent") == "Skip to content"
    for _ in range(3):  # the brand, Overview, then Numbers
        console.driver.switch_to.active_element.send_keys(Keys.TAB)
    focused = console.driver.switch_to.active_element
    assert focused.text == "Numbers"
    focused.send_keys(Keys.ENTER)
    console.wait(lambda d: d.current_url.endswith("numbers.html"))
    assert console.find('nav a[aria-current="page"]').text == "Numbers"


def test_configuration_and_quotas_are_edited_from_the_page(
    console: Page, connect_numbers: Any
) -> None:
    console.open("config.html")
    field = console.wait(lambda d: d.find_element(By.ID, "c-cooldown_days"))
    assert field.get_attribute("value") == "180"
    field.clear()
    field.send_keys("30")
    throttled = console.find("#c-throttling-enabled")
    throttled.click()
    console.find("#config button[type=submit]").click()
    console.shows("#messages", "Saved: cooldown_days, throttling.")
    config = connect_numbers.admin("GET", "config")
    assert (config["cooldown_days"], config["throttling"]["enabled"]) == (30, True)
    connect_numbers.config(throttling={"enabled": False})

    console.wait(lambda d: console.find("#q-value").get_attribute("value") == "5")
    quota = console.find("#q-value")
    quota.clear()
    quota.send_keys("42")
    console.find("#quota button[type=submit]").click()
    console.shows("#messages", "The quota is now 42.")
    assert connect_numbers.admin("GET", f"quotas/{ACCOUNT}/us-east-1") == {
        "phone_numbers_per_instance": 42
    }
    bad = console.find("#c-churn_percent")
    bad.clear()
    bad.send_keys("-5")
    console.run("document.getElementById('config').noValidate = true")
    console.find("#config button[type=submit]").click()
    console.shows("#messages", "churn_percent")
    assert connect_numbers.admin("GET", "config")["churn_percent"] == 200
