"""The reps' web app in a real browser: first load on slow 4G, repeat load, bytes, scrolling

Debian's Chromium (headless, Playwright) on a phone screen with touch opens ``/app/``
served by the API under gunicorn as ``socialcrm run`` starts it (embedded Redis, the
SuiteCRM sandbox unless ``SUITECRM_*`` name a real one). Network and CPU are throttled
through the DevTools protocol to Lighthouse's "slow 4G, mid-range phone" profile: 150 ms
round trips, 1.6 Mbit/s down, 750 kbit/s up, CPU slowed 4x. "Interactive" is the app's own
mark (``performance.mark("app-interactive")``): the screen is drawn and takes input.
The rep's feed holds 200 items of realistic text (``bench.support.feed_corpus``).
"""

from __future__ import annotations

import itertools
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from playwright.sync_api import CDPSession, Page, sync_playwright

from bench import Figure
from bench.support.feed_corpus import ItemMaker
from bench.support.mobile_stack import ApiServer, stack_settings
from bench.support.target import CrmTarget
from sandboxes.suitecrm import DEMO_MOBILE_CLIENT, DEMO_SYNC_CLIENT, SuiteCRMSandbox
from workers import feed
from workers.redis_server import EmbeddedRedis

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
                         "is_mobile": True, "has_touch": True, "locale": "en-US"}
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
           "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
FEED_ITEMS = 200
LOADS = 3            # first and repeat loads measured this many times each (median kept)
SCROLL_MS = 8000     # scrolling the feed for this long
FRAME_MS = 1000 / 60
USER, PASSWORD, USER_ID = "sally", "sally-Passw0rd", "seed_sally_id"
TIMEOUT_MS = 60_000


def measured_against() -> str:
    return ("Debian's Chromium (headless) on a 390x844 touch screen against the API under "
            "gunicorn as `socialcrm run` starts it, embedded Redis, the seeded SuiteCRM "
            "sandbox (the app is measured, not SuiteCRM: its demo rep logs in)")


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="bench-webapp-") as directory, \
            EmbeddedRedis(Path(directory), persistent=False) as store, \
            _seeded_sandbox() as target:
        settings = stack_settings(target, store.url)
        _fill_feed(store.url)
        with ApiServer(settings) as api, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                first = [_first_load(browser, api.url) for _ in range(LOADS)]
                repeat, scroll = _logged_in(browser, api.url)
            finally:
                browser.close()
    return _figures(first, repeat, scroll)


@contextmanager
def _seeded_sandbox() -> Iterator[CrmTarget]:
    """The seeded sandbox whatever SUITECRM_URL says: the rep ``sally`` logs in there."""
    with SuiteCRMSandbox(port=0, seed=True, with_plugin=True) as sandbox:
        yield CrmTarget(url=sandbox.url, sync_client=DEMO_SYNC_CLIENT,
                        password_client=DEMO_MOBILE_CLIENT, live=False,
                        label="the seeded SuiteCRM sandbox")


