"""Drift reports (``m365gov/drift@1`` JSON) as terminal text and as Markdown.

Kept in ``render`` because the Markdown and HTML reports show the drift of an ``audit --baseline``
run beside its results, and ``m365gov drift`` prints the same text: one wording everywhere. Like every
renderer, these read JSON and never classify anything themselves.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from m365gov.render.i18n import labels
from m365gov.render.text import md_text, one_line
from m365gov.statuses import FAIL, NOT_EVALUATED, PASS, WAIVED
from m365gov.timeutil import paris, parse_datetime

KINDS = ("new_failure", "new_not_evaluated", "changed", "still_failing", "fixed", "gone")
_MARK = {"new_failure": "✗", "new_not_evaluated": "?", "changed": "≠", "still_failing": "·", "fixed": "✓", "gone": "–"}
QUIET = frozenset({"still_failing"})
"""Kinds listed briefly (collapsed in Markdown): known failures are not news."""


def when(doc: Mapping[str, Any], side: str) -> str:
    dt = parse_datetime((doc.get(side) or {}).get("collectedAt"))
    return paris(dt) if dt else "?"


def side_text(side: Mapping[str, Any] | None, t: Mapping[str, str], limit: int = 160, name: Any = None) -> str:
    """One run's side of an entry: status and observed values (or why it was not evaluated).

    An observed value equal to the resource's ``name`` is left out: the name is already shown.
    """
    if not side:
        return "—"
    if side.get("status") is None and side.get("counts") is not None:
        counts = side["counts"]
        return ", ".join(f"{counts.get(s, 0)} {t[s]}" for s in (PASS, FAIL, WAIVED, NOT_EVALUATED) if counts.get(s))
    status = side.get("status") or "?"
    if status == NOT_EVALUATED:
        extra = " ".join(str(side.get(k)) for k in ("reason", "permission", "detail") if side.get(k))
        return one_line(f"{t[NOT_EVALUATED]}: {extra}", limit)
    items = (side.get("observed") or {}).items()
    observed = ", ".join(f"{k}={one_line(v, 60)}" for k, v in items if not (name and v == name))
    waiver = f" [{side['waiver']}]" if side.get("waiver") else ""
    return one_line(f"{t.get(status, status)}{waiver}: {observed}" if observed else t.get(status, status), limit)


def resource_text(entry: Mapping[str, Any], t: Mapping[str, str]) -> str:
    res = entry.get("resource") or {}
    if res.get("id") == "*" and not res.get("name"):
        return t["population"]
    return str(res.get("name") or res.get("id") or "?")


def drift_terminal(doc: Mapping[str, Any], lang: str = "en", max_items: int = 20) -> str:
    """Plain text for a terminal or a CI log: counts, then each change with before, now and expected."""
    t = labels(lang)
    counts = doc.get("counts") or {}
    lines = [
        f"{t['drift']}: {t['drift_baseline'].format(old=when(doc, 'old'), new=when(doc, 'new'))}",
        "  " + " · ".join(f"{t[k]}: {counts.get(k, 0)}" for k in KINDS),
    ]
    regressions = int(doc.get("regressions", 0))
    lines.append("  " + (t["regressions"].format(n=regressions) if regressions else t["no_regression"]))
    entries = doc.get("entries") or []
    for kind in KINDS:
        group = [e for e in entries if e.get("change") == kind]
        if not group:
            continue
        lines.append(f"{t[kind].upper()} ({len(group)})")
        shown = group[: (5 if kind in QUIET else max_items)]
        for e in shown:
            sev = str(e.get("severity", "")).upper()
            lines.append(f"  {_MARK[kind]} {sev:<8} {e.get('policy')} {one_line(resource_text(e, t), 80)}")
            if kind in QUIET:
                continue
            name = (e.get("resource") or {}).get("name")
            lines.append(f"      {t['before']:<8} {side_text(e.get('old'), t, name=name)}")
            lines.append(f"      {t['now']:<8} {side_text(e.get('new'), t, name=name)}")
            if e.get("expected"):
                lines.append(f"      {t['expected']:<8} {one_line(e['expected'], 160)}")
        if len(group) > len(shown):
            lines.append("      " + t["and_more"].format(n=len(group) - len(shown)))
    if not entries:
        lines.append("  " + t["no_drift"])
    return "\n".join(lines) + "\n"


def drift_markdown(doc: Mapping[str, Any], lang: str = "en", max_rows: int = 200, heading: str = "##") -> str:
    """Markdown section: counts, then a before/now/expected table per change (known ones collapsed)."""
    t = labels(lang)
    counts = doc.get("counts") or {}
    regressions = int(doc.get("regressions", 0))
    out = [
        f"{heading} {t['drift']}",
        "",
        md_text(t["drift_baseline"].format(old=when(doc, "old"), new=when(doc, "new"))),
        "",
        "**" + md_text(t["regressions"].format(n=regressions) if regressions else t["no_regression"]) + "**",
        "",
        "| " + " | ".join(md_text(t[k]) for k in KINDS) + " |",
        "|" + "---:|" * len(KINDS),
        "| " + " | ".join(str(counts.get(k, 0)) for k in KINDS) + " |",
        "",
    ]
    entries = doc.get("entries") or []
    for kind in KINDS:
        group = [e for e in entries if e.get("change") == kind]
        if not group:
            continue
        table = [
            f"| {md_text(t['policy'])} | {md_text(t['resource'])} | {md_text(t['before'])} | "
            f"{md_text(t['now'])} | {md_text(t['expected'])} |",
            "|---|---|---|---|---|",
        ]
        for e in group[:max_rows]:
            name = (e.get("resource") or {}).get("name")
            before, now = side_text(e.get("old"), t, name=name), side_text(e.get("new"), t, name=name)
            table.append(
                f"| {md_text(e.get('policy'))} ({md_text(e.get('severity'))}) | {md_text(resource_text(e, t), 100)} | "
                f"{md_text(before)} | {md_text(now)} | "
                f"{md_text(e.get('expected') or '', 160)} |"
            )
        if len(group) > max_rows:
            table.append(f"| {md_text(t['and_more'].format(n=len(group) - max_rows))} | | | | |")
        if kind in QUIET or len(group) > 10:
            summary = f"{_MARK[kind]} {html.escape(t[kind])} ({len(group)})"
            out += ["<details>", f"<summary>{summary}</summary>", "", *table, "", "</details>", ""]
        else:
            out += [f"**{_MARK[kind]} {md_text(t[kind])} ({len(group)})**", "", *table, ""]
    if not entries:
        out += [md_text(t["no_drift"]), ""]
    return "\n".join(out) + "\n"
