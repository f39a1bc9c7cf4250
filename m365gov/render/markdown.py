"""The Markdown report, shaped for a GitHub job summary (``$GITHUB_STEP_SUMMARY``) or a merge request.

GitHub refuses a step summary over 1 MiB, so the report is assembled from self-contained blocks
(a heading, a table, a ``<details>`` element) in order of importance and stops adding blocks before
the cap, with a note saying where the rest is: a cut never leaves a table or a tag open. Long lists
are collapsed in ``<details>``. Every value from the tenant goes through :func:`md_text`, so a display
name cannot end a table cell (``|``), open code (backticks), inject HTML or mention a user.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from m365gov.render.base import Renderer, RenderOptions, Results
from m365gov.render.chart import history_series
from m365gov.render.common import (
    PolicyBlock,
    area_counts,
    collected_at,
    flat_metrics,
    format_number,
    generator_text,
    label_of,
    not_evaluated_text,
    observed_text,
    policy_blocks,
    status_totals,
    waiver_notes,
)
from m365gov.render.drift_text import drift_markdown
from m365gov.render.i18n import labels
from m365gov.render.text import md_text
from m365gov.statuses import FAIL, NOT_EVALUATED, PASS, WAIVED
from m365gov.timeutil import PARIS

MAX_BYTES = 1024 * 1024
"""GitHub's limit for one step summary."""
MAX_ROWS = 500
"""Rows of one policy's table; the rest is counted, and is in the CSV and HTML reports."""
OPEN_ROWS = 10
TREND_ROWS, TREND_SERIES = 12, 8
"""Tables longer than this are collapsed in ``<details>``."""
_MARK = {FAIL: "✗", NOT_EVALUATED: "?", WAIVED: "≈", PASS: "✓"}
_STATUSES = (PASS, FAIL, WAIVED, NOT_EVALUATED)


class MarkdownRenderer(Renderer):
    name = "md"
    extension = "md"
    filename = "report.md"
    description = "Markdown summary for a CI job summary or a merge request (kept under 1 MiB)"

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def render(self, results: Results, options: RenderOptions) -> str:
        t = labels(options.lang)
        blocks = [_header(results, t), _summary(results, t)]
        if options.drift is not None:
            blocks.append(drift_markdown(options.drift, options.lang))
        policies = policy_blocks(results)
        problems = [b for b in policies if b.headline != PASS]
        blocks.append(f"## {md_text(t['to_act_on'])}\n\n" + ("" if problems else md_text(t["all_pass"]) + "\n"))
        blocks += [_policy(b, t) for b in problems]
        blocks.append(_waivers(results, t))
        metrics = flat_metrics(results.get("metrics") or {})
        if metrics:
            blocks.append(_metrics(metrics, t))
        trend = history_series(results.get("metrics") or {})
        if trend:
            blocks.append(_trend(trend, t))
        passing = [b for b in policies if b.headline == PASS]
        if passing:
            blocks.append(_passing(passing, t))
        footer = "---\n\n" + md_text(
            t["generated"].format(generator=generator_text(results), collected=collected_at(results)), 2000
        ) + "\n"
        return _fit(blocks, footer, t["truncated"].format(size=_size(self.max_bytes)), self.max_bytes)


def _fit(blocks: list[str], footer: str, note: str, max_bytes: int) -> str:
    """Join whole blocks while they fit, keeping room for the footer and the truncation note."""
    note_block = f"> **{md_text(note, 1000)}**\n"
    reserve = len(footer.encode()) + len(note_block.encode()) + 8
    out: list[str] = []
    used = 0
    for block in blocks:
        size = len(block.encode()) + 1
        if used + size + reserve > max_bytes:
            out.append(note_block)
            break
        out.append(block)
        used += size
    out.append(footer)
    return "\n".join(out)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n // 1024} KiB"


def _header(results: Results, t: Mapping[str, str]) -> str:
    snap = results.get("snapshot") or {}
    totals = status_totals(results)
    counts = " · ".join(f"{_MARK[s]} {totals[s]} {md_text(t[s])}" for s in (FAIL, WAIVED, NOT_EVALUATED, PASS))
    return (
        f"# {md_text(t['title'])} — {md_text(snap.get('tenantId', '?'), 80)}\n\n"
        f"{md_text(t['collected'])} {md_text(collected_at(results))} (Europe/Paris) · "
        f"{len(results.get('policies') or [])} {md_text(t['policies'])} · "
        f"{sum(totals.values())} {md_text(t['findings'])}\n\n**{counts}**\n"
    )


def _summary(results: Results, t: Mapping[str, str]) -> str:
    rows = [
        f"## {md_text(t['summary'])}",
        "",
        f"| {md_text(t['area'])} | " + " | ".join(md_text(t[s]) for s in _STATUSES) + " |",
        "|---|" + "---:|" * len(_STATUSES),
    ]
    for area, counts in area_counts(results).items():
        rows.append(f"| {md_text(t.get(area, area))} | " + " | ".join(str(counts[s]) for s in _STATUSES) + " |")
    return "\n".join(rows) + "\n"


