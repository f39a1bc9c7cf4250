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
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.emulator_proc import EmulatorProcess
from benchmarks.measure import Run, load_average, m365gov, median, run
from benchmarks.minimum import Minimum, minimum
from benchmarks.results import table, text_table, write_results

SEED = 2026
HERE = Path(__file__).resolve().parent
MSGRAPH_PREFIXES = ("msgraph", "kiota", "azure")


@dataclass
class CollectRun:
    """One ``m365gov collect``: its wall and CPU seconds, the emulator's CPU seconds over the same
    span, the peak RSS, the requests the emulator received (Graph HTTP requests, the requests inside
    its ``$batch`` calls, Key Vault and ARM), the most Graph requests in flight at once, the load
    average when it started, and the collector's own summary line."""

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
    """Everything measured at one tenant size: the minimum and critical path computed from the town,
    each collect and audit run, the engine-vs-loop evaluation and the call records in the window."""

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
    """The naive script's run: its seconds (``extrapolated`` when only some call records were read
    in full), the requests it made, the items it read, and ``ours``, m365gov's seconds at that scale."""

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
    """Median start-up times (ms) and whether ``--help`` or ``audit --snapshot`` imported msgraph."""

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
