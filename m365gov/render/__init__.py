"""Renderers, by format name. Adding a format is adding a module and a line in :data:`RENDERERS`.

Every renderer reads the same results JSON; their stable file names (``Renderer.filename``) are what
``audit -o DIR``, ``report render -o DIR`` and the demo write.
"""

from __future__ import annotations

from collections.abc import Mapping

from m365gov.render.base import Renderer, RenderOptions
from m365gov.render.csv_findings import CsvRenderer
from m365gov.render.html import HtmlRenderer
from m365gov.render.json_results import JsonRenderer
from m365gov.render.junit import JunitRenderer
from m365gov.render.markdown import MarkdownRenderer
from m365gov.render.sarif import SarifRenderer
from m365gov.render.terminal import TerminalRenderer

RENDERERS: Mapping[str, Renderer] = {
    r.name: r
    for r in (
        TerminalRenderer(),
        JsonRenderer(),
        HtmlRenderer(),
        MarkdownRenderer(),
        CsvRenderer(),
        SarifRenderer(),
        JunitRenderer(),
    )
}
REPORT_FORMATS = ("html", "md", "csv", "sarif", "junit", "json")
"""The six file formats the demo writes and a CI job keeps."""

__all__ = ["RENDERERS", "REPORT_FORMATS", "RenderOptions", "Renderer"]