def _policy(b: PolicyBlock, t: Mapping[str, str]) -> str:
    p = b.policy
    counts = " · ".join(f"{b.counts[s]} {md_text(t[s])}" for s in (FAIL, WAIVED, NOT_EVALUATED, PASS) if b.counts[s])
    severity = t.get(f"sev_{p.get('severity')}", str(p.get("severity")))
    out = [
        f"### {_MARK[b.headline]} {md_text(b.id)} · {md_text(severity)} · {md_text(p.get('title', ''))}",
        "",
        counts,
        "",
    ]
    if b.expected_text:
        out += [f"**{md_text(t['expected'])}:** {md_text(b.expected_text, 400)}", ""]
    rows = b.with_status(FAIL, NOT_EVALUATED, WAIVED)
    table = [
        f"| {md_text(t['resource'])} | {md_text(t['status'])} | {md_text(t['observed'])} / {md_text(t['reason'])} |",
        "|---|---|---|",
    ]
    for f in rows[:MAX_ROWS]:
        table.append(f"| {md_text(label_of(f, t['population']), 100)} | {md_text(t[f['status']])} | {_cell(f, t)} |")
    if len(rows) > MAX_ROWS:
        table.append(f"| {md_text(t['and_more'].format(n=len(rows) - MAX_ROWS))} | | |")
    if len(rows) > OPEN_ROWS:
        summary = f"{len(rows)} {html.escape(t['resources'])}"
        out += ["<details>", f"<summary>{summary}</summary>", "", *table, "", "</details>", ""]
    else:
        out += [*table, ""]
    if p.get("remediation") and b.counts[FAIL]:
        out += [f"**{md_text(t['remediation'])}:** {md_text(p['remediation'], 1500)}", ""]
    return "\n".join(out)


def _cell(f: Mapping[str, Any], t: Mapping[str, str]) -> str:
    if f["status"] == NOT_EVALUATED:
        return md_text(not_evaluated_text(f), 300)
    text = md_text(observed_text(f), 300)
    w = f.get("waiver")
    if w:
        note = t["waiver_by"].format(who=w.get("approvedBy"), until=w.get("expiresOn"), reason=w.get("reason"))
        text += f" — {md_text(w.get('id'), 40)}: {md_text(note, 300)}"
    return text


def _waivers(results: Results, t: Mapping[str, str]) -> str:
    notes = waiver_notes(results)
    out = [f"## {md_text(t['waivers_attention'])}", ""]
    if not notes:
        return "\n".join([*out, md_text(t["no_waiver_issue"]), ""])
    out += [
        f"| {md_text(t['waiver'])} | {md_text(t['status'])} | {md_text(t['policy'])} | {md_text(t['resources'])} | "
        f"{md_text(t['approved_by'])} | {md_text(t['expires'])} | {md_text(t['reason'])} |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, n in notes:
        resources = ", ".join(n["resources"]) if n.get("resources") is not None else "*"
        out.append(
            f"| {md_text(n.get('id'), 40)} | {md_text(t[kind])} | {md_text(n.get('policy'), 40)} | "
            f"{md_text(resources, 200)} | {md_text(n.get('approvedBy'), 80)} | {md_text(n.get('expiresOn'), 20)} | "
            f"{md_text(n.get('reason'), 200)} |"
        )
    return "\n".join(out) + "\n"


def _metrics(metrics: list[tuple[str, Any]], t: Mapping[str, str]) -> str:
    out = [f"## {md_text(t['metrics'])}", "", "| | |", "|---|---:|"]
    out += [f"| {md_text(k, 120)} | {md_text(format_number(v), 60)} |" for k, v in metrics[:MAX_ROWS]]
    return "\n".join(out) + "\n"


def _trend(series: Mapping[str, list[tuple[datetime, float]]], t: Mapping[str, str]) -> str:
    """The history as a table (dates down, series across): Markdown has no charts."""
    names = sorted(series)[:TREND_SERIES]
    days = sorted({when for name in names for when, _ in series[name]})[-TREND_ROWS:]
    values = {name: dict(series[name]) for name in names}
    out = [f"## {md_text(t['trend'])}", "", "| | " + " | ".join(md_text(n, 60) for n in names) + " |"]
    out.append("|---|" + "---:|" * len(names))
    for day in days:
        cells = [md_text(format_number(values[n][day]), 30) if day in values[n] else "" for n in names]
        out.append(f"| {day.astimezone(PARIS):%d/%m/%Y} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def _passing(passing: list[PolicyBlock], t: Mapping[str, str]) -> str:
    lines = [
        f"- ✓ {md_text(b.id)} · {md_text(b.policy.get('title', ''))} — "
        f"{md_text(t['passing_resources'].format(n=b.counts[PASS]))}"
        for b in passing
    ]
    summary = f"{html.escape(t['passing_policies'])} ({len(passing)})"
    return "\n".join(["<details>", f"<summary>{summary}</summary>", "", *lines, "", "</details>", ""])
