"""Writing reports to files: one format to a file, or several into a directory with stable names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from m365gov.errors import InputError
from m365gov.jsonio import atomic_write_text
from m365gov.render import RENDERERS
from m365gov.render.base import RenderOptions


def parse_formats(text: str) -> list[str]:
    """``html,md`` → ``["html", "md"]``; an unknown or empty list is an :class:`InputError`."""
    wanted = list(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in RENDERERS]
    if unknown or not wanted:
        raise InputError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(RENDERERS)}")
    return wanted


def is_single_file(formats: Sequence[str], output: Path) -> bool:
    """Whether ``output`` names one file: one format, and a path with a suffix that is not a directory."""
    return len(formats) == 1 and not output.is_dir() and bool(output.suffix)


def write_reports(
    results: Mapping[str, Any], formats: Sequence[str], output: Path, options: RenderOptions
) -> list[Path]:
    """Render ``formats`` of ``results`` under ``output`` and return the paths written.

    With one format and a file name, that file; otherwise ``output`` is a directory (created) and
    each format goes to its renderer's stable ``filename`` (``report.html``, ``findings.csv``…).
    Files are written atomically, so a CI artifact never holds half a report.
    """
    if is_single_file(formats, output):
        atomic_write_text(output, RENDERERS[formats[0]].render(results, options))
        return [output]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        renderer = RENDERERS[fmt]
        path = output / renderer.filename
        atomic_write_text(path, renderer.render(results, options))
        written.append(path)
    return written
