"""`socialcrm report` as a user runs it: a real process on the SuiteCRM sandbox and a real
Redis, writing a self-contained HTML file and a CSV whose figures are the API's."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sandboxes.suitecrm import SuiteCRMSandbox
from tests.metrics.reporting import GOALS, figures_of, run_report
from tests.metrics.scenario import PERIOD, SALLY, Week
from tests.mobile.conftest import Api

Login = Callable[[str], dict[str, str]]
# What would make a browser fetch something: a src or href that is not a fragment or
# inline data, a CSS url() that is not a fragment (the charts' clip paths), an @import.
EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["'](?!#|data:)|url\((?!#)|@import""", re.I)


def test_the_report_and_its_csv_hold_the_apis_figures(api: Api, week: Week, login: Login,
                                                      suitecrm: SuiteCRMSandbox,
                                                      tmp_path: Path):
    admin = login("admin")
    assert api("PUT", "/goals", headers=admin, json=GOALS).status_code == 200
    out, table = tmp_path / "report.html", tmp_path / "report.csv"
    done = run_report("--period", PERIOD, "--out", str(out), "--csv", str(table),
                      suitecrm_url=suitecrm.url, redis_url=api.redis_url)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "nothing but the result is printed"
    assert done.stdout.splitlines() == [
        f"Wrote {out}: 2026-03-02T00:00:00+00:00 to 2026-03-09T00:00:00+00:00, 7 inbound, "
        "3 answered, 3 complaints, 2 social leads", f"Wrote {table}"]
    answer = api("GET", "/metrics", headers=admin, params={"period": PERIOD}).json()
    expected = figures_of(answer)

    raw = table.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark, for spreadsheet programs"
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    figures = {f"{row['group']}.{row['metric']}": row["value"] for row in rows
               if row["group"] != "period"}
    assert set(figures) == set(expected)
    for name, value in expected.items():
        assert figures[name] == ("" if value is None else json.dumps(value)), name
    labels = {row["group"]: row["label"] for row in rows}
    assert labels[f"team.{SALLY}"] == "Sally Bronsen"
    assert labels["network.linkedin"] == "LinkedIn"

    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert EXTERNAL.findall(html) == [], "self-contained: nothing to fetch"
    assert "<script" not in html
    assert html.count("<svg") == 5
    shown = dict(re.findall(r'data-metric="([^"]+)" data-value="([^"]*)"', html))
    assert len(shown) > 100
    for name, value in shown.items():
        assert json.loads(value.replace("&quot;", '"')) == expected[name], name


def test_without_redis_the_report_has_no_goals_and_says_so(week: Week,
                                                           suitecrm: SuiteCRMSandbox,
                                                           tmp_path: Path):
    out = tmp_path / "report.html"
    done = run_report("--period", PERIOD, "--out", str(out), suitecrm_url=suitecrm.url,
                      redis_url=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "REDIS_URL is not set: the report shows no goals"
    html = out.read_text(encoding="utf-8")
    assert "No goals are set" in html
    assert 'data-metric="overall.counts.inbound" data-value="7"' in html


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "yesterday"], "Error: --period: 'yesterday' is not a period"),
    (["--period", "2026-03-08/2026-03-02"], "Error: --period: "),
    (["--tz", "Mars/Olympus"], "Error: --tz: unknown time zone 'Mars/Olympus'"),
    (["--network", "myspace"], "Error: Invalid value for '--network'"),
])
def test_a_bad_argument_is_one_line_naming_it(suitecrm: SuiteCRMSandbox, tmp_path: Path,
                                              args, message):
    out = tmp_path / "report.html"
    done = run_report(*args, "--out", str(out), suitecrm_url=suitecrm.url, redis_url=None)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1].startswith(message), done.stderr
    assert not out.exists()


def test_an_unreachable_suitecrm_and_a_missing_folder_are_one_line_each(
        suitecrm: SuiteCRMSandbox, tmp_path: Path):
    nowhere = run_report("--out", str(tmp_path / "no" / "such" / "r.html"),
                         suitecrm_url=suitecrm.url, redis_url=None)
    assert nowhere.returncode == 1 and nowhere.stderr.count("\n") == 1
    assert "--out: the folder of" in nowhere.stderr
    suitecrm.pause_listening()
    try:
        down = run_report("--out", str(tmp_path / "r.html"), suitecrm_url=suitecrm.url,
                          redis_url=None)
    finally:
        suitecrm.resume_listening()
    # Before it, the transport logs its retries (INFO); the refusal itself is one line.
    errors = [line for line in down.stderr.splitlines() if line.startswith("Error")]
    assert down.returncode == 1 and len(errors) == 1, down.stderr
    assert errors[0].startswith(f"Error: SuiteCRM at {suitecrm.url}: ")
    assert down.stderr.splitlines()[-1] == errors[0]
    assert not (tmp_path / "r.html").exists()
