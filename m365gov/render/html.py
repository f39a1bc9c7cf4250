"""The HTML report: one self-contained file, readable on screen and on paper.

Self-contained means no network at all: CSS inline, charts as inline SVG drawn by the template, no
script, no web font, no image, and a Content-Security-Policy (``default-src 'none'``) that forbids the
browser to fetch anything even if a value slipped through. The only URLs are the policies'
documentation links (``<a href>``, fetched only if a reader clicks). jinja2 (imported here only, so
that ``m365gov --help`` does not pay for it) escapes every value (autoescape on).

Printing loses nothing: collapsed lists are expanded by the print stylesheet, sections avoid
breaking inside headers and table rows, and table headers repeat on each page.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from m365gov.render.base import Renderer, RenderOptions, Results
from m365gov.render.chart import trend_charts
from m365gov.render.common import (
    PolicyBlock,
    area_counts,
    collected_at,
    flat_metrics,
    format_number,
    generator_text,
    label_of,
    not_evaluated_text,
    observed_items,
    policy_blocks,
    status_totals,
    waiver_notes,
)
from m365gov.render.drift_text import KINDS as DRIFT_KINDS
from m365gov.render.drift_text import resource_text, side_text
from m365gov.render.i18n import labels
from m365gov.render.text import strip_controls
from m365gov.statuses import FAIL, NOT_EVALUATED, PASS, WAIVED

TEMPLATE = "report.html.j2"
MAX_PROBLEM_ROWS = 2000
"""Failing, waived and not-evaluated resources listed per policy (the rest counted; all are in the CSV)."""
MAX_PASS_ROWS = 1000
"""Passing resources listed per policy, collapsed on screen."""
BAR_WIDTH = 320
STATUSES = (FAIL, WAIVED, NOT_EVALUATED, PASS)


class HtmlRenderer(Renderer):
    name = "html"
    extension = "html"
    filename = "report.html"
    description = "self-contained HTML report (inline CSS and SVG charts, no network), printable"

    def render(self, results: Results, options: RenderOptions) -> str:
        return str(_template().render(**context(results, options)))


@cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clean"] = lambda v: strip_controls("" if v is None else str(v))
    source = resources.files("m365gov").joinpath("templates", TEMPLATE).read_text(encoding="utf-8")
    return env.from_string(source)


def context(results: Results, options: RenderOptions) -> dict[str, Any]:
    """Everything the template shows, already grouped, counted and sorted (the template only lays out)."""
    t = labels(options.lang)
    snap = results.get("snapshot") or {}
    blocks = policy_blocks(results)
    areas = area_counts(results)
    totals = status_totals(results)
    return {
        "t": t,
        "lang": options.lang if options.lang in ("fr", "en") else "en",
        "tenant": snap.get("tenantId", "?"),
        "collected": collected_at(results),
        "generator": generator_text(results),
        "totals": totals,
        "total": sum(totals.values()),
        "policy_count": len(blocks),
        "statuses": STATUSES,
        "overall_bar": _bar(totals),
        "areas": [
            {"name": a, "label": t.get(a, a), "counts": c, "bar": _bar(c), "policies": _area_policies(a, blocks, t)}
            for a, c in areas.items()
        ],
        "sources": _sources(results),
        "waivers_in_use": _waivers_in_use(results),
        "waiver_notes": [{"kind": k, "label": t[k], **_note(n)} for k, n in waiver_notes(results)],
        "metrics": [(k, format_number(v)) for k, v in flat_metrics(results.get("metrics") or {})],
        "charts": trend_charts(results.get("metrics") or {}),
        "drift": _drift(options.drift, t) if options.drift is not None else None,
        "bar_width": BAR_WIDTH,
    }


def _bar(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """Segments of a horizontal stacked bar, in :data:`STATUSES` order (a non-zero count stays visible)."""
    total = sum(counts.get(s, 0) for s in STATUSES)
    segments: list[dict[str, Any]] = []
    x = 0.0
    for s in STATUSES:
        n = counts.get(s, 0)
        if not n or not total:
            continue
        width = max(2.0, BAR_WIDTH * n / total)
        segments.append({"status": s, "x": round(x, 1), "width": round(width, 1), "count": n})
        x += width
    scale = BAR_WIDTH / x if x > BAR_WIDTH else 1.0
    for seg in segments:
        seg["x"], seg["width"] = round(seg["x"] * scale, 1), round(seg["width"] * scale, 1)
    return segments


def _area_policies(area: str, blocks: list[PolicyBlock], t: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for b in blocks:
        if b.policy["area"] != area:
            continue
        p = b.policy
        problems = b.with_status(FAIL, WAIVED, NOT_EVALUATED)
        passes = b.with_status(PASS)
        out.append(
            {
                "id": b.id,
                "title": p.get("title", ""),
                "description": p.get("description", ""),
                "severity": p.get("severity", ""),
                "severity_label": t.get(f"sev_{p.get('severity')}", p.get("severity", "")),
                "headline": b.headline,
                "counts": b.counts,
                "expected": b.expected_text,
                "remediation": p.get("remediation", ""),
                "references": [r for r in p.get("references") or [] if str(r).startswith(("https://", "http://"))],
                "mappings": [(k, ", ".join(v)) for k, v in (p.get("mappings") or {}).items()],
                "threshold": (p.get("threshold") or {}).get("minPassRatio"),
                "problems": [_row(f, t) for f in problems[:MAX_PROBLEM_ROWS]],
                "problems_more": max(0, len(problems) - MAX_PROBLEM_ROWS),
                "passes": [_row(f, t) for f in passes[:MAX_PASS_ROWS]],
                "passes_more": max(0, len(passes) - MAX_PASS_ROWS),
            }
        )
    return out


def _row(f: Mapping[str, Any], t: Mapping[str, str]) -> dict[str, Any]:
    res = f.get("resource") or {}
    return {
        "name": label_of(f, t["population"]),
        "id": res.get("id"),
        "status": f["status"],
        "observed": observed_items(f),
        "reason": not_evaluated_text(f) if f["status"] == NOT_EVALUATED else None,
        "waiver": f.get("waiver"),
    }


def _sources(results: Results) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "status": s.get("status"),
            "items": (s.get("counts") or {}).get("items"),
            "permission": s.get("permission"),
            "detail": s.get("detail"),
        }
        for name, s in sorted((results.get("sources") or {}).items())
    ]


def _waivers_in_use(results: Results) -> list[dict[str, Any]]:
    """The waivers that cover findings in this run, with how many each covers."""
    used: dict[str, dict[str, Any]] = {}
    for f in results.get("findings", []):
        w = f.get("waiver")
        if f["status"] != WAIVED or not w:
            continue
        entry = used.setdefault(w["id"], {**w, "policy": f["policy"], "covered": 0})
        entry["covered"] += 1
    return sorted(used.values(), key=lambda w: (w.get("expiresOn", ""), w["id"]))


def _note(n: Mapping[str, Any]) -> dict[str, Any]:
    resources_ = n.get("resources")
    return {
        "id": n.get("id"),
        "policy": n.get("policy"),
        "resources": "*" if resources_ is None else ", ".join(resources_),
        "category": n.get("category"),
        "reason": n.get("reason"),
        "approvedBy": n.get("approvedBy"),
        "expiresOn": n.get("expiresOn"),
    }


def _drift(doc: Mapping[str, Any], t: Mapping[str, str]) -> dict[str, Any]:
    from m365gov.render.drift_text import when

    entries = doc.get("entries") or []
    groups = []
    for kind in DRIFT_KINDS:
        rows = [
            {
                "policy": e.get("policy"),
                "severity": t.get(f"sev_{e.get('severity')}", e.get("severity")),
                "resource": resource_text(e, t),
                "before": side_text(e.get("old"), t, 400, name=(e.get("resource") or {}).get("name")),
                "now": side_text(e.get("new"), t, 400, name=(e.get("resource") or {}).get("name")),
                "expected": e.get("expected"),
                "regression": e.get("regression"),
            }
            for e in entries
            if e.get("change") == kind
        ]
        if rows:
            groups.append({"kind": kind, "label": t[kind], "rows": rows[:MAX_PROBLEM_ROWS]})
    return {
        "baseline": t["drift_baseline"].format(old=when(doc, "old"), new=when(doc, "new")),
        "counts": [(t[k], (doc.get("counts") or {}).get(k, 0)) for k in DRIFT_KINDS],
        "regressions": int(doc.get("regressions", 0)),
        "groups": groups,
    }
