"""The checklist's output formats and file names: Markdown, HTML and JSON from one document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from m365gov.errors import InputError
from m365gov.jsonio import atomic_write_text, dumps

FORMATS: Final = ("md", "html", "json")
FILES: Final = {"md": "council-checklist.md", "html": "council-checklist.html", "json": "council-checklist.json"}
"""Stable names when several formats go into a directory (the demo writes all three)."""


def parse_formats(text: str) -> list[str]:
    """``md,html`` → ``["md", "html"]``; an unknown or empty list is an :class:`InputError`."""
    wanted = list(dict.fromkeys(f.strip() for f in text.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise InputError(f"unknown format {', '.join(bad) or '(none)'}; choose from {', '.join(FORMATS)}")
    return wanted


def render_checklist(doc: Mapping[str, Any], fmt: str) -> str:
    """One format of the checklist document."""
    if fmt == "json":
        from m365gov.render.text import json_visible

        return json_visible(dumps(dict(doc)))  # bidi and C1 characters from the tenant escaped, values kept
    if fmt == "html":
        from m365gov.checklist.render_html import render_html

        return render_html(doc)
    if fmt == "md":
        from m365gov.checklist.render_md import render_markdown

        return render_markdown(doc)
    raise InputError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def write_checklist(doc: Mapping[str, Any], formats: Sequence[str], output: Path) -> list[Path]:
    """Write one format to a file (``output`` with a suffix), or each format under the directory ``output``.

    Files are written atomically: a ticket never gets half a checklist.
    """
    if len(formats) == 1 and output.suffix and not output.is_dir():
        atomic_write_text(output, render_checklist(doc, formats[0]))
        return [output]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = output / FILES[fmt]
        atomic_write_text(path, render_checklist(doc, fmt))
        written.append(path)
    return written
