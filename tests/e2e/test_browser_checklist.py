"""The demo's council checklist page in headless Chromium: its items and members shown, no network.

Uses the detector of ``test_browser.py`` (a canary page there proves it sees page requests).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_browser import ARTIFACTS, browse, chromium, dom, page_requests

__all__ = ["chromium"]  # the fixture, shared with test_browser.py


def test_the_demo_checklist_page_renders_without_network(chromium: str, demo_dir: Path, tmp_path: Path) -> None:
    page = demo_dir / "reports" / "council-checklist.html"
    doc = json.loads((demo_dir / "reports" / "council-checklist.json").read_text(encoding="utf-8"))
    html, urls = page_requests(chromium, page, tmp_path)
    assert urls == []
    parsed = dom(html)
    assert parsed.loads == [] and all(link.startswith("https://www.legifrance.gouv.fr/") for link in parsed.links)
    text = " ".join(parsed.text)
    assert all(i["title"] in text for i in doc["items"])
    assert all(m["displayName"] in text for m in doc["members"])
    assert html.count('class="item st-blocking"') == 2 * doc["summary"]["blocking"]  # the summary and the list
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "demo-council-checklist.png"
    proc = browse(chromium, page, tmp_path, "--window-size=1280,2400", f"--screenshot={shot}")
    assert proc.returncode == 0 and shot.stat().st_size > 10_000
