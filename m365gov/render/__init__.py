"""Renderers, by format name. Adding a format is adding a module and a line in :data:`RENDERERS`."""

from __future__ import annotations

from collections.abc import Mapping

from m365gov.render.base import Renderer, RenderOptions
from m365gov.render.json_results import JsonRenderer
from m365gov.render.terminal import TerminalRenderer

RENDERERS: Mapping[str, Renderer] = {r.name: r for r in (TerminalRenderer(), JsonRenderer())}

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]
