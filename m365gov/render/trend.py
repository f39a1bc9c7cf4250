"""``m365gov trend`` for people: one row per run, each value with its change since the previous run.

Renders the JSON form of :func:`m365gov.trend.trend`; computes nothing but formatting.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from m365gov.timeutil import paris, parse_datetime


def render_trend(doc: Mapping[str, Any], *, color: bool = False, width: int = 132) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False, emoji=False)
    runs = doc.get("runs") or []
    if not runs:
        console.print("No trend point yet: run `m365gov audit` with a [history] folder configured, or "
                      "`m365gov demo --history DIR`, at least once.")
        return buf.getvalue()
    series = doc.get("series") or []
    table = Table(title="Teams adoption and readiness over runs (change since the previous run)",
                  title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("Period end", no_wrap=True)
    for s in series:
        table.add_column(s["label"], justify="right")
    for run in runs:
        when = parse_datetime(run.get("asOf"))
        cells = [Text(paris(when)[:10] if when else str(run.get("asOf")))]
        for s in series:
            cells.append(_cell(run["values"].get(s["key"]), run["changes"].get(s["key"]), s.get("ratio", False)))
        table.add_row(*cells)
    console.print(table)
    last = runs[-1]
    if last.get("clients"):
        changes = last.get("clientChanges") or {}
        parts = []
        for client, n in last["clients"].items():
            delta = changes.get(client)
            parts.append(f"{client} {n}" + (f" ({delta:+d})" if delta else ""))
        console.print(Text(f"Clients used in the last run ({last.get('period') or '?'}): " + " · ".join(parts)))
    console.print(Text(f"{len(runs)} run(s). Unknown values (—) come from sources unavailable in that run.",
                       style="dim"))
    return buf.getvalue()


def _cell(value: Any, change: Any, ratio: bool) -> Any:
    """The value, and under it its change since the previous run (kept narrow: one column a number)."""
    from rich.text import Text

    if value is None:
        return Text("—", style="dim")
    text = Text(f"{value * 100:.1f} %" if ratio else str(value))
    if change:
        text.append(f"\n{change * 100:+.1f} pt" if ratio else f"\n{change:+d}", style="cyan")
    return text
