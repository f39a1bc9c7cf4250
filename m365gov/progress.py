"""A progress display for collection, on stderr and only when a person is watching.

Scheduled jobs (no terminal) get nothing, so CI logs stay clean; ``-v`` logs one line per source.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from m365gov.collect.base import ProgressHook

log = logging.getLogger("m365gov.collect")


@contextmanager
def collection_progress(enabled: bool | None = None) -> Iterator[ProgressHook]:
    """Yield a progress hook; a rich live display when stderr is a terminal (or ``enabled``)."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield _log_hook
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:>8,.0f} items", style="dim"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def hook(source: str, event: str, items: int) -> None:
        _log_hook(source, event, items)
        if source not in tasks:
            tasks[source] = progress.add_task(source, total=None, status="")
        task = tasks[source]
        if event == "items":
            progress.advance(task, items)
        elif event != "start":
            progress.update(task, status=event, completed=items or progress.tasks[task].completed, total=1)

    with progress:
        yield hook


def _log_hook(source: str, event: str, items: int) -> None:
    if event == "items":
        return
    log.info("source %s: %s%s", source, event, f" ({items} items)" if items else "")
