"""The Markdown report: job-summary shaped, escaped, capped at 1 MiB without breaking structure."""

from __future__ import annotations

import re

from m365gov.render import RENDERERS, RenderOptions
from m365gov.render.markdown import MAX_BYTES, MarkdownRenderer
from m365gov.results import Results
from tests.support.results import finding, policy, sample, sample_doc


def render(lang: str = "en") -> str:
    return RENDERERS["md"].render(sample_doc(), RenderOptions(lang=lang))


def _rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("| ")]


def test_structure_header_summary_findings_waivers() -> None:
    md = render()
    assert md.startswith("# m365gov audit")
    assert "## Summary" in md and "## Findings to act on" in md and "## Waivers needing attention" in md
    assert "| Residency | 1 | 4 | 1 | 1 |" in md and "| Teams rollout | 1 | 1 | 0 | 0 |" in md


def test_table_cells_escape_pipes_backticks_links_and_markup() -> None:
    md = render()
    row = next(line for line in _rows(md) if "pipe" in line)
    assert row.count("|") - row.count("\\|") == 4  # three cells: the name's pipe is escaped
    assert "\\`backticks\\`" in row and "\\*\\*bold\\*\\*" in row and "\\[link\\]" in row and "https\\://" in row
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\x1b" not in md


def test_a_formula_name_is_plain_text_in_markdown() -> None:
    assert "=cmd\\|' /C calc'!A0" in render()


def test_waived_rows_carry_the_waiver_and_notes_are_listed() -> None:
    md = render()
    assert "W-001" in md and "DGS" in md and "2027-03-31" in md
    for wid in ("W-000", "W-002", "W-003"):
        assert f"| {wid} |" in md


def test_the_history_is_a_trend_table() -> None:
    md = render()
    section = md[md.index("## Trend") :]
    assert "| | adoption.activeRatio | readiness.cameraReady |" in section
    assert "| 28/11/2026 | 0.6 | 160 |" in section


def test_french_labels() -> None:
    md = render("fr")
    assert "## Synthèse" in md and "## Constats à traiter" in md and "non conforme" in md


def test_long_lists_are_collapsed_in_details() -> None:
    findings = tuple(finding("RES-003", f"u{i:03}", "fail") for i in range(30))
    doc = Results(sample().snapshot, {}, (policy("RES-003"),), findings).to_json()
    md = RENDERERS["md"].render(doc, RenderOptions())
    assert "<details>\n<summary>30 resources</summary>\n\n|" in md


def test_the_report_stays_under_one_mebibyte_with_a_note() -> None:
    long = "x" * 180
    policies = tuple(policy(f"P-{i:03}") for i in range(60))
    findings = tuple(
        finding(p.id, f"u{j:03}", "fail", f"{long}{j}@ville.fr", observed={"usageLocation": long})
        for p in policies
        for j in range(120)
    )
    doc = Results(sample().snapshot, {}, policies, findings).to_json()
    md = MarkdownRenderer().render(doc, RenderOptions())
    assert len(md.encode()) <= MAX_BYTES
    assert "cut to stay under 1 MiB" in md
    assert md.count("<details>") == md.count("</details>")  # no block cut in half
    assert re.search(r"^---$", md, re.M)  # the footer is still there


def test_a_smaller_cap_is_honoured() -> None:
    md = MarkdownRenderer(max_bytes=2048).render(sample_doc(), RenderOptions())
    assert len(md.encode()) <= 2048 and "cut to stay under 2 KiB" in md
