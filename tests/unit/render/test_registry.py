"""The renderer family: one registry, stable file names, any area and any metrics, no verdicts."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from m365gov.render import RENDERERS, REPORT_FORMATS, RenderOptions
from tests.support.results import finding, policy, sample


def test_every_format_has_a_stable_file_name() -> None:
    names = {name: r.filename for name, r in RENDERERS.items()}
    assert names == {
        "terminal": "report.txt",
        "json": "results.json",
        "html": "report.html",
        "md": "report.md",
        "csv": "findings.csv",
        "sarif": "results.sarif",
        "junit": "junit.xml",
    }
    assert set(REPORT_FORMATS) == set(RENDERERS) - {"terminal"}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_a_new_area_and_free_form_metrics_render_everywhere(fmt: str) -> None:
    base = sample()
    results = dataclasses.replace(
        base,
        policies=(*base.policies, policy("NEW-001", area="newarea", severity="critical")),
        findings=(*base.findings, finding("NEW-001", "k1", "fail", area="newarea", severity="critical")),
        metrics={**base.metrics, "keys": {"count": 4, "regions": ["France Central", "France South"]}, "flag": True},
    )
    for lang in ("en", "fr"):
        out = RENDERERS[fmt].render(results.to_json(), RenderOptions(lang=lang))
        assert "NEW-001" in out


def test_rendering_imports_no_evaluator_collector_emulator_nor_jinja_until_html() -> None:
    code = (
        "import sys, m365gov.render, m365gov.render.write, m365gov.drift\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('m365gov.policy', 'm365gov.collect',"
        " 'm365gov.emulator', 'msgraph', 'jinja2')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
