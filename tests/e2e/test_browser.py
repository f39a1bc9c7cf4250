"""The demo's HTML report in a real browser (headless Chromium): content present, no network.

How "no network" is proven: Chromium runs with every host name mapped to nowhere and writes a
NetLog; every URL request the *page* starts carries the page's origin as initiator (``null`` for a
file:// page), while Chromium's own background requests (updates, accounts) carry ``not an origin``.
A canary page that does reference a remote image and stylesheet is run the same way first, to show
that the detector sees page requests; then the report must show none. The screenshot is kept under
``test-artifacts/``.

Chromium comes from Debian (``apt-get install chromium``; ``.ci/run`` installs it). Without it the
test is skipped on a developer's machine, and fails in CI or with ``M365GOV_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import run_cli

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


@pytest.fixture(scope="module")
def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI") or os.environ.get("M365GOV_REQUIRE_BROWSER"):
        pytest.fail("chromium is required here (CI or M365GOV_REQUIRE_BROWSER) but is not installed")
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")


def browse(chromium: str, page: Path, work: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    profile = work / f"profile-{len(list(work.glob('profile-*')))}"
    return subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *mode, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )


def page_requests(chromium: str, page: Path, work: Path) -> tuple[str, list[str]]:
    """The page's DOM after loading, and the URLs of the network requests the page itself started."""
    netlog = work / f"{page.stem}.netlog.json"
    proc = browse(chromium, page, work, f"--log-net-log={netlog}", "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start_job and "url" in e.get("params", {}) and e["params"].get("initiator") != "not an origin"
    ]
    return proc.stdout, urls


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if tag == "a" and name == "href":
                self.links.append(value or "")
            elif name in ("src", "href", "srcset", "data", "poster", "action"):
                self.loads.append(value or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def dom(html: str) -> _Dom:
    parser = _Dom()
    parser.feed(html)
    return parser


def test_the_detector_sees_a_page_that_does_fetch(chromium: str, tmp_path: Path) -> None:
    canary = tmp_path / "canary.html"
    canary.write_text(
        '<!DOCTYPE html><p>canary</p><img src="http://canary.invalid/x.png">'
        '<link rel="stylesheet" href="https://cdn.invalid/x.css">',
        encoding="utf-8",
    )
    _, urls = page_requests(chromium, canary, tmp_path)
    assert "http://canary.invalid/x.png" in urls and "https://cdn.invalid/x.css" in urls


def test_the_demo_report_renders_its_findings_counts_and_chart_without_network(
    chromium: str, demo_dir: Path, tmp_path: Path
) -> None:
    report = demo_dir / "reports" / "report.html"
    results: dict[str, Any] = json.loads((demo_dir / "reports" / "results.json").read_text(encoding="utf-8"))
    html, urls = page_requests(chromium, report, tmp_path)
    assert urls == []
    parsed = dom(html)
    references = {ref for p in results["policies"] for ref in p.get("references", [])}
    # Nothing is loaded; the only links are in-page anchors and the policies' documentation references.
    assert parsed.loads == [] and all(link.startswith("#") or link in references for link in parsed.links)
    text = " ".join(parsed.text)
    for f in results["findings"]:
        if f["status"] == "fail":
            assert f["resource"]["name"] in text, f["resource"]
    totals = dict(re.findall(r'data-status="(\w+)"><span class="n">(\d+)</span>', html))
    assert {k: int(v) for k, v in totals.items()} == results["summary"]["byStatus"]
    assert html.count('<svg class="bar"') == len(results["summary"]["byArea"]) and 'class="seg-fail"' in html
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "demo-report.png"
    proc = browse(chromium, report, tmp_path, "--window-size=1280,2400", f"--screenshot={shot}")
    assert proc.returncode == 0 and shot.stat().st_size > 10_000


def test_the_trend_chart_renders_from_history(chromium: str, demo_dir: Path, tmp_path: Path) -> None:
    results = json.loads((demo_dir / "reports" / "results.json").read_text(encoding="utf-8"))
    results["metrics"]["history"] = [
        {"collectedAt": f"2026-11-{d:02}T08:00:00Z", "adoption": {"activeRatio": 0.5 + d / 100}}
        for d in (7, 14, 21, 28)
    ]
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    proc = run_cli("report", "render", tmp_path / "results.json", "--format", "html", "-o", tmp_path / "trend.html")
    assert proc.returncode == 0, proc.stderr
    html, urls = page_requests(chromium, tmp_path / "trend.html", tmp_path)
    assert urls == []
    assert '<svg class="trend"' in html and html.count("<circle") == 4 and "adoption.activeRatio: 78 %" in html
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "trend.png"
    browse(chromium, tmp_path / "trend.html", tmp_path, "--window-size=1280,1200", f"--screenshot={shot}")
