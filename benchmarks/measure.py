"""Running a command and measuring it: wall time, peak RSS, machine load; medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One command run: exit code, wall seconds, peak RSS (bytes, of that process alone), CPU seconds
    (user + system), output."""

    returncode: int
    seconds: float
    max_rss: int
    stdout: str
    stderr: str
    cpu: float = 0.0

    def check(self, what: str) -> Run:
        if self.returncode != 0:
            raise RuntimeError(f"{what} failed (exit {self.returncode}):\n{self.stdout[-2000:]}\n{self.stderr[-4000:]}")
        return self


def run(args: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float | None = None) -> Run:
    """Run ``args`` and wait for it with ``wait4``: its own peak RSS, not the harness's or a sibling's.

    The wait blocks (no polling that would add its period to short timings); a timer kills the
    process if it outlives ``timeout``.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(args), stdout=out, stderr=err, env=env, cwd=cwd)
        timer = threading.Timer(timeout, proc.kill) if timeout is not None else None
        if timer is not None:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer is not None:
                timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, seconds, usage.ru_maxrss * 1024, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), usage.ru_utime + usage.ru_stime)


def m365gov(*args: str | Path, env: dict[str, str] | None = None, timeout: float | None = None) -> Run:
    """``m365gov …`` as a user runs it (the console script of this interpreter's environment)."""
    script = Path(sys.executable).with_name("m365gov")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "m365gov"]
    return run([*command, *map(str, args)], env=env, timeout=timeout)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def cpu_count() -> int:
    return os.cpu_count() or 1
