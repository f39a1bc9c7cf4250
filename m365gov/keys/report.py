"""Text for people: the status table, the plan, what apply did. Commands are never wrapped.

Values from Azure (names, versions, messages) go through :func:`m365gov.render.text.one_line`, so a
hostile tag or name cannot add lines or terminal escapes; commands are printed whole, one per line,
so that they can be copied.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from m365gov.keys.apply import ApplyReport, Outcome
from m365gov.keys.plan import Plan
from m365gov.render.text import one_line
from m365gov.statuses import FAIL, NOT_EVALUATED, PASS


def plan_text(plan: Plan) -> str:
    out = io.StringIO()
    if plan.blocked:
        out.write("Not planned (vaults that could not be read):\n")
        for b in plan.blocked:
            out.write(f"  ! {one_line(b)}\n")
        out.write("\n")
    if plan.actions:
        out.write(f"m365gov will make {len(plan.actions)} change(s) (keys apply --yes):\n")
        for i, a in enumerate(plan.actions, 1):
            out.write(f"  {i}. {one_line(a.describe())}\n     why: {one_line(a.reason)}\n")
    else:
        out.write("Nothing for m365gov to do: the keys match the key plan"
                  f"{' (for the vaults it could read)' if plan.blocked else ''}.\n")
    if plan.instructions:
        out.write(f"\nTo do by hand ({len(plan.instructions)}) — m365gov will not do these itself:\n")
        for step in plan.instructions:
            out.write(f"\n  [{step.topic}] {one_line(step.subject)}: {one_line(step.why)}\n")
            for cmd in step.commands:
                out.write(f"    {one_line(cmd, 2000)}\n")
    return out.getvalue()


def outcome_line(o: Outcome) -> str:
    head = {"done": "✓", "failed": "✗", "refused": "⊘"}.get(o.result, "?")
    text = f"  {head} {o.result}: {one_line(o.action.describe())}"
    if o.version:
        text += f" → version {o.version}"
    if o.backup is not None:
        text += f"\n      backup {o.backup.file} sha256 {o.backup.sha256}"
    if o.detail and o.result != "done":
        text += f"\n      {one_line(o.detail)}"
    for cmd in o.follow_up:
        text += f"\n      next: {one_line(cmd, 2000)}"
    return text


def apply_text(report: ApplyReport, journal: str) -> str:
    out = io.StringIO()
    for o in report.outcomes:
        out.write(outcome_line(o) + "\n")
    for a in report.not_attempted:
        out.write(f"  - not attempted: {one_line(a.describe())}\n")
    out.write(f"Journal: {journal}\n")
    return out.getvalue()


def status_text(keys: Sequence[Mapping[str, Any]], vaults: Sequence[Mapping[str, Any]],
                pairs: Sequence[Mapping[str, Any]], findings: Sequence[Mapping[str, Any]], width: int = 120) -> str:
    """Three tables: keys (DEP, role, key, version, backup, verdict), vaults, and DEP pairs."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    by_resource: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for f in findings:
        res = f.get("resource") or {}
        by_resource[f"{res.get('view')}:{str(res.get('id', '')).lower()}"][f["status"]].add(f["policy"])

    def verdict(view: str, rid: Any) -> Any:
        seen = by_resource.get(f"{view}:{str(rid).lower()}", {})
        if seen.get(FAIL):
            return Text("✗ " + " ".join(sorted(seen[FAIL])), style="red")
        if seen.get(NOT_EVALUATED) and not seen.get(PASS):
            return Text("? not evaluated", style="magenta")
        return Text("✓ ok", style="green") if seen.get(PASS) else Text("–")

    def table(*cols: str) -> Any:
        t = Table(show_edge=False, pad_edge=False)
        for col in cols:
            t.add_column(col, no_wrap=col != "verdict", overflow="fold" if col == "verdict" else "ellipsis")
        return t

    keys_t = table("DEP", "role", "vault", "key", "version", "n", "backup", "verdict")
    for r in keys:
        version = r.get("currentVersion")
        keys_t.add_row(
            Text(one_line(r.get("dep") or "(unplanned)")), Text(one_line(r.get("role") or "")),
            Text(one_line(r.get("vault") or "")), Text(one_line(r.get("name") or "")),
            Text(one_line(version[:12] + "…") if version else "missing"), Text(str(r.get("versionCount") or 0)),
            Text(_yes_no(r.get("backedUp"))), verdict("keys", r["id"]),
        )
    vaults_t = table("vault", "DEP", "region", "sku", "purge protection", "access", "verdict")
    for v in vaults:
        vaults_t.add_row(
            Text(one_line(v.get("name") or "")), Text(one_line(v.get("dep") or "")),
            Text(one_line(v.get("location") or "?")), Text(one_line(v.get("sku") or "?")),
            Text("yes" if v.get("enablePurgeProtection") is True else "no" if v.get("found") else "?"),
            Text("RBAC" if v.get("enableRbacAuthorization") else "access policy" if v.get("found") else "?"),
            verdict("vaults", v["id"]),
        )
    pairs_t = table("DEP", "kind", "vaults", "regions", "verdict")
    for p in pairs:
        pairs_t.add_row(
            Text(one_line(p["dep"])), Text(one_line(p["kind"])), Text(one_line(" + ".join(p["vaults"]))),
            Text(one_line(" + ".join(r or "?" for r in p["regions"]))), verdict("keyPairs", p["dep"]),
        )
    buf = io.StringIO()
    console = Console(file=buf, width=width, no_color=True, highlight=False, emoji=False, soft_wrap=False)
    console.print(Text("Keys", style="bold"))
    console.print(keys_t)
    if vaults:
        console.print(Text("\nVaults", style="bold"))
        console.print(vaults_t)
    console.print(Text("\nData-encryption policies (key pairs)", style="bold"))
    console.print(pairs_t)
    return buf.getvalue()


def _yes_no(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else "?"
