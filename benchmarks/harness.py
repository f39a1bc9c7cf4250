"""The benchmark harness: ``python -m benchmarks run [--scale 350,10000,100000] [--latency 0.05] [--repeat N]``.

For each scale it generates the town (to compute the minimum requests and the critical path, see
:mod:`benchmarks.minimum`), then, ``--repeat`` times, starts the emulator in its own process
(``m365gov emulator serve``) and runs ``m365gov collect`` against it as a user would, reading the
requests from the emulator's statistics; then it audits the snapshot (``m365gov audit``), times the
policy engine against the hand-written loop (:mod:`benchmarks.evaluation`), runs the naive script
(:mod:`benchmarks.naive_collect`) at ``--naive-scale``, and times start-up. Everything is measured
in this one run, side by side, and written to ``RESULTS.md`` with the machine, its load, the
commands and the targets. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.emulator_proc import EmulatorProcess
from benchmarks.measure import Run, cpu_count, load_average, m365gov, median, run
from benchmarks.minimum import Minimum, minimum

SEED = 2026
HERE = Path(__file__).resolve().parent
TARGETS = {
    "requests": 1.05,  # requests made ≤ 1.05 × the minimum
    "wall": 1.3,  # collection wall time ≤ 1.3 × the critical-path bound (100,000 users, 50 ms)
    "naive": 50.0,  # at least 50 × faster than the naive script (10,000 users)
    "evaluation": 3.0,  # engine ≤ 3 × the hand-written loop
    "help": 1.5,  # m365gov --help ≤ 1.5 × python -c "import click"
    "rss": 3.0,  # peak RSS ≤ 3 × the snapshot's size on disk
}
MSGRAPH_PREFIXES = ("msgraph", "kiota", "azure")


@dataclass
class CollectRun:
    seconds: float
    cpu: float
    emulator_cpu: float
    max_rss: int
    graph_requests: int
    graph_inner: int
    keyvault_requests: int
    max_in_flight: int
    load: tuple[float, float, float]
    summary: str


@dataclass
class Scale:
    users: int
    latency: float
    minimum: Minimum
    snapshot: Path
    snapshot_bytes: int = 0
    collects: list[CollectRun] = field(default_factory=list)
    audits: list[Run] = field(default_factory=list)
    evaluation: dict[str, Any] | None = None
    records: int = 0

    def med(self, attr: str) -> float:
        return median([float(getattr(c, attr)) for c in self.collects])


def _log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def collect_once(users: int, latency: float, work: Path, inventory_csv: str, chamber: str, as_of: str,
                 snapshot: Path) -> CollectRun:
    """One ``m365gov collect`` against a freshly started emulator (no warm caches on either side)."""
    with EmulatorProcess(users, latency, seed=SEED) as emu:
        config = emu.write_config(work, inventory_csv, chamber)
        emu.reset_stats()
        load = load_average()
        cpu0 = emu.cpu_seconds()
        result = m365gov("collect", "-c", config, "-o", snapshot, "--as-of", as_of, timeout=4 * 3600)
        emulator_cpu = emu.cpu_seconds() - cpu0
        result.check(f"m365gov collect ({users} users)")
        graph, keyvault = emu.graph_stats(), emu.keyvault_stats()
    summary = next((line for line in result.stderr.splitlines() if "snapshot written" in line), "")
    if "(0 not ok)" not in summary:
        raise RuntimeError(f"a source was not collected at {users} users:\n{result.stderr[-3000:]}")
    return CollectRun(result.seconds, result.cpu, emulator_cpu, result.max_rss, graph["http_requests"],
                      graph["batch_inner_requests"], keyvault.get("http_requests", 0), graph["max_in_flight"],
                      load, summary)


def run_scale(users: int, latency: float, repeat: int, work: Path) -> Scale:
    from m365gov.emulator import generate_tenant
    from m365gov.emulator.keyvault_town import generate_keyvault_town
    from m365gov.emulator.rooms import CHAMBER_NAME

    _log(f"{users} users: generating the town and its minimum")
    tenant = generate_tenant(SEED, users)
    town = generate_keyvault_town(tenant)
    least = minimum(tenant, town)
    inventory_csv = tenant.inventory_csv()
    as_of = tenant.now.strftime("%Y-%m-%dT%H:%M:%S")
    records = tenant.calls.total - tenant.calls.index_at(tenant.calls.retention_start)
    del tenant, town
    directory = work / f"users-{users}"
    scale = Scale(users, latency, least, directory / "snapshot.json", records=records)
    for i in range(repeat):
        _log(f"{users} users: collect {i + 1}/{repeat} (latency {latency * 1000:g} ms)")
        scale.collects.append(collect_once(users, latency, directory, inventory_csv, CHAMBER_NAME, as_of,
                                           scale.snapshot))
        _log(f"  {scale.collects[-1].seconds:.1f} s, {scale.collects[-1].graph_requests} Graph requests, "
             f"peak RSS {scale.collects[-1].max_rss / 2**20:.0f} MB")
    scale.snapshot_bytes = scale.snapshot.stat().st_size
    for i in range(repeat):
        _log(f"{users} users: audit {i + 1}/{repeat}")
        result = m365gov("audit", "--snapshot", scale.snapshot, "--format", "terminal",
                         "-o", directory / "report.txt", timeout=3600)
        if result.returncode not in (0, 1, 3):
            result.check(f"m365gov audit ({users} users)")
        scale.audits.append(result)
    _log(f"{users} users: evaluation, engine against the hand-written loop")
    evaluation = run([sys.executable, "-m", "benchmarks", "evaluate", str(scale.snapshot), "--repeat",
                      str(max(3, repeat))], cwd=HERE.parent, timeout=3600).check("evaluation")
    scale.evaluation = json.loads(evaluation.stdout)
    return scale


@dataclass
class Naive:
    users: int
    latency: float
    seconds: float
    extrapolated: bool
    graph_requests: int
    keyvault_requests: int
    items: dict[str, int]
    timing: dict[str, float]
    ours: list[float]


def run_naive(users: int, latency: float, limit: int | None, work: Path, ours: list[float]) -> Naive:
    from m365gov.emulator import generate_tenant
    from m365gov.emulator.rooms import CHAMBER_NAME

    tenant = generate_tenant(SEED, users)
    inventory_csv, as_of = tenant.inventory_csv(), tenant.now.strftime("%Y-%m-%dT%H:%M:%S")
    del tenant
    directory = work / f"naive-{users}"
    with EmulatorProcess(users, latency, seed=SEED) as emu:
        config = emu.write_config(directory, inventory_csv, CHAMBER_NAME)
        emu.reset_stats()
        args = [sys.executable, str(HERE / "naive_collect.py"), "-c", str(config), "--as-of", as_of]
        if limit is not None:
            args += ["--call-record-limit", str(limit)]
        _log(f"naive script at {users} users" + (f" (first {limit} call records in full)" if limit else ""))
        result = run(args, timeout=8 * 3600).check("the naive script")
        graph, keyvault = emu.graph_stats(), emu.keyvault_stats()
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    timing = doc.get("callRecords") or {}
    seconds = result.seconds
    extrapolated = False
    if limit is not None and timing.get("details", 0) < timing.get("listed", 0):
        per_record = timing["detailSeconds"] / max(1, timing["details"])
        seconds += per_record * (timing["listed"] - timing["details"])
        extrapolated = True
    return Naive(users, latency, seconds, extrapolated, graph["http_requests"], keyvault.get("http_requests", 0),
                 doc["items"], timing, ours)


@dataclass
class Startup:
    click_ms: float
    help_ms: float
    audit_ms: float
    runs: int
    audit_imports_msgraph: bool
    help_imports_msgraph: bool


def run_startup(small_snapshot: Path, runs: int) -> Startup:
    """Interleaved runs (so that load changes hit all three alike), median of each."""
    script = Path(sys.executable).with_name("m365gov")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "m365gov"]
    commands = {
        "click": [sys.executable, "-c", "import click"],
        "help": [*cli, "--help"],
        "audit": [*cli, "audit", "--snapshot", str(small_snapshot), "--format", "json"],
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(run(command).seconds)
    imports = {}
    for name, extra in (("audit", ["audit", "--snapshot", str(small_snapshot), "--format", "json"]),
                        ("help", ["--help"])):
        traced = run([sys.executable, "-X", "importtime", "-m", "m365gov", *extra])
        modules = {line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines() if "|" in line}
        imports[name] = any(m.split(".")[0].startswith(MSGRAPH_PREFIXES) for m in modules)
    return Startup(median(times["click"]) * 1000, median(times["help"]) * 1000, median(times["audit"]) * 1000,
                   runs, imports["audit"], imports["help"])


def run_parsing(users: int, typed_users: int) -> dict[str, Any]:
    """msgraph-sdk's typed path against the plain path on the same users pages (:mod:`benchmarks.parsing`)."""
    _log(f"parsing paths: {users} users plain, {typed_users} typed")
    result = run([sys.executable, "-m", "benchmarks", "parsing", "--users", str(users), "--typed-users",
                  str(typed_users)], cwd=HERE.parent, timeout=3600).check("parsing paths")
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


