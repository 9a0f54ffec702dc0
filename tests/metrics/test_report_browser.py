"""The report in a real browser on a phone: Debian's Chromium, headless, driven by
Playwright (launched as the live UI suites launch it: ``tests/live/browser.py``).

It renders with nothing fetched from anywhere, fits the phone's width (only the wide
tables scroll, inside their own box), its five charts are drawn at a real size within
the screen, and every number it shows is the number ``GET /api/v1/metrics`` answers for
the same period, both the exact value it carries and the text people read.

The full-page screenshot is saved in the test's temporary folder
(``report-phone.png``); CI can keep it as a build artifact the way the live suites keep
theirs under ``var/screenshots/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Request, sync_playwright

from sandboxes.suitecrm import SuiteCRMSandbox
from tests.live.browser import CHROMIUM, CHROMIUM_ARGS
from tests.metrics.reporting import GOALS, figures_of, run_report
from tests.metrics.scenario import MAX, PERIOD, SALLY, Week
from tests.mobile.conftest import Api

PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels
Login = Callable[[str], dict[str, str]]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shown_text(metric: str, value: Any) -> str:
    """What a person should read for a figure, worked out from the API's value."""
    if value is None:
        return "\u2013"
    if isinstance(value, bool):
        return "met" if value else "not met"
    if metric.endswith("_seconds"):
        return f"{value / 60:.1f} min"
    if "percent" in metric:
        return f"{value:.1f} %"
    if "minutes" in metric:
        return f"{value:.1f} min"
    if "sentiment" in metric and not metric.endswith("scored"):
        return f"{value:+.2f}"
    if isinstance(value, float):
        return f"{value:.1f}" if not value.is_integer() else f"{value:g}"
    return str(value)


def test_the_report_reads_on_a_phone_and_shows_the_apis_numbers(
        api: Api, week: Week, login: Login, suitecrm: SuiteCRMSandbox, tmp_path: Path,
        chromium: Browser):
    admin = login("admin")
    assert api("PUT", "/goals", headers=admin, json=GOALS).status_code == 200
    out = tmp_path / "report.html"
    done = run_report("--period", PERIOD, "--out", str(out), suitecrm_url=suitecrm.url,
                      redis_url=api.redis_url)
    assert done.returncode == 0, done.stderr
    answer = api("GET", "/metrics", headers=admin, params={"period": PERIOD}).json()
    expected = figures_of(answer)

    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                   has_touch=True)
    requested: list[str] = []

    def note(request: Request) -> None:
        requested.append(request.url)

    try:
        page = context.new_page()
        page.on("request", note)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(out.as_uri(), wait_until="load")
        page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)

        assert requested == [out.as_uri()], "nothing is fetched but the file itself"
        assert errors == []
        assert page.title() == f"SocialCRM report {PERIOD}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "no sideways scrolling of the page itself"

        charts = page.locator("figure[data-chart] svg")
        assert charts.count() == 5
        for index in range(charts.count()):
            box = charts.nth(index).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100, box
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        names = page.locator("figure[data-chart]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.chart)")
        assert names == ["goals", "sentiment", "response-times", "volume", "leads"]

        cells = page.locator("[data-metric]").evaluate_all(
            "nodes => nodes.map(n => [n.dataset.metric, n.dataset.value, n.innerText])")
    finally:
        context.close()

    assert len(cells) > 100
    seen = set()
    for metric, value, text in cells:
        assert metric in expected, metric
        assert json.loads(value) == expected[metric], metric
        assert text.strip() == shown_text(metric, expected[metric]), metric
        seen.add(metric)
    must_show = {f"overall.counts.{name}" for name in answer["overall"]["counts"]
                 if name != "needs_answer"} | {
        "overall.first_response.median_seconds", "overall.sla.percent_met",
        "overall.sentiment.average", f"team.{SALLY}.counts.inbound",
        f"team.{MAX}.sla.percent_met", "network.linkedin.counts.social_leads",
        "day.2026-03-05.inbound_by_network.linkedin",
        *(f"overall.goals.{key}.met" for key in GOALS)}
    assert must_show <= seen, must_show - seen
    assert (tmp_path / "report-phone.png").stat().st_size > 10_000
