"""Evaluation time: the policy engine against the hand-written loop, on the same loaded snapshot.

Run in its own process by the harness (``python -m benchmarks evaluate SNAPSHOT``) so that a
100,000-user snapshot never inflates the harness. Each figure is the median of ``repeat`` runs of
CPU time (``time.process_time``: what the machine's other load changes least), each run from a
fresh view cache — building the views is part of evaluating — with the cyclic garbage collector
paused as :func:`m365gov.pipeline.audit_snapshot` pauses it.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.handloop import POLICIES, evaluate_by_hand, verdict_counts


def measure(snapshot_path: Path, repeat: int) -> dict[str, Any]:
    from m365gov.heap import gc_paused
    from m365gov.pipeline import compile_policies
    from m365gov.policy import evaluate
    from m365gov.snapshot import load_snapshot
    from m365gov.views import VIEWS

    started = time.perf_counter()
    snapshot = load_snapshot(snapshot_path)
    load_seconds = time.perf_counter() - started
    policies = compile_policies(None)
    subset = [p for p in policies.enabled if p.id in POLICIES]
    engine: list[float] = []
    hand: list[float] = []
    whole: list[float] = []
    results: Any = None
    by_hand: Any = None
    for _ in range(repeat):
        with gc_paused():
            t = time.process_time()
            results = evaluate(snapshot, subset, views=VIEWS)
            engine.append(time.process_time() - t)
            t = time.process_time()
            by_hand = evaluate_by_hand(snapshot)
            hand.append(time.process_time() - t)
            t = time.process_time()
            everything = evaluate(snapshot, policies.enabled, views=VIEWS)
            whole.append(time.process_time() - t)
    engine_counts: dict[str, Counter[str]] = {}
    for f in results.findings:
        engine_counts.setdefault(f.policy, Counter())[f.status] += 1
    hand_counts = verdict_counts(by_hand)
    disagree = [p for p in POLICIES if dict(engine_counts.get(p, {})) != hand_counts.get(p)]
    return {
        "policies": list(POLICIES),
        "loadSeconds": load_seconds,
        "engineSeconds": statistics.median(engine),
        "handSeconds": statistics.median(hand),
        "wholeSetSeconds": statistics.median(whole),
        "wholeSetPolicies": len(policies.enabled),
        "wholeSetFindings": len(everything.findings),
        "findings": sum(sum(c.values()) for c in engine_counts.values()),
        "runs": {"engine": engine, "hand": hand, "wholeSet": whole},
        "disagree": disagree,
    }


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks evaluate")
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.snapshot, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
