"""The terminal report: grouped by area and severity, failures first, evidence inline.

Every value from the tenant is wrapped in a rich ``Text`` (never parsed as markup) and stripped of
control characters, so a hostile display name cannot restyle or rewrite the terminal.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from m365gov.render.base import Renderer, RenderOptions, Results
from m365gov.render.i18n import AREA_ORDER, labels
from m365gov.render.text import one_line
from m365gov.statuses import FAIL, NOT_EVALUATED, PASS, SEVERITIES, WAIVED
from m365gov.timeutil import paris, parse_datetime

_MARK = {FAIL: ("✗", "bold red"), WAIVED: ("≈", "yellow"), NOT_EVALUATED: ("?", "magenta"), PASS: ("✓", "green")}
_ORDER = {FAIL: 0, NOT_EVALUATED: 1, WAIVED: 2, PASS: 3}
EVIDENCE_LINES = 4
"""Evidence sentences printed under a finding (the JSON results keep them all)."""


class TerminalRenderer(Renderer):
    name = "terminal"
    extension = "txt"
    filename = "report.txt"
    description = "human-readable report for a terminal (colours when attached to one)"

    def render(self, results: Results, options: RenderOptions) -> str:
        from rich.console import Console

        buf = io.StringIO()
        console = Console(
            file=buf, force_terminal=options.color, no_color=not options.color, width=options.width,
            highlight=False, emoji=False, soft_wrap=False,
        )
        _Report(results, options, console).write()
        return buf.getvalue()


class _Report:
    def __init__(self, results: Results, options: RenderOptions, console: Any) -> None:
        self.r = results
        self.o = options
        self.c = console
        self.t = labels(options.lang)

    def write(self) -> None:
        from rich.text import Text

        snap = self.r.get("snapshot", {})
        collected = parse_datetime(snap.get("collectedAt"))
        head = Text(f"{self.t['title']} — {self.t['tenant']} ", style="bold")
        head.append(one_line(snap.get("tenantId", "?")))
        if collected:
            head.append(f" — {self.t['collected']} {paris(collected)} (Europe/Paris)")
        self.c.print(head)
        self._sources()
        self._summary()
        by_area: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for p in self.r.get("policies", []):
            by_area[p["area"]].append(p)
        findings: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for f in self.r.get("findings", []):
            findings[f["policy"]].append(f)
        for area in sorted(by_area, key=lambda a: AREA_ORDER.index(a) if a in AREA_ORDER else 99):
            self.c.print()
            self.c.print(Text(self.t.get(area, area).upper(), style="bold underline"))
            policies = sorted(
                by_area[area],
                key=lambda p: (_ORDER[_verdict(p)], -SEVERITIES.index(p["severity"]), p["id"]),
            )
            for p in policies:
                self._policy(p, findings[p["id"]])
        self._waivers()

    def _sources(self) -> None:
        from rich.text import Text

        line = Text(f"{self.t['sources']}: ")
        for i, (name, sec) in enumerate(sorted(self.r.get("sources", {}).items())):
            if i:
                line.append(" · ")
            status = sec.get("status")
            line.append(name)
            items = (sec.get("counts") or {}).get("items")
            if status == "ok":
                line.append(f" ok ({items})" if items is not None else " ok", style="green")
            else:
                extra = f" ({sec['permission']})" if sec.get("permission") else ""
                line.append(f" {status}{extra}", style="magenta")
        self.c.print(line)

    def _summary(self) -> None:
        from rich.table import Table

        table = Table(title=self.t["summary"], title_justify="left", show_edge=False, pad_edge=False)
        table.add_column(self.t["area"])
        for s in (PASS, FAIL, WAIVED, NOT_EVALUATED):
            table.add_column(self.t[s], justify="right")
        by_area = self.r.get("summary", {}).get("byArea", {})
        for area in sorted(by_area, key=lambda a: AREA_ORDER.index(a) if a in AREA_ORDER else 99):
            counts = by_area[area]
            table.add_row(self.t.get(area, area), *(str(counts.get(s, 0)) for s in (PASS, FAIL, WAIVED, NOT_EVALUATED)))
        self.c.print(table)

    def _policy(self, p: Mapping[str, Any], findings: list[Mapping[str, Any]]) -> None:
        from rich.text import Text

        verdict = _verdict(p)
        mark, style = _MARK[verdict]
        counts = p.get("counts", {})
        line = Text(f" {mark} ", style=style)
        line.append(f"{p['severity'].upper():<8} ", style="bold" if verdict == FAIL else "")
        line.append(f"{p['id']} ", style="bold")
        line.append(one_line(p.get("title", "")))
        parts = [f"{counts[s]} {self.t[s]}" for s in (FAIL, WAIVED, NOT_EVALUATED, PASS) if counts.get(s)]
        line.append(f"  [{', '.join(parts) or self.t['no_findings']}]", style="dim")
        self.c.print(line)
        shown = [f for f in findings if f["status"] != PASS] or (findings[:1] if p.get("threshold") else [])
        expected = next(((f.get("expected") or {}).get("text") for f in shown if f.get("expected")), None)
        if expected and verdict in (FAIL, WAIVED):
            self.c.print(Text(f"     {self.t['expected']}: {one_line(expected, 300)}", style="dim"))
        for f in shown[: self.o.max_items]:
            self._finding(f)
        if len(shown) > self.o.max_items:
            self.c.print(Text("     " + self.t["and_more"].format(n=len(shown) - self.o.max_items), style="dim"))
        if verdict == FAIL and p.get("remediation"):
            self.c.print(Text(f"     → {self.t['remediation']}: {one_line(p['remediation'], 400)}", style="cyan"))

    def _finding(self, f: Mapping[str, Any]) -> None:
        from rich.text import Text

        res = f.get("resource", {})
        name = res.get("name") or res.get("id")
        name = self.t["population"] if res.get("id") == "*" and not res.get("name") else name
        line = Text("     ")
        line.append(f"{self.t[f['status']]:<14}", style=_MARK[f["status"]][1])
        line.append(one_line(name, 60))
        if f["status"] == NOT_EVALUATED:
            line.append(f"  {f.get('reason')}", style="magenta")
            if f.get("permission"):
                line.append(f" ({f['permission']})")
            if f.get("detail"):
                line.append(f": {one_line(f['detail'], 600)}", style="dim")
            self.c.print(line)
            return
        observed = {k: v for k, v in (f.get("observed") or {}).items() if v != name}
        evidence = {k: v for k, v in observed.items() if _is_evidence(k, v)}
        plain = {k: v for k, v in observed.items() if k not in evidence}
        if plain:
            shown = ", ".join(f"{k}={one_line(v, 80)}" for k, v in plain.items())
            line.append(f"  {self.t['observed']}: {shown}")
        self.c.print(line)
        for sentences in evidence.values():
            for sentence in sentences[:EVIDENCE_LINES]:
                self.c.print(Text(f"       · {one_line(sentence, 220)}", style="dim"))
        waiver = f.get("waiver")
        if waiver:
            self.c.print(
                Text(
                    "       "
                    + self.t["waiver_by"].format(
                        who=one_line(waiver.get("approvedBy"), 60),
                        until=waiver.get("expiresOn"),
                        reason=one_line(waiver.get("reason"), 160),
                    ),
                    style="yellow",
                )
            )

    def _waivers(self) -> None:
        from rich.text import Text

        w = self.r.get("waivers", {})
        rows = [(kind, item) for kind in ("expired", "stale", "unused") for item in w.get(kind, [])]
        if not rows:
            return
        self.c.print()
        self.c.print(Text(self.t["waivers"], style="bold"))
        for kind, item in rows:
            self.c.print(Text(f"  {self.t[kind]}: {one_line(item, 300)}", style="yellow"))


def _is_evidence(key: str, value: Any) -> bool:
    """A list of sentences a view gives as evidence (``cameraEvidence``, ``evidence``): one per line."""
    last = key.rsplit(".", 1)[-1]
    return (
        (last == "evidence" or last.endswith("Evidence"))
        and isinstance(value, list)
        and all(isinstance(v, str) for v in value)
    )


def _verdict(policy: Mapping[str, Any]) -> str:
    counts = policy.get("counts", {})
    for status in (FAIL, NOT_EVALUATED, WAIVED, PASS):
        if counts.get(status):
            return status
    return NOT_EVALUATED