def _fill_feed(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for item in ItemMaker().items_before(datetime.now(UTC), FEED_ITEMS):
        feed.publish(client, item, [USER_ID])
    client.close()


@contextmanager
def _throttled(page: Page) -> Iterator[CDPSession]:
    """The page's network and CPU as a mid-range phone on slow 4G, counting bytes received."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_4G)
    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    yield session
    session.detach()


def _interactive_ms(page: Page) -> float:
    page.wait_for_selector("body[data-ready=true]", timeout=TIMEOUT_MS)
    return float(page.evaluate(
        "performance.getEntriesByName('app-interactive')[0].startTime"))


def _first_load(browser: Any, url: str) -> dict[str, float]:
    """A phone that never saw the app: time to interactive, and every byte it took until
    the service worker had cached the shell (its precache included)."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        with _throttled(page) as session:
            received: list[int] = []
            session.on("Network.loadingFinished",
                       lambda event: received.append(int(event["encodedDataLength"])))
            page.goto(f"{url}/app/", timeout=TIMEOUT_MS)
            interactive = _interactive_ms(page)
            page.wait_for_function("navigator.serviceWorker.controller !== null",
                                   timeout=TIMEOUT_MS)
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
            page_bytes = sum(received)
        worker_bytes = _worker_bytes(context)
        return {"interactive": interactive, "bytes": page_bytes + worker_bytes,
                "requests": len(received)}
    finally:
        context.close()


def _worker_bytes(context: Any) -> int:
    """What the service worker fetched to cache the shell (revalidations: the page just
    loaded the same files), read from its resource timing entries."""
    total = 0
    for worker in context.service_workers:
        total += int(worker.evaluate(
            "performance.getEntriesByType('resource').reduce((s, e) => s + e.transferSize, 0)"))
    return total


def _logged_in(browser: Any, url: str) -> tuple[list[dict[str, float]], dict[str, float]]:
    """A rep who uses the app daily: repeat loads (shell from the service worker, the
    feed's first page from the network), then scrolling through the feed."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{url}/app/", timeout=TIMEOUT_MS)
        page.get_by_label("User name").fill(USER)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("li.item", timeout=TIMEOUT_MS)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=TIMEOUT_MS)
        repeat = []
        with _throttled(page):
            for _ in range(LOADS):
                page.reload(timeout=TIMEOUT_MS)
                interactive = _interactive_ms(page)
                page.wait_for_selector("ul.feed[aria-busy=false] li.item", timeout=TIMEOUT_MS)
                feed_ms = float(page.evaluate("performance.now()"))
                repeat.append({"interactive": interactive, "feed": feed_ms})
            scroll = _scroll(page)
        return repeat, scroll
    finally:
        context.close()


SCROLL_JS = """(duration) => new Promise((resolve) => {
  const frames = [];
  const start = performance.now();
  function step(now) {
    frames.push(now);
    window.scrollBy(0, 12);
    if (now - start < duration) requestAnimationFrame(step); else resolve(frames);
  }
  requestAnimationFrame(step);
})"""


def _scroll(page: Page) -> dict[str, float]:
    """Scroll down the feed (more pages load on the way) and time every frame."""
    frames: list[float] = page.evaluate(SCROLL_JS, SCROLL_MS)
    gaps = [later - earlier for earlier, later in itertools.pairwise(frames)]
    dropped = sum(max(0, round(gap / FRAME_MS) - 1) for gap in gaps)
    items = int(page.evaluate("document.querySelectorAll('li.item').length"))
    return {"frames": len(gaps), "dropped": dropped,
            "expected": (frames[-1] - frames[0]) / FRAME_MS,
            "p95": sorted(gaps)[int(len(gaps) * 0.95)], "items": items}


def _figures(first: list[dict[str, float]], repeat: list[dict[str, float]],
             scroll: dict[str, float]) -> list[Figure]:
    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    profile = "150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower"
    return [
        Figure("First load to interactive (login screen), new phone, slow 4G",
               f"{median(first, 'interactive'):.0f} ms", "< 3000 ms",
               f"median of {LOADS} fresh browser contexts; {profile}"),
        Figure("Bytes transferred by a first load (compressed, service worker precache included)",
               f"{median(first, 'bytes') / 1024:.1f} KB in {median(first, 'requests'):.0f} "
               "requests", "< 150 KB",
               "sum of encodedDataLength over the page's responses plus the worker's "
               "transferSize, until the network is idle"),
        Figure("Repeat load to interactive (shell from the service worker), slow 4G",
               f"{median(repeat, 'interactive'):.0f} ms", "< 1000 ms",
               f"median of {LOADS} reloads of a logged-in rep; {profile}"),
        Figure("Repeat load to the feed's first page drawn (read over slow 4G)",
               f"{median(repeat, 'feed'):.0f} ms", "",
               "same reloads: the page goes to the network first, the kept copy only offline"),
        Figure("Feed scrolling: frames dropped at 60 Hz",
               f"{scroll['dropped']:.0f} of {scroll['expected']:.0f} "
               f"({100 * scroll['dropped'] / max(1.0, scroll['expected']):.1f} %), p95 frame "
               f"{scroll['p95']:.1f} ms; {scroll['items']:.0f} items loaded on the way",
               "no dropped frames",
               f"{SCROLL_MS / 1000:.0f} s of scrolling 12 px per frame with CPU "
               f"{CPU_SLOWDOWN}x slower; infinite scroll loading pages meanwhile; the "
               f"machine's load average was {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
               "CPUs (frames are missed when other processes hold the CPUs)"),
    ]
