"""Where a command's reports go: stdout for one format, files under ``-o`` otherwise (shared by
``audit`` and ``report render``)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from m365gov.errors import InputError


def formats_option(text: str) -> list[str]:
    """Parse ``--format`` as a usage error (exit 2, with the option named) when it is wrong."""
    from m365gov.render.write import parse_formats

    try:
        return parse_formats(text)
    except InputError as exc:
        raise click.BadParameter(exc.message, param_hint="--format") from None


def emit(
    results: Mapping[str, Any],
    formats: list[str],
    output: Path | None,
    lang: str,
    drift: Mapping[str, Any] | None = None,
) -> None:
    """Print one format to stdout, or write the formats under ``output`` and say where on stderr."""
    from m365gov.render import RENDERERS, RenderOptions
    from m365gov.render.write import write_reports

    if output is None:
        if len(formats) > 1:
            raise click.UsageError("several formats need -o DIR (one file each, with stable names)")
        fmt = formats[0]
        color = fmt == "terminal" and sys.stdout.isatty()
        click.echo(RENDERERS[fmt].render(results, RenderOptions(lang=lang, color=color, drift=drift)), nl=False)
        return
    for path in write_reports(results, formats, output, RenderOptions(lang=lang, drift=drift)):
        click.echo(f"written: {path}", err=True)
