"""The benchmark report: the table of figures against their references and targets, and ``RESULTS.md``.

Kept apart from :mod:`benchmarks.harness`, which measures: nothing here runs a command, so the report
can be reworded without touching how a figure is obtained.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.measure import cpu_count, median

if TYPE_CHECKING:
    from benchmarks.harness import Naive, Scale, Startup

TARGETS = {
    "requests": 1.05,  # requests made ≤ 1.05 × the minimum
    "wall": 1.3,  # collection wall time ≤ 1.3 × the critical-path bound (100,000 users, 50 ms)
    "naive": 50.0,  # at least 50 × faster than the naive script (10,000 users)
    "evaluation": 3.0,  # engine ≤ 3 × the hand-written loop
    "help": 1.5,  # m365gov --help ≤ 1.5 × python -c "import click"
    "rss": 3.0,  # peak RSS ≤ 3 × the snapshot's size on disk
}


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def table(scales: Sequence[Scale], naive: Naive | None, startup: Startup | None) -> list[list[str]]:
    rows: list[list[str]] = [["Figure", "Measured (median)", "Reference", "Ratio", "Target", "Result"]]
    largest = max(scales, key=lambda s: s.users)
    for s in scales:
        graph = s.med("graph_requests")
        r = _ratio(graph, s.minimum.graph_requests)
        rows.append([f"Graph requests, {s.users:,} users", f"{graph:,.0f}", f"minimum {s.minimum.graph_requests:,}",
                     f"{r:.3f}", f"≤ {TARGETS['requests']}", _met(r <= TARGETS["requests"])])
        kv = s.med("keyvault_requests")
        r = _ratio(kv, s.minimum.keyvault_requests)
        rows.append([f"Key Vault + ARM requests, {s.users:,} users", f"{kv:,.0f}",
                     f"minimum {s.minimum.keyvault_requests:,}", f"{r:.3f}", f"≤ {TARGETS['requests']}",
                     _met(r <= TARGETS["requests"])])
    for s in scales:
        bound = s.minimum.critical_seconds(s.latency)
        wall = s.med("seconds")
        r = _ratio(wall, bound)
        target = s is largest and s.users >= 100_000
        rows.append([f"`m365gov collect` wall time, {s.users:,} users, {s.latency * 1000:g} ms",
                     f"{wall:,.1f} s", f"critical path {s.minimum.critical.chain:,} × {s.latency * 1000:g} ms = "
                     f"{bound:,.1f} s", f"{r:.2f}", f"≤ {TARGETS['wall']}" + ("" if target else " (at 100,000)"),
                     _met(r <= TARGETS["wall"]) if target else "(informative)"])
    if naive is not None:
        ours = median(naive.ours)
        r = _ratio(naive.seconds, ours)
        label = "extrapolated, see below" if naive.extrapolated else "measured in full"
        target = naive.users >= 10_000
        rows.append([f"Naive script vs `m365gov collect`, {naive.users:,} users, {naive.latency * 1000:g} ms",
                     f"{ours:,.1f} s", f"naive {naive.seconds:,.0f} s ({label})", f"{r:,.0f}× faster",
                     f"≥ {TARGETS['naive']:g}×" + ("" if target else " (at 10,000)"),
                     _met(r >= TARGETS["naive"]) if target else "(informative)"])
    ev = largest.evaluation or {}
    if ev:
        r = _ratio(ev["engineSeconds"], ev["handSeconds"])
        rows.append([f"Evaluation, residency + Teams policies, {largest.users:,} users",
                     f"{ev['engineSeconds']:.2f} s", f"hand-written loop {ev['handSeconds']:.2f} s", f"{r:.2f}",
                     f"≤ {TARGETS['evaluation']:g}", _met(r <= TARGETS["evaluation"] and not ev["disagree"])])
        rows.append([f"Evaluation, whole shipped set ({ev['wholeSetPolicies']} policies), {largest.users:,} users",
                     f"{ev['wholeSetSeconds']:.2f} s", f"{ev['wholeSetFindings']:,} findings", "", "", "(informative)"])
    if startup is not None:
        r = _ratio(startup.help_ms, startup.click_ms)
        rows.append(["Start-up `m365gov --help`", f"{startup.help_ms:.0f} ms",
                     f'`python -c "import click"` {startup.click_ms:.0f} ms', f"{r:.2f}", f"≤ {TARGETS['help']}",
                     _met(r <= TARGETS["help"] and not startup.help_imports_msgraph)])
        r = _ratio(startup.audit_ms, startup.click_ms)
        rows.append(["Start-up `m365gov audit --snapshot` (350 users)", f"{startup.audit_ms:.0f} ms",
                     f'`python -c "import click"` {startup.click_ms:.0f} ms', f"{r:.2f}", "never imports msgraph",
                     _met(not startup.audit_imports_msgraph)])
    for what, values in (("collect", [float(c.max_rss) for c in largest.collects]),
                         ("audit", [float(a.max_rss) for a in largest.audits])):
        rss = median(values)
        r = _ratio(rss, largest.snapshot_bytes)
        target = largest.users >= 100_000
        rows.append([f"Peak RSS `m365gov {what}`, {largest.users:,} users", _mb(rss),
                     f"snapshot on disk {_mb(largest.snapshot_bytes)}", f"{r:.2f}",
                     f"≤ {TARGETS['rss']:g}" + ("" if target else " (at 100,000)"),
                     _met(r <= TARGETS["rss"]) if target else "(informative)"])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i].replace("**", "")) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.replace("**", "").ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def machine() -> dict[str, Any]:
    model = ""
    with_proc = Path("/proc/cpuinfo")
    if with_proc.exists():
        m = re.search(r"model name\s*:\s*(.+)", with_proc.read_text())
        model = m.group(1).strip() if m else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        m = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        memory = f"{int(m.group(1)) / 2**20:.1f} GiB" if m else ""
    return {"cores": cpu_count(), "model": model, "memory": memory, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def write_results(path: Path, argv: Sequence[str], rows: list[list[str]], scales: Sequence[Scale],
                  naive: Naive | None, startup: Startup | None, loads: list[tuple[float, float, float]],
                  started: datetime, elapsed: float, parsing: dict[str, Any] | None = None) -> None:
    m = machine()
    ones = [x[0] for x in loads]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC in {elapsed / 60:.0f} min by `python -m benchmarks run "
        f"{' '.join(argv)}` (see `benchmarks/README.md` for what each figure means and how it is derived).",
        "",
        f"Machine: {m['cores']} cores ({m['model'] or 'unknown CPU'}), {m['memory']} RAM, {m['system']}, "
        f"Python {m['python']}. Shared with other work: 1-minute load average during the measurements "
        f"min {min(ones):.2f}, median {statistics.median(ones):.2f}, max {max(ones):.2f}"
        " (above the core count, every process got less than a core).",
        "",
        "Each figure is the median of the runs shown below; every ratio compares figures of this same run.",
        "",
        markdown_table(rows),
        "",
        "## Commands",
        "",
        "```sh",
        f"python -m benchmarks run {' '.join(argv)}",
        "# which runs, at each scale, for each repetition:",
        "m365gov emulator serve --port 0 --users N --latency S          # in its own process",
        "m365gov collect -c m365gov.toml -o snapshot.json --as-of 2026-11-28T08:00:00",
        "# and then:",
        "m365gov audit --snapshot snapshot.json --format terminal -o report.txt",
        "python -m benchmarks evaluate snapshot.json                     # engine vs hand-written loop",
        "python benchmarks/naive_collect.py -c m365gov.toml --as-of 2026-11-28T08:00:00",
        'python -c "import click"; m365gov --help; m365gov audit --snapshot <350 users> --format json',
        "```",
        "",
        "## Per scale",
        "",
    ]
    for s in scales:
        lines += [f"### {s.users:,} users, {s.latency * 1000:g} ms a request", ""]
        lines.append(f"Call records in the 30-day window: {s.records:,}. Snapshot: {_mb(s.snapshot_bytes)} on disk.")
        lines.append("")
        lines.append("| run | wall | client CPU | emulator CPU | Graph requests (inner) | Key Vault | max in flight "
                     "| peak RSS | load (1 min) |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for i, c in enumerate(s.collects, 1):
            lines.append(f"| collect {i} | {c.seconds:.1f} s | {c.cpu:.1f} s | {c.emulator_cpu:.1f} s | "
                         f"{c.graph_requests:,} ({c.graph_inner:,}) | {c.keyvault_requests} | {c.max_in_flight} | "
                         f"{_mb(c.max_rss)} | {c.load[0]:.2f} |")
        for i, a in enumerate(s.audits, 1):
            lines.append(f"| audit {i} | {a.seconds:.1f} s | {a.cpu:.1f} s | | | | | {_mb(a.max_rss)} | |")
        lines += ["", "Minimum requests, from the generated tenant (`benchmarks/minimum.py`):", "",
                  "| collection | minimum requests | longest sequential chain | how |", "|---|---|---|---|"]
        for part in (*s.minimum.graph, *s.minimum.keyvault):
            lines.append(f"| {part.name} | {part.requests:,} | {part.chain:,} | {part.how} |")
        lines += ["", f"Critical path: **{s.minimum.critical.name}**, {s.minimum.critical.chain:,} requests in "
                  f"sequence × {s.latency * 1000:g} ms = {s.minimum.critical_seconds(s.latency):,.1f} s.", ""]
        ev = s.evaluation
        if ev:
            lines += [f"Evaluation (CPU seconds, median of {len(ev['runs']['engine'])}; snapshot loaded in "
                      f"{ev['loadSeconds']:.1f} s): engine on {', '.join(ev['policies'])} "
                      f"{ev['engineSeconds']:.2f} s ({ev['findings']:,} findings), hand-written loop "
                      f"{ev['handSeconds']:.2f} s, whole set {ev['wholeSetSeconds']:.2f} s. Verdicts "
                      + ("agree for every policy." if not ev["disagree"] else f"DISAGREE for {ev['disagree']}."), ""]
    if naive is not None:
        lines += ["## The naive script", "",
                  f"{naive.users:,} users, {naive.latency * 1000:g} ms a request: "
                  f"{naive.graph_requests:,} Graph and {naive.keyvault_requests} Key Vault requests, items "
                  f"{json.dumps(naive.items)}."]
        if naive.extrapolated:
            t = naive.timing
            lines.append(f"Extrapolated: the script read {t['details']:,} of the {t['listed']:,} call records in full "
                         f"in {t['detailSeconds']:.1f} s; the remaining records are counted at that rate "
                         f"({t['detailSeconds'] / max(1, t['details']) * 1000:.0f} ms each), everything else "
                         "(directory, reports, the full call-record list, devices, vaults) was measured.")
        else:
            lines.append(f"Measured in full: {naive.seconds:,.0f} s.")
        lines.append("")
    if parsing is not None:
        plain, typed = parsing["plain"], parsing["typed"]
        per_plain = plain["seconds"] / max(1, plain["users"])
        per_typed = typed["seconds"] / max(1, typed["users"])
        mem_plain = plain["memory"] / max(1, plain["users"])
        mem_typed = typed["memory"] / max(1, typed["users"])
        big = max(s.users for s in scales)
        lines += ["## Typed and plain parsing paths", "",
                  f"The same `GET /users?$select=…&$top=999` pages ({parsing['pages']} pages, "
                  f"{_mb(parsing['bytes'])} for {parsing['users']:,} users), parsed by `json.loads` (m365gov) and by "
                  "msgraph-sdk's typed models (`UserCollectionResponse`, what `client.users.get()` runs on the "
                  "bytes), CPU time (`python -m benchmarks parsing`):", "",
                  "| path | users parsed | seconds | per user | memory held per user |", "|---|---|---|---|---|",
                  f"| plain JSON | {plain['users']:,} | {plain['seconds']:.2f} s | {per_plain * 1e6:.0f} µs | "
                  f"{mem_plain / 1024:.1f} KB |",
                  f"| typed models | {typed['users']:,} | {typed['seconds']:.2f} s | {per_typed * 1e3:.1f} ms | "
                  f"{mem_typed / 1024:.1f} KB |", "",
                  f"Typed is {per_typed / per_plain:,.0f}× the time and {mem_typed / max(1.0, mem_plain):.0f}× the "
                  f"memory: at {big:,} users, about {per_typed * big:,.0f} s (extrapolated from {typed['users']:,} "
                  f"users) instead of {per_plain * big:.1f} s. m365gov keeps msgraph-sdk's request builders, "
                  "auth and middleware, and reads the bytes.", ""]
    if startup is not None:
        lines += ["## Start-up", "",
                  f"Medians of {startup.runs} interleaved runs: `python -c \"import click\"` "
                  f"{startup.click_ms:.0f} ms, `m365gov --help` {startup.help_ms:.0f} ms, `m365gov audit --snapshot` "
                  f"(350 users, JSON to stdout) {startup.audit_ms:.0f} ms. msgraph, kiota or azure imported by "
                  f"`--help`: {'yes' if startup.help_imports_msgraph else 'no'}; by `audit --snapshot`: "
                  f"{'yes' if startup.audit_imports_msgraph else 'no'} (`python -X importtime`).", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