# -- the report -----------------------------------------------------------------------------------


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


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="350,10000,100000", help="users, comma-separated")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to each request by the emulator")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (medians are reported)")
    parser.add_argument("--naive-scale", type=int, default=10_000, help="users for the naive script (0: skip it)")
    parser.add_argument("--naive-limit", type=int, help="naive script: read only N call records in full and "
                        "extrapolate the rest (the report says so)")
    parser.add_argument("--startup-runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true",
                        help="smallest scale only: 350 users, 5 ms, 1 repeat, naive extrapolated (the test suite)")
    parser.add_argument("--out", type=Path, help="results file (default benchmarks/RESULTS.md; --quick: in --work)")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one, removed)")
    args = parser.parse_args(list(argv))
    if args.quick:
        args.scale, args.latency, args.repeat = "350", 0.005, 1
        args.naive_scale, args.naive_limit, args.startup_runs = 350, args.naive_limit or 10, 3
    scales_wanted = [int(x) for x in str(args.scale).split(",") if x.strip()]
    started = datetime.now(UTC)
    t0 = time.monotonic()
    work = args.work or Path(tempfile.mkdtemp(prefix="m365gov-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out = args.out or (work / "RESULTS.md" if args.quick else HERE / "RESULTS.md")
    loads: list[tuple[float, float, float]] = [load_average()]
    try:
        scales = [run_scale(n, args.latency, args.repeat, work) for n in sorted(scales_wanted)]
        loads += [c.load for s in scales for c in s.collects]
        naive = None
        if args.naive_scale:
            at = next((s for s in scales if s.users == args.naive_scale), None)
            ours = [c.seconds for c in at.collects] if at is not None else []
            if not ours:
                from m365gov.emulator import generate_tenant
                from m365gov.emulator.rooms import CHAMBER_NAME

                tenant = generate_tenant(SEED, args.naive_scale)
                csv, as_of = tenant.inventory_csv(), tenant.now.strftime("%Y-%m-%dT%H:%M:%S")
                del tenant
                for i in range(args.repeat):
                    _log(f"{args.naive_scale} users: collect {i + 1}/{args.repeat} for the naive comparison")
                    d = work / f"ours-{args.naive_scale}"
                    ours.append(collect_once(args.naive_scale, args.latency, d, csv, CHAMBER_NAME, as_of,
                                             d / "snapshot.json").seconds)
            loads.append(load_average())
            naive = run_naive(args.naive_scale, args.latency, args.naive_limit, work, ours)
            loads.append(load_average())
        parsing = run_parsing(max(s.users for s in scales) if args.quick else 10_000, 100 if args.quick else 1_000)
        small = min(scales, key=lambda s: s.users).snapshot
        _log("start-up")
        startup = run_startup(small, args.startup_runs)
        loads.append(load_average())
        rows = table(scales, naive, startup)
        print(text_table(rows))
        write_results(out, list(argv), rows, scales, naive, startup, loads, started, time.monotonic() - t0, parsing)
        _log(f"written: {out}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
