"""The HTML report: self-contained, escaped, bilingual, with waivers, drift and the trend chart."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from m365gov.render import RENDERERS, RenderOptions
from tests.support.results import FORMULA, SCRIPT, sample_doc


def render(lang: str = "en", **kw: object) -> str:
    return RENDERERS["html"].render(sample_doc(**kw), RenderOptions(lang=lang))  # type: ignore[arg-type]


class _Resources(HTMLParser):
    """Every URL the page could load by itself (not links a reader clicks)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str, str]] = []
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if tag == "a" and name == "href":
                self.links.append(value or "")
            elif name in ("src", "href", "srcset", "poster", "data", "action", "xlink:href"):
                self.loads.append((tag, name, value or ""))
        if tag == "script":
            self.scripts += 1


def test_the_report_is_one_file_that_loads_nothing() -> None:
    page = render()
    parser = _Resources()
    parser.feed(page)
    assert parser.loads == [] and parser.scripts == 0
    assert all(link.startswith(("#", "https://learn.microsoft.com/")) for link in parser.links)
    assert "default-src 'none'" in page  # the browser itself refuses any fetch
    assert "@import" not in page and "url(" not in page


def test_a_hostile_display_name_is_escaped_and_stripped() -> None:
    page = render()
    assert SCRIPT not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "\x1b" not in page and "[31mrouge" in page
    assert FORMULA.replace("'", "&#39;") in page  # harmless in HTML: shown as text


def test_summary_counts_by_area_and_status_are_shown() -> None:
    page = render()
    residency = re.search(r'<tr data-area="residency">(.*?)</tr>', page, re.S)
    assert residency is not None
    cells = dict(re.findall(r'<td class="num" data-status="(\w+)">(\d+)</td>', residency.group(1)))
    assert cells == {"fail": "4", "waived": "1", "not_evaluated": "1", "pass": "1"}
    assert '<svg class="bar"' in page and 'class="seg-fail"' in page


def test_each_failing_finding_shows_observed_and_expected_and_the_remediation() -> None:
    page = render()
    assert "usageLocation = BE" in page
    assert "usageLocation in [&#34;FR&#34;]" in page
    assert "Fix RES-003: Update-MgUser -UsageLocation FR" in page


def test_waived_findings_show_reason_approver_and_expiry() -> None:
    page = render()
    assert "W-001" in page and "DGS" in page and "2027-03-31" in page and "mission à Bruxelles" in page


def test_expired_stale_and_unused_waivers_are_listed() -> None:
    page = render()
    for kind, wid in (("expired", "W-000"), ("stale", "W-002"), ("unused", "W-003")):
        row = re.search(rf'<tr data-kind="{kind}"><td>{wid}</td>', page)
        assert row is not None, kind


def test_not_evaluated_findings_give_the_reason_and_permission() -> None:
    page = render()
    assert "missing_permission (Sites.Read.All) HTTP 403 on /sites" in page


def test_the_trend_chart_is_drawn_when_history_exists() -> None:
    page = render()
    assert page.count('<svg class="trend"') == 2  # ratios (%) and counts
    assert 'data-series="adoption.activeRatio"' in page and 'data-series="readiness.cameraReady"' in page
    assert page.count("<polyline") == 2


def test_no_history_means_no_chart_and_no_empty_section() -> None:
    page = render(history=False)
    assert '<svg class="trend"' not in page and 'id="trend"' not in page


def test_french_and_english_labels() -> None:
    fr, en = render("fr"), render("en")
    assert '<html lang="fr">' in fr and "Synthèse" in fr and "non conforme" in fr and "Dérogations" in fr
    assert '<html lang="en">' in en and "Summary" in en and "not evaluated" in en


def test_print_stylesheet_expands_collapsed_lists() -> None:
    page = render()
    printing = page[page.index("@media print") :]
    assert "details::details-content" in printing and "thead { display: table-header-group; }" in printing


def test_drift_is_shown_when_given() -> None:
    drift = {
        "schema": "m365gov/drift@1",
        "old": {"collectedAt": "2026-11-27T07:00:00Z"},
        "new": {"collectedAt": "2026-11-28T07:00:00Z"},
        "counts": {"new_failure": 1},
        "regressions": 1,
        "entries": [
            {
                "change": "new_failure",
                "regression": True,
                "policy": "RES-003",
                "severity": "high",
                "resource": {"id": "u2", "name": SCRIPT, "view": "users"},
                "old": {"status": "pass", "observed": {"usageLocation": "FR"}},
                "new": {"status": "fail", "observed": {"usageLocation": "BE"}},
                "expected": 'usageLocation in ["FR"]',
            }
        ],
    }
    page = RENDERERS["html"].render(sample_doc(), RenderOptions(drift=drift))
    section = page[page.index('<section id="drift">') :]
    assert "new failures (1)" in section and "pass: usageLocation=FR" in section and "fail: usageLocation=BE" in section
    assert SCRIPT not in page
