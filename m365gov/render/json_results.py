"""The results JSON itself, as the machine-readable report."""

from __future__ import annotations

from m365gov.jsonio import dumps
from m365gov.render.base import Renderer, RenderOptions, Results
from m365gov.render.text import json_visible


class JsonRenderer(Renderer):
    name = "json"
    extension = "json"
    filename = "results.json"
    description = "results JSON (m365gov/results@1): every finding with observed and expected values"

    def render(self, results: Results, options: RenderOptions) -> str:
        return json_visible(dumps(dict(results)))
