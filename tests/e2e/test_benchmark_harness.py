"""The performance harness runs end to end at the smallest scale (its targets live in RESULTS.md, not here).

Timings are never asserted: a shared CI machine makes them meaningless as a test. What is checked is
that every step ran and reported, and what does not depend on the machine: the requests made equal
the minimum the harness computes from the tenant, the policy engine and the hand-written loop agree,
and neither ``--help`` nor an offline audit imports msgraph.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_quick_benchmark_runs_and_writes_its_results(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "run", "--quick", "--work", str(tmp_path / "work"),
         "--out", str(tmp_path / "RESULTS.md")],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].lstrip("| "): line for line in results.splitlines() if line.startswith("| ")}
    for figure in ("Graph requests, 350 users", "Key Vault + ARM requests, 350 users",
                   "`m365gov collect` wall time, 350 users, 5 ms", "Naive script vs `m365gov collect`, 350 users, 5 ms",
                   "Evaluation, residency + Teams policies, 350 users", "Start-up `m365gov --help`",
                   "Start-up `m365gov audit --snapshot` (350 users)", "Peak RSS `m365gov collect`, 350 users",
                   "Peak RSS `m365gov audit`, 350 users"):
        assert figure in rows, figure
    assert rows["Graph requests, 350 users"].endswith("| **met** |")
    assert rows["Key Vault + ARM requests, 350 users"].endswith("| **met** |")
    assert rows["Start-up `m365gov audit --snapshot` (350 users)"].endswith("| **met** |")
    assert "Verdicts agree for every policy." in results
    assert "## Typed and plain parsing paths" in results and "extrapolated" in results
    assert "Machine: " in results and "load average" in results
