"""The admin read API and the console on the ``--scale`` database.

- ``admin_numbers1000``: ``GET /_connect-numbers/numbers?limit=1000`` (every account and
  region, in E.164 order), one connection, so p50 is the server's time for a page of
  1000 plus the loopback; the goal is 30 ms at 1,000,000 numbers. Also a page filtered
  by account, region and status, one by instance, a page of 1000 cooldowns, the churn
  budget and the per-scope summary (the overview's one full count).
- ``console``: page-load times in headless Chromium (Debian's ``chromium`` and
  ``chromedriver``): from navigation start to the ``console-data`` performance mark,
  which a page sets when its first data from the admin API is on screen; the median of
  five loads of each page.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile

from .fixtures import ACCOUNT
from .processes import ServerProcess
from .report import ScenarioResult, brief
from .scenarios import Settings
from .signing import REGION, SignedRequest
from .wrk import probe, run_wrk

__all__ = ["run_admin_reads", "run_console_loads"]

_PAGES = ["index.html", "numbers.html", "cooldowns.html", "churn.html", "clock.html"]
_LOADS = 5


def _paths(instance_id: str) -> dict[str, str]:
    scoped = f"account_id={ACCOUNT}&region={REGION}&status=CLAIMED"
    return {
        "admin_numbers1000": "numbers?limit=1000",
        "admin_numbers1000_filtered": f"numbers?limit=1000&{scoped}",
        "admin_numbers_instance": f"numbers?limit=1000&instance_id={instance_id}",
        "admin_cooldowns1000": "cooldowns?limit=1000",
        "admin_churn": f"churn/{ACCOUNT}/{REGION}",
        "admin_summary": "summary",
    }


def run_admin_reads(
    server: ServerProcess, wrk: str | None, settings: Settings, instance_id: str
) -> list[ScenarioResult]:
    return [
        _measure(name, server, wrk, settings, path) for name, path in _paths(instance_id).items()
    ]


def _measure(
    name: str, server: ServerProcess, wrk: str | None, settings: Settings, path: str
) -> ScenarioResult:
    result = ScenarioResult(name=name, target=path)
    host = server.url.split("://", 1)[1]
    request = SignedRequest("GET", f"/_connect-numbers/{path}", {"Host": host}, b"")
    try:
        if wrk is None:
            raise RuntimeError("wrk is not available")
        failure = probe("127.0.0.1", server.port, request)
        if failure:
            raise RuntimeError(f"probe failed: {failure}")
        run = run_wrk(wrk, server.url, [request], settings.seconds, 1, 1)
    except Exception as error:
        result.error = brief(error)
        return result
    result.rps, result.p50_ms, result.p99_ms = run.rps, run.p50_ms, run.p99_ms
    result.requests, result.errors, result.seconds = run.requests, run.errors, run.seconds
    result.ok = run.errors == 0
    result.extra = {"client": "wrk -t1 -c1", "p90_ms": run.p90_ms}
    result.extra["note"] = f"1 connection: p50 {run.p50_ms:.2f} ms"
    return result


def run_console_loads(server: ServerProcess) -> ScenarioResult:
    """Median ms from navigation to the first data on screen, per console page."""
    result = ScenarioResult(name="console", target="headless chromium")
    try:
        timings = _load_pages(server.url)
    except Exception as error:
        result.error = brief(error)
        return result
    result.ok = True
    result.extra = {f"{page.removesuffix('.html')}_ms": ms for page, ms in timings.items()}
    result.p50_ms = max(timings.values())
    result.extra["note"] = "slowest page " + ", ".join(
        f"{k} {v:.0f} ms" for k, v in timings.items()
    )
    return result


def _load_pages(base_url: str) -> dict[str, float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    browser, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not browser or not driver_path:
        raise RuntimeError("chromium and chromedriver are not installed (scripts/ensure-chromium)")
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless --no-sandbox --disable-gpu --disable-background-networking "
        f"--disable-component-update --disable-sync --no-first-run --user-data-dir={profile}"
    ).split():
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    mark = "return performance.getEntriesByName('console-data').map((e) => e.startTime)[0]"
    found: dict[str, float] = {}
    try:
        for page in _PAGES:
            loads: list[float] = []
            for _ in range(_LOADS):
                driver.get(f"{base_url}/_connect-numbers/console/{page}")
                wait = WebDriverWait(driver, 60, poll_frequency=0.02)
                loads.append(float(wait.until(lambda d: d.execute_script(mark))))
            found[page] = statistics.median(loads)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return found
